"""Receipts and photos of a report: judged by content, photos stripped of every metadata, nothing
stored on refusal, and served only to those allowed (public photos on the event page)."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from events.models import Event, Report, ReportFile
from organisations.models import PartnerStaff
from tests.events import test_reports as journeys
from tests.factories import (
    CountryProgrammeFactory,
    MembershipFactory,
    PartnerStaffFactory,
    log_in_with_second_factor,
)

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825
MAKE, MODEL = 0x010F, 0x0110


def jpeg_with_gps(size=(64, 48)) -> bytes:
    """A JPEG carrying a camera's EXIF with the place it was taken (GPS) and an XMP packet."""
    exif = Image.Exif()
    exif[MAKE] = "Phone Maker"
    exif[MODEL] = "Phone 12"
    exif[GPS_IFD] = {1: "N", 2: (49.0, 36.0, 42.0), 3: "E", 4: (6.0, 7.0, 48.0)}
    out = io.BytesIO()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description GPSLatitude="49,36N"/></x:xmpmeta>'
    Image.new("RGB", size, (200, 30, 30)).save(out, "JPEG", exif=exif.tobytes(), xmp=xmp)
    return out.getvalue()


def png(size=(40, 30), mode="RGBA") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size).save(out, "PNG")
    return out.getvalue()


def upload(name: str, content: bytes, content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


@pytest.fixture
def member():
    return MembershipFactory()


@pytest.fixture
def applicant(member):
    client = Client()
    client.force_login(member.user)
    return client


@pytest.fixture
def approved(member):
    return journeys.approved_event(member.organisation)


@pytest.fixture
def proposal(approved):
    return approved[0]


def post_files(client, proposal, *files, kind="photo", consent=True, public=False):
    data = {"kind": kind, "files": list(files)}
    if consent:
        data["consent"] = "on"
    if public:
        data["public"] = "on"
    return client.post(reverse("events:report_upload", args=[proposal.pk]), data)


# --- Photos lose their metadata --------------------------------------------------------------


def test_the_test_photo_really_carries_gps():
    assert b"xmpmeta" in jpeg_with_gps()
    with Image.open(io.BytesIO(jpeg_with_gps())) as image:
        assert image.getexif().get_ifd(GPS_IFD)
        assert image.getexif()[MAKE] == "Phone Maker"


def test_a_photo_with_gps_exif_is_stored_without_any_metadata(applicant, proposal, private_storage):
    response = post_files(applicant, proposal, upload("party.jpg", jpeg_with_gps()))

    assert response.status_code == 302
    row = ReportFile.objects.get()
    assert row.kind == "photo" and row.consent and row.original_name == "party.jpg"
    assert row.content_type == "image/jpeg"
    [path] = stored_files(private_storage)
    data = path.read_bytes()
    assert path.name != "party.jpg" and path.suffix == ".jpg"
    assert row.size == len(data)
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
        assert image.size == (64, 48)
        assert len(image.getexif()) == 0
        assert "exif" not in image.info and "xmp" not in image.info
    assert b"Exif" not in data and b"Phone Maker" not in data and b"xmpmeta" not in data


def test_png_and_webp_photos_keep_their_format(applicant, proposal):
    webp = io.BytesIO()
    Image.new("RGB", (20, 20), (0, 120, 0)).save(webp, "WEBP", exif=Image.Exif().tobytes())

    post_files(
        applicant,
        proposal,
        upload("a.png", png(), "image/png"),
        upload("b.webp", webp.getvalue(), "image/webp"),
    )

    assert sorted(ReportFile.objects.values_list("content_type", flat=True)) == [
        "image/png",
        "image/webp",
    ]


def test_a_photo_needs_the_consent_declaration(applicant, proposal, private_storage):
    response = post_files(applicant, proposal, upload("kids.jpg", jpeg_with_gps()), consent=False)

    assert response.status_code == 400
    assert "everyone shown agreed" in response.content.decode()
    assert not ReportFile.objects.exists()
    assert stored_files(private_storage) == []


# --- What is refused, with nothing stored ----------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
    b"<script>alert(document.cookie)</script></svg>"
)


