"""/library/: published resources, filtered in the URL; staff add them in the admin, where a
wrong file is refused next to its field."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from events.models import Proposal, Resource
from organisations.models import User
from tests.factories import PartnerStaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def resource(title, **fields) -> Resource:
    values = {
        "summary": f"All about {title}.",
        "kind": Resource.Kind.GUIDE,
        "language": "en",
        "url": "https://example.org/resource",
        "published": True,
    } | fields
    return Resource.objects.create(title=title, **values)


@pytest.fixture
def shelf():
    resource(
        "Hackathon handbook", kind="guide", format="hackathon", age_band="17-24", language="fr"
    )
    resource("Scratch lesson", kind="lesson_plan", format="workshop", age_band="8-12")
    resource("Robots on film", kind="video", age_band="all", summary="Line-following robots.")
    resource("Secret draft", kind="guide", published=False)


def titles(client, **params) -> list[str]:
    page = client.get(reverse("events:library"), params)
    assert page.status_code == 200
    return sorted(r.title for r in page.context["page"].object_list)


def test_the_library_lists_published_resources_only(client, shelf):
    assert titles(client) == ["Hackathon handbook", "Robots on film", "Scratch lesson"]
    assert "Secret draft" not in client.get(reverse("events:library")).content.decode()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "guide"}, ["Hackathon handbook"]),
        ({"format": "workshop"}, ["Scratch lesson"]),
        ({"age": "8-12"}, ["Robots on film", "Scratch lesson"]),  # all ages suit every band
        ({"language": "fr"}, ["Hackathon handbook"]),
        ({"q": "robots"}, ["Robots on film"]),
        ({"q": "line-following"}, ["Robots on film"]),  # the summary is searched too
        ({"kind": "video", "age": "17-24"}, ["Robots on film"]),
    ],
)
def test_filters_narrow_the_library(client, shelf, params, expected):
    assert titles(client, **params) == expected


def test_an_invalid_filter_is_explained_next_to_its_field(client, shelf):
    page = client.get(reverse("events:library"), {"kind": "spaceship"})

    html = page.content.decode()
    assert page.status_code == 200
    assert 'class="invalid-feedback d-block">Select a valid choice.' in html


def test_the_library_pages_through_many_resources(client):
    for n in range(15):
        resource(f"Resource {n:02d}")

    first = client.get(reverse("events:library"))
    second = client.get(reverse("events:library"), {"page": 2})

    assert len(first.context["page"].object_list) == 12
    assert len(second.context["page"].object_list) == 3
    assert "Page 1 of 2" in first.content.decode()


def test_a_resource_needs_a_link_or_a_file():
    empty = Resource(title="Nothing", summary="x", kind="guide", language="en", url="")

    with pytest.raises(ValidationError) as error:
        empty.full_clean()

    assert "Give a link to the resource or upload its file." in error.value.message_dict["url"]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def admin_client_(client, two_factor_login):
    return two_factor_login(client, User.objects.create_superuser("admin@example.org", "x"))


def _add(client, upload):
    data = {
        "title_en": "Unplugged games",
        "summary_en": "Card games about binary numbers.",
        "kind": "lesson_plan",
        "format": "",
        "age_band": "8-12",
        "language": "en",
        "url": "",
        "published": "on",
        "file": upload,
    }
    return client.post(reverse("admin:events_resource_add"), data)


def test_staff_upload_a_pdf_and_the_public_downloads_it(admin_client_, client, media):
    upload = SimpleUploadedFile("games.pdf", b"%PDF-1.4 games", content_type="application/pdf")

    response = _add(admin_client_, upload)

    assert response.status_code == 302
    added = Resource.objects.get(title="Unplugged games")
    download = client.get(reverse("events:library_file", args=[added.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 games"


def test_a_file_of_the_wrong_kind_is_refused_next_to_the_field(admin_client_, media):
    upload = SimpleUploadedFile("tool.exe", b"MZ", content_type="application/octet-stream")

    response = _add(admin_client_, upload)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "file" in errors and "exe" in errors["file"][0]
    assert not Resource.objects.filter(title="Unplugged games").exists()


def test_a_file_over_20_mb_is_refused_next_to_the_field(admin_client_, media):
    upload = SimpleUploadedFile("big.pdf", b"0" * (20 * 1024 * 1024 + 1), "application/pdf")

    response = _add(admin_client_, upload)

    errors = response.context["adminform"].form.errors
    assert "up to 20 MB" in errors["file"][0]
    assert not Resource.objects.exists()


def test_an_unpublished_file_is_not_served(client, media):
    hidden = resource("Draft", published=False, url="", file=SimpleUploadedFile("d.pdf", b"%PDF"))

    assert client.get(reverse("events:library_file", args=[hidden.pk])).status_code == 404


def test_partner_staff_manage_resources_but_nothing_else_in_the_admin(
    client, media, two_factor_login
):
    staff = PartnerStaffFactory(user__is_staff=True).user
    two_factor_login(client, staff)

    assert client.get(reverse("admin:events_resource_changelist")).status_code == 200
    assert client.get(reverse("admin:events_resource_add")).status_code == 200
    assert client.get(reverse("admin:events_proposal_changelist")).status_code == 403
    response = _add(client, SimpleUploadedFile("g.pdf", b"%PDF", content_type="application/pdf"))
    assert response.status_code == 302
    assert Resource.objects.filter(title="Unplugged games").exists()
    assert Proposal.objects.count() == 0


def test_an_applicant_cannot_manage_resources(client, two_factor_login):
    two_factor_login(client, UserFactory(is_staff=True))

    assert client.get(reverse("admin:events_resource_add")).status_code == 403
