"""Files in S3-compatible object storage (S3_*_BUCKET): a real S3 server process (moto's), spoken
to over HTTP. Report files and award letters land in the private bucket and nowhere on disk; they
come back only through the permission-checked views; the library's files live in the public
bucket; backup_data reads both buckets into its archive, and restore_data says what to do."""

from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils.functional import empty

from events.models import ReportFile, Resource
from grants.letters import build_award_letter
from meetandcode.kernel import storage
from meetandcode.kernel.object_storage import s3_storages
from organisations import backups
from tests.events.test_report_uploads import PDF, post_files, upload
from tests.events.test_reports import approved_event
from tests.factories import MembershipFactory

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def buckets(s3_server, settings, private_storage):
    """This process's two storages in two new buckets; the test's private folder stays empty."""
    env = s3_server.new_buckets()
    settings.STORAGES = {**settings.STORAGES, **s3_storages(env)}
    storage._private_storage._wrapped = empty
    yield env
    storage._private_storage._wrapped = empty


def on_disk(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def test_a_receipt_goes_to_the_private_bucket_and_back_only_to_those_allowed(
    s3_server, buckets, private_storage
):
    member = MembershipFactory()
    proposal, manager = approved_event(member.organisation)
    applicant = Client()
    applicant.force_login(member.user)

    post_files(applicant, proposal, upload("invoice.pdf", PDF, "application/pdf"), kind="receipt")

    row = ReportFile.objects.get()
    stored = s3_server.objects(buckets["S3_PRIVATE_BUCKET"])
    assert stored[row.file.name] == PDF
    assert s3_server.objects(buckets["S3_PUBLIC_BUCKET"]) == {}
    assert on_disk(private_storage) == []

    address = reverse("events:report_file", args=[row.pk])
    answer = applicant.get(address)
    assert answer.status_code == 200
    assert b"".join(answer.streaming_content) == PDF
    stranger = Client()
    stranger.force_login(MembershipFactory().user)
    assert stranger.get(address).status_code == 404


def test_the_award_letter_is_built_into_the_private_bucket(s3_server, buckets, private_storage):
    member = MembershipFactory()
    proposal, _manager = approved_event(member.organisation)

    letter = build_award_letter(proposal.grant.pk)  # what the worker's task runs
    pdf = s3_server.objects(buckets["S3_PRIVATE_BUCKET"])[letter.file.name]
    assert pdf.startswith(b"%PDF")
    assert on_disk(private_storage) == []
    applicant = Client()
    applicant.force_login(member.user)
    answer = applicant.get(reverse("letters:download", args=[proposal.grant.pk]))
    assert answer.status_code == 200
    assert b"".join(answer.streaming_content) == pdf


def test_a_library_file_lives_in_the_public_bucket(s3_server, buckets, client):
    resource = Resource.objects.create(
        title="Guide", published=True, file=ContentFile(b"%PDF-1.4 guide", name="guide.pdf")
    )

    assert s3_server.objects(buckets["S3_PUBLIC_BUCKET"]) == {resource.file.name: b"%PDF-1.4 guide"}
    answer = client.get(reverse("events:library_file", args=[resource.pk]))
    assert b"".join(answer.streaming_content) == b"%PDF-1.4 guide"
    Resource.objects.filter(pk=resource.pk).update(published=False)
    assert client.get(reverse("events:library_file", args=[resource.pk])).status_code == 404


def test_the_same_name_twice_keeps_both_files(buckets):
    private = storages["private"]
    first = private.save("reports/receipt.pdf", ContentFile(b"first"))
    second = private.save("reports/receipt.pdf", ContentFile(b"second"))
    assert first != second
    assert private.open(first).read() == b"first" and private.open(second).read() == b"second"


@pytest.mark.postgres
def test_backup_data_reads_both_buckets_and_restore_data_says_where_to_put_them(
    s3_server, buckets, tmp_path, capsys
):
    storages["private"].save("letters/a.pdf", ContentFile(b"%PDF-1.4 a letter"))
    storages["default"].save("library/guide.pdf", ContentFile(b"%PDF-1.4 a guide"))

    call_command("backup_data", str(tmp_path / "backup"))

    said = capsys.readouterr().out
    assert f"read from the bucket {buckets['S3_PRIVATE_BUCKET']}" in said
    manifest = backups.json.loads((tmp_path / "backup" / backups.MANIFEST).read_text())
    assert set(manifest["files"]) == {"private/letters/a.pdf", "media/library/guide.pdf"}
    assert manifest["buckets"] == {
        "media": buckets["S3_PUBLIC_BUCKET"],
        "private": buckets["S3_PRIVATE_BUCKET"],
    }
    with pytest.raises(CommandError, match="object storage.*--media-root and --private-root"):
        call_command("restore_data", str(tmp_path / "backup"), database_name="nowhere")