@pytest.mark.parametrize(
    ("kind", "name", "content", "message"),
    [
        ("photo", "holiday.jpg", PDF, "is not a photo"),
        ("photo", "drawing.svg", SVG, "is not a photo"),
        ("receipt", "receipt.svg", SVG, "is not a receipt we can take"),
        ("receipt", "receipt.pdf", b"<html><body>not a pdf</body></html>", "is not a receipt"),
        ("receipt", "setup.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200, "is not a receipt"),
        ("photo", "photos.jpg", b"PK\x03\x04" + b"\x00" * 200, "is not a photo"),
        ("photo", "broken.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 50, "could not be read"),
    ],
    ids=["pdf-as-jpg", "svg-photo", "svg-receipt", "html-as-pdf", "exe-as-pdf", "zip-as-jpg",
         "truncated-jpeg"],
)  # fmt: skip
def test_files_that_are_not_what_they_claim_are_refused(
    applicant, proposal, private_storage, kind, name, content, message
):
    response = post_files(applicant, proposal, upload(name, content), kind=kind)

    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert 'id="field-files"' in html  # next to the field
    assert not ReportFile.objects.exists()
    assert stored_files(private_storage) == []


def test_an_html_pdf_polyglot_receipt_is_refused(applicant, proposal, private_storage):
    polyglot = b"%PDF-1.4\n<html><script>alert(1)</script></html>\n" + PDF

    response = post_files(applicant, proposal, upload("r.pdf", polyglot), kind="receipt")

    assert response.status_code == 400
    assert "contains web page code" in response.content.decode()
    assert stored_files(private_storage) == []


def test_a_pdf_receipt_is_kept_as_sent(applicant, proposal, private_storage):
    post_files(applicant, proposal, upload("invoice.pdf", PDF, "application/pdf"), kind="receipt")

    row = ReportFile.objects.get()
    assert (row.kind, row.content_type, row.public) == ("receipt", "application/pdf", False)
    [path] = stored_files(private_storage)
    assert path.read_bytes() == PDF and path.suffix == ".pdf"


@pytest.mark.parametrize("megapixels", [48, 100])
def test_a_decompression_bomb_is_refused(applicant, proposal, private_storage, megapixels):
    # A tiny file that would unpack to tens of megapixels: above 40 MP Pillow warns (we refuse),
    # above 80 MP it refuses itself.
    width = 10_000
    bomb = png((width, megapixels * 1_000_000 // width), mode="1")
    assert len(bomb) < 1_000_000

    response = post_files(applicant, proposal, upload("bomb.png", bomb, "image/png"))

    assert response.status_code == 400
    assert "too many pixels" in response.content.decode()
    assert stored_files(private_storage) == []


def test_a_file_over_10_mb_is_refused(applicant, proposal, private_storage):
    big = b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024)

    response = post_files(applicant, proposal, upload("big.pdf", big), kind="receipt")

    assert response.status_code == 400
    assert "files may be up to 10 MB" in response.content.decode()
    assert stored_files(private_storage) == []


def test_a_path_in_the_file_name_is_harmless(applicant, proposal, private_storage, tmp_path):
    response = post_files(applicant, proposal, upload("../../../../evil.jpg", jpeg_with_gps()))

    assert response.status_code == 302
    row = ReportFile.objects.get()
    assert "/" not in row.original_name and ".." not in row.original_name
    [path] = stored_files(private_storage)
    assert path.resolve().is_relative_to(private_storage.resolve())
    assert path.name != "evil.jpg"
    assert not list(tmp_path.parent.rglob("evil.jpg"))


def test_one_bad_file_stops_the_whole_upload(applicant, proposal, private_storage):
    response = post_files(
        applicant, proposal, upload("good.jpg", jpeg_with_gps()), upload("bad.jpg", PDF)
    )

    assert response.status_code == 400
    assert not ReportFile.objects.exists()
    assert stored_files(private_storage) == []


def test_no_more_than_twenty_photos(applicant, proposal, private_storage):
    photos = [upload(f"p{n}.jpg", jpeg_with_gps((8, 8))) for n in range(20)]
    assert post_files(applicant, proposal, *photos).status_code == 302
    assert ReportFile.objects.filter(kind="photo").count() == 20

    response = post_files(applicant, proposal, upload("one-more.jpg", jpeg_with_gps((8, 8))))

    assert response.status_code == 400
    assert "at most 20 files of each kind" in response.content.decode()
    assert ReportFile.objects.count() == 20
    assert len(stored_files(private_storage)) == 20
    # Receipts count separately.
    post_files(applicant, proposal, upload("r.pdf", PDF), kind="receipt")
    assert ReportFile.objects.filter(kind="receipt").count() == 1


def test_twenty_one_at_once_are_refused(applicant, proposal, private_storage):
    receipts = [upload(f"r{n}.pdf", PDF) for n in range(21)]

    response = post_files(applicant, proposal, *receipts, kind="receipt")

    assert response.status_code == 400
    assert not ReportFile.objects.exists()
    assert stored_files(private_storage) == []


def test_files_of_a_submitted_report_cannot_change(applicant, proposal, private_storage):
    post_files(applicant, proposal, upload("p.jpg", jpeg_with_gps()))
    applicant.post(
        reverse("events:report_submit", args=[proposal.pk]), journeys.with_costs(proposal)
    )
    assert Report.objects.get().status == Report.Status.SUBMITTED
    row = ReportFile.objects.get()

    post_files(applicant, proposal, upload("late.jpg", jpeg_with_gps()))
    applicant.post(reverse("events:report_file_remove", args=[proposal.pk, row.pk]))

    assert list(ReportFile.objects.all()) == [row]
    assert len(stored_files(private_storage)) == 1


def test_the_applicant_removes_a_file(
    applicant, proposal, private_storage, django_capture_on_commit_callbacks
):
    post_files(applicant, proposal, upload("p.jpg", jpeg_with_gps()))
    row = ReportFile.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        applicant.post(reverse("events:report_file_remove", args=[proposal.pk, row.pk]))

    assert not ReportFile.objects.exists()
    assert stored_files(private_storage) == []


# --- Who gets the files ----------------------------------------------------------------------


def test_download_is_an_attachment_that_browsers_do_not_sniff(applicant, proposal):
    post_files(applicant, proposal, upload("party.jpg", jpeg_with_gps()))
    row = ReportFile.objects.get()

    response = applicant.get(reverse("events:report_file", args=[row.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert 'filename="party.jpg"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8\xff")


def test_files_are_served_only_to_those_allowed(applicant, proposal, approved):
    post_files(applicant, proposal, upload("r.pdf", PDF), kind="receipt")
    file_url = reverse("events:report_file", args=[ReportFile.objects.get().pk])
    stranger = Client()
    stranger.force_login(MembershipFactory().user)
    own_partner = log_in_with_second_factor(Client(), approved[1])
    germany = CountryProgrammeFactory(country="DE")
    other_partner = log_in_with_second_factor(
        Client(), PartnerStaffFactory(partner=germany.partner, role=PartnerStaff.Role.MANAGER).user
    )

    assert Client().get(file_url).status_code == 302  # to the login page
    assert stranger.get(file_url).status_code == 404
    assert other_partner.get(file_url).status_code == 404
    assert own_partner.get(file_url).status_code == 200
    assert own_partner.get(file_url)["Content-Disposition"].startswith("attachment")


def test_partner_staff_need_their_second_factor_for_files(applicant, proposal, approved):
    post_files(applicant, proposal, upload("r.pdf", PDF), kind="receipt")
    file_url = reverse("events:report_file", args=[ReportFile.objects.get().pk])
    without_totp = Client()
    without_totp.force_login(approved[1])

    response = without_totp.get(file_url)

    assert response.status_code == 302
    assert "/accounts/" in response["Location"]


# --- Public photos on the event page ----------------------------------------------------------


def test_photos_marked_public_appear_on_the_event_page(applicant, proposal):
    post_files(applicant, proposal, upload("public.jpg", jpeg_with_gps()), public=True)
    post_files(applicant, proposal, upload("private.jpg", jpeg_with_gps()))
    shown = ReportFile.objects.get(original_name="public.jpg")
    hidden = ReportFile.objects.get(original_name="private.jpg")
    event = Event.objects.get(proposal=proposal)
    public = Client()

    page = public.get(reverse("events:event", args=[event.pk, event.slug])).content.decode()
    photo = public.get(reverse("events:event_photo", args=[event.pk, event.slug, shown.pk]))
    hidden_photo = public.get(reverse("events:event_photo", args=[event.pk, event.slug, hidden.pk]))

    assert reverse("events:event_photo", args=[event.pk, event.slug, shown.pk]) in page
    assert f"photos/{hidden.pk}/" not in page
    assert "public.jpg" not in page  # the file name is not shown to the public
    assert photo.status_code == 200
    assert photo["Content-Type"] == "image/jpeg"
    assert photo["X-Content-Type-Options"] == "nosniff"
    assert b"".join(photo.streaming_content).startswith(b"\xff\xd8\xff")
    assert hidden_photo.status_code == 404


def test_the_organisation_takes_a_photo_off_the_public_page(applicant, proposal):
    post_files(applicant, proposal, upload("p.jpg", jpeg_with_gps()), public=True)
    row = ReportFile.objects.get()
    event = Event.objects.get(proposal=proposal)

    applicant.post(
        reverse("events:report_file_public", args=[proposal.pk, row.pk]), {"public": "0"}
    )

    row.refresh_from_db()
    assert row.public is False
    photo_url = reverse("events:event_photo", args=[event.pk, event.slug, row.pk])
    assert Client().get(photo_url).status_code == 404


def test_a_photo_can_be_taken_off_the_page_after_the_report_was_sent(applicant, proposal):
    post_files(applicant, proposal, upload("p.jpg", jpeg_with_gps()), public=True)
    post_files(applicant, proposal, upload("q.jpg", jpeg_with_gps()))
    applicant.post(
        reverse("events:report_submit", args=[proposal.pk]), journeys.with_costs(proposal)
    )
    shown = ReportFile.objects.get(original_name="p.jpg")
    hidden = ReportFile.objects.get(original_name="q.jpg")

    applicant.post(
        reverse("events:report_file_public", args=[proposal.pk, shown.pk]), {"public": "0"}
    )
    applicant.post(
        reverse("events:report_file_public", args=[proposal.pk, hidden.pk]), {"public": "1"}
    )

    assert list(ReportFile.objects.filter(public=True)) == []


def test_a_cancelled_event_shows_no_photos(applicant, proposal, approved):
    from grants.services import cancel_grant

    post_files(applicant, proposal, upload("p.jpg", jpeg_with_gps()), public=True)
    row = ReportFile.objects.get()
    event = Event.objects.get(proposal=proposal)
    cancel_grant(proposal, actor=approved[1], reason="The venue closed.")

    photo_url = reverse("events:event_photo", args=[event.pk, event.slug, row.pk])
    assert Client().get(photo_url).status_code == 404


def test_a_receipt_is_never_public(applicant, proposal):
    post_files(applicant, proposal, upload("r.pdf", PDF), kind="receipt", public=True)
    row = ReportFile.objects.get()
    event = Event.objects.get(proposal=proposal)

    assert row.public is False
    photo_url = reverse("events:event_photo", args=[event.pk, event.slug, row.pk])
    assert Client().get(photo_url).status_code == 404


# --- Who may do what, as a table ----------------------------------------------------------------

VISITORS = ["anonymous", "member", "other_member", "manager", "reviewer", "other_country", "staff"]
# visitor -> (report page, file download, partner page shows the report, accept)
EXPECTED = {
    "anonymous": (302, 302, 302, 302),
    "member": (200, 200, 403, 403),
    "other_member": (404, 404, 403, 403),
    "manager": (404, 200, 200, 302),
    "reviewer": (404, 200, 200, 403),
    "other_country": (404, 404, 404, 404),
    "staff": (404, 200, 200, 302),
}


def visitor_client(who, member, proposal):
    from tests.factories import UserFactory

    partner = proposal.country_programme.partner
    germany = CountryProgrammeFactory(country="DE")
    users = {
        "member": lambda: member.user,
        "other_member": lambda: MembershipFactory().user,
        "manager": lambda: PartnerStaffFactory(partner=partner).user,
        "reviewer": lambda: (
            PartnerStaffFactory(partner=partner, role=PartnerStaff.Role.REVIEWER).user
        ),
        "other_country": lambda: PartnerStaffFactory(partner=germany.partner).user,
        "staff": lambda: UserFactory(is_programme_staff=True),
    }
    if who == "anonymous":
        return Client()
    return log_in_with_second_factor(Client(), users[who]())


@pytest.mark.parametrize("who", VISITORS)
def test_who_may_see_and_decide_a_report(who, applicant, member, proposal):
    post_files(applicant, proposal, upload("r.pdf", PDF), kind="receipt")
    applicant.post(
        reverse("events:report_submit", args=[proposal.pk]), journeys.with_costs(proposal)
    )
    client = visitor_client(who, member, proposal)
    row = ReportFile.objects.get()

    page = client.get(reverse("events:report", args=[proposal.pk]))
    download = client.get(reverse("events:report_file", args=[row.pk]))
    partner_page = client.get(reverse("grants:proposal", args=[proposal.pk]))
    accept = client.post(reverse("events:report_accept", args=[proposal.pk]))

    codes = (page.status_code, download.status_code, partner_page.status_code, accept.status_code)
    assert codes == EXPECTED[who]
    if codes[2] == 200:
        assert 'id="report-total"' in partner_page.content.decode()
    accepted = Report.objects.get().status == Report.Status.ACCEPTED
    assert accepted == (EXPECTED[who][3] == 302 and who != "anonymous")
