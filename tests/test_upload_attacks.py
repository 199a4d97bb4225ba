"""The malicious set against every upload point: a renamed executable, an SVG with a script, an
HTML/PDF polyglot, an image decompression bomb, a zip bomb, ../ in the name, more files than
allowed and an oversized body. Each is refused with a clear error and nothing is stored.

Upload points: the report's photos and receipts (events/uploads.py, through the page); the
donation receipt (grants/payments.py takes it through ``clean_receipt``, asked directly here);
the library's files (events.models.Resource, uploaded in the admin: the field's validators).
Private files are never served by a public URL, and their downloads are attachments with nosniff.
"""

import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from PIL import Image

from events import uploads
from events.models import ReportFile, Resource
from tests.events import test_reports as journeys
from tests.factories import MembershipFactory
from tests.matrix_world import MatrixWorld

pytestmark = pytest.mark.django_db


def _png(size, mode="1") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size).save(out, "PNG")
    return out.getvalue()


def _zip(entries: dict[str, bytes], compress=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compress) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def _zip_bomb() -> bytes:
    """A .docx-looking zip that unpacks to 200 MB of zeros (a few hundred KB on the wire)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as entry:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(200):
                entry.write(chunk)
    return out.getvalue()


def _many_entries() -> bytes:
    return _zip({f"word/part{i}.xml": b"<x/>" for i in range(uploads.ZIP_MAX_ENTRIES + 1)})


# (id, file name, content) — each must be refused at every upload point. A name per point is
# chosen so the extension is one the point takes: the content is what gives the file away.
MALICIOUS = {
    "renamed_executable": (b"MZ\x90\x00\x03" + b"\0" * 60 + b"This program cannot be run"),
    "svg_with_script": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "html_pdf_polyglot": b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script>",
    "decompression_bomb": None,  # made once (a 100-megapixel PNG of a few KB)
    "zip_bomb": None,
}


@pytest.fixture(scope="module")
def payloads():
    made = dict(MALICIOUS)
    made["decompression_bomb"] = _png((10_000, 10_000))
    made["zip_bomb"] = _zip_bomb()
    made["too_many_zip_entries"] = _many_entries()
    return made


ATTACKS = [*MALICIOUS, "too_many_zip_entries"]
# The extension each point is offered, per attack (what the attacker would claim).
NAMES = {
    "renamed_executable": ("photo.jpg", "receipt.pdf", "guide.pdf"),
    "svg_with_script": ("photo.png", "receipt.png", "guide.png"),
    "html_pdf_polyglot": ("photo.jpg", "receipt.pdf", "guide.pdf"),
    "decompression_bomb": ("photo.png", "receipt.png", "guide.png"),
    "zip_bomb": ("photo.jpg", "receipt.pdf", "guide.docx"),
    "too_many_zip_entries": ("photo.jpg", "receipt.pdf", "slides.pptx"),
}


def _stored(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def report_point(private_storage):
    member = MembershipFactory()
    proposal, _manager = journeys.approved_event(member.organisation)
    client = Client()
    client.force_login(member.user)
    return client, proposal, private_storage


@pytest.mark.parametrize("kind", ["photo", "receipt"])
@pytest.mark.parametrize("attack", ATTACKS)
def test_report_upload_refuses_the_malicious_set(report_point, payloads, attack, kind):
    client, proposal, root = report_point
    name = NAMES[attack][0 if kind == "photo" else 1]
    response = client.post(
        reverse("events:report_upload", args=[proposal.pk]),
        {"kind": kind, "consent": "on", "files": [SimpleUploadedFile(name, payloads[attack])]},
    )
    assert response.status_code in (200, 400), response.status_code
    assert name in response.content.decode()  # the error names the file
    assert not ReportFile.objects.exists()
    assert _stored(root) == []


@pytest.mark.parametrize("attack", ATTACKS)
def test_donation_receipt_check_refuses_the_malicious_set(payloads, attack):
    with pytest.raises(uploads.FileRefused):
        uploads.clean_receipt(SimpleUploadedFile(NAMES[attack][1], payloads[attack]))


@pytest.mark.parametrize("attack", ATTACKS)
def test_library_file_validators_refuse_the_malicious_set(payloads, attack):
    field = Resource._meta.get_field("file")
    upload = SimpleUploadedFile(NAMES[attack][2], payloads[attack])
    with pytest.raises(ValidationError):
        for validator in field.validators:
            validator(upload)


@pytest.mark.parametrize("name", ["guide.pdf", "slides.pptx", "lesson.odt", "photo.png"])
def test_library_takes_real_files(name):
    content = {
        "pdf": b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF",
        "pptx": _zip({"[Content_Types].xml": b"<Types/>", "ppt/slides/slide1.xml": b"<p/>"}),
        "odt": _zip({"mimetype": b"application/vnd.oasis.opendocument.text"}),
        "png": _png((40, 30), "RGB"),
    }[name.rsplit(".", 1)[1]]
    for validator in Resource._meta.get_field("file").validators:
        validator(SimpleUploadedFile(name, content))


def test_a_zip_naming_a_path_outside_itself_is_refused():
    upload = SimpleUploadedFile("evil.docx", _zip({"../../etc/cron.d/x": b"* * * * * boom"}))
    assert uploads.library_file_problem(upload)


def test_dot_dot_in_the_name_never_reaches_the_disk(report_point):
    client, proposal, root = report_point
    evil = "../../../etc/passwd.png"
    client.post(
        reverse("events:report_upload", args=[proposal.pk]),
        {"kind": "photo", "consent": "on", "files": [SimpleUploadedFile(evil, _png((8, 8)))]},
    )
    [path] = _stored(root)
    assert path.resolve().is_relative_to(root.resolve())
    assert "passwd" not in path.name and ".." not in str(path.relative_to(root))
    assert ReportFile.objects.get().original_name == "passwd.png"


def test_more_files_than_allowed_are_refused_with_nothing_stored(report_point):
    client, proposal, root = report_point
    files = [SimpleUploadedFile(f"p{i}.png", _png((4, 4))) for i in range(21)]
    response = client.post(
        reverse("events:report_upload", args=[proposal.pk]),
        {"kind": "photo", "consent": "on", "files": files},
    )
    assert response.status_code in (200, 400)
    assert not ReportFile.objects.exists() and _stored(root) == []


def test_more_files_than_a_request_may_carry_answer_400(report_point):
    client, proposal, root = report_point
    count = settings.DATA_UPLOAD_MAX_NUMBER_FILES + 1
    files = [SimpleUploadedFile(f"p{i}.png", _png((4, 4))) for i in range(count)]
    response = client.post(
        reverse("events:report_upload", args=[proposal.pk]),
        {"kind": "photo", "consent": "on", "files": files},
    )
    assert response.status_code == 400
    assert not ReportFile.objects.exists() and _stored(root) == []


def test_an_oversized_body_answers_400_and_stores_nothing(report_point):
    client, proposal, root = report_point
    response = client.post(
        reverse("events:report_upload", args=[proposal.pk]),
        {"kind": "photo", "note": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)},
    )
    assert response.status_code in (400, 413)
    assert not ReportFile.objects.exists() and _stored(root) == []


def test_upload_limits_are_set():
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 5 * 1024 * 1024
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 5 * 1024 * 1024
    assert settings.DATA_UPLOAD_MAX_NUMBER_FILES >= uploads.MAX_FILES_PER_KIND


def test_no_url_serves_media_or_private_files():
    routes = []

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                routes.append((prefix + str(pattern.pattern), pattern.callback))

    walk(get_resolver().url_patterns, "")
    media = settings.MEDIA_URL.strip("/")
    for route, callback in routes:
        assert not route.lstrip("^").startswith(media), route
        assert callback.__module__ != "django.views.static", route
        assert "document_root" not in (getattr(callback, "keywords", None) or {}), route
    assert Client().get(settings.MEDIA_URL + "letters/x.pdf").status_code == 404
    private = settings.STORAGES["private"]["OPTIONS"]["location"]
    assert Path(private).resolve() != Path(settings.MEDIA_ROOT).resolve()


def test_private_downloads_are_attachments_with_nosniff(private_storage, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    world = MatrixWorld()
    client = world.client("applicant")
    for url in (
        reverse("events:report_file", args=[world.report_file.pk]),
        reverse("letters:download", args=[world.grant.pk]),
        reverse("letters:donation_receipt", args=[world.grant.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Disposition"].startswith("attachment"), url
        assert response["X-Content-Type-Options"] == "nosniff", url
