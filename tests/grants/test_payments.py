"""Payments: when a grant may be paid, recording it, the organisation's donation receipt, the
partner's payments view with its filters and exports, and who may see what."""

import csv
import datetime as dt
import io
from decimal import Decimal
from urllib.parse import urlparse

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from PIL import Image

from events.models import Proposal, Report
from grants import payments
from grants.models import Grant
from meetandcode.kernel.exceptions import AmountNotAllowed
from organisations.models import AuditEntry, Notification, PartnerStaff
from programmes.models import CountryProgramme
from tests.factories import (
    PAST_YEAR,
    CountryProgrammeFactory,
    EditionFactory,
    GrantFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnerStaffFactory,
    ProposalFactory,
    ReportFactory,
    UserFactory,
    log_in_with_second_factor,
)

pytestmark = pytest.mark.django_db

AFTER = CountryProgramme.PaymentTiming.AFTER_REPORT
BEFORE = CountryProgramme.PaymentTiming.BEFORE_EVENT
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


class World:
    """Luxembourg pays after the accepted report and wants a donation receipt; Belgium pays on
    approval. One approved grant in each, a member of the Luxembourg organisation, managers."""

    def __init__(self):
        self.edition = EditionFactory(year=PAST_YEAR)
        self.lu = CountryProgrammeFactory(
            edition=self.edition, country="LU", payment_timing=AFTER, donation_receipt_required=True
        )
        self.be = CountryProgrammeFactory(edition=self.edition, country="BE", payment_timing=BEFORE)
        self.member = UserFactory()
        self.organisation = OrganisationFactory(
            country="LU", name="Luxembourg Coders ASBL", iban="LU280019400644750000"
        )
        MembershipFactory(user=self.member, organisation=self.organisation)
        self.lu_grant = self._grant(self.lu, "Robots in Esch", Decimal("400.00"), self.organisation)
        self.be_grant = self._grant(self.be, "Scratch in Gent", Decimal("300.00"))
        self.lu_manager = PartnerStaffFactory(
            partner=self.lu.partner, role=PartnerStaff.Role.MANAGER
        ).user
        self.lu_reviewer = PartnerStaffFactory(
            partner=self.lu.partner, role=PartnerStaff.Role.REVIEWER
        ).user
        self.be_manager = PartnerStaffFactory(
            partner=self.be.partner, role=PartnerStaff.Role.MANAGER
        ).user

    def _grant(self, programme, title, amount, organisation=None):
        proposal = ProposalFactory(
            country_programme=programme,
            status=Proposal.Status.APPROVED,
            title=title,
            requested_amount=amount,
            organisation=organisation or OrganisationFactory(country=programme.country.code),
        )
        return GrantFactory(
            proposal=proposal,
            amount=amount,
            approved_at=timezone.now() - dt.timedelta(days=30),
        )

    def accept_report(self, grant):
        return ReportFactory(
            proposal=grant.proposal, status=Report.Status.ACCEPTED, accepted_at=timezone.now()
        )


@pytest.fixture
def world():
    return World()


def _pay(grant, actor, amount="400.00", paid_on=None, reference=f"BANK-{PAST_YEAR}-001"):
    return payments.record_payment(
        grant,
        actor=actor,
        paid_on=paid_on or timezone.localdate(),
        amount=Decimal(amount),
        reference=reference,
    )


# --- When a grant may be paid ----------------------------------------------------------------


def test_a_country_paying_before_the_event_pays_on_approval(
    world, django_capture_on_commit_callbacks
):
    be_member = UserFactory()
    MembershipFactory(user=be_member, organisation=world.be_grant.proposal.organisation)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        paid = _pay(world.be_grant, world.be_manager, amount="300.00", reference="BE-77")
    paid.refresh_from_db()
    assert paid.payment_status == Grant.PaymentStatus.PAID
    assert paid.paid_amount == Decimal("300.00")
    assert paid.paid_on == timezone.localdate()
    assert paid.payment_reference == "BE-77"
    entry = AuditEntry.objects.get(action="grant.paid", object_id=paid.pk)
    assert (entry.actor, entry.from_state, entry.to_state) == (world.be_manager, "unpaid", "paid")
    # The member's notification is written with the payment and sent only after commit.
    assert Notification.objects.filter(kind="payment_made", recipient=be_member).exists()
    assert callbacks


def test_a_country_paying_after_the_report_waits_for_the_accepted_report(world):
    grant = world.lu_grant
    with pytest.raises(payments.PaymentRefused, match="after the accepted report"):
        _pay(grant, world.lu_manager)
    report = ReportFactory(proposal=grant.proposal, status=Report.Status.SUBMITTED)
    with pytest.raises(payments.PaymentRefused, match="not accepted yet"):
        _pay(grant, world.lu_manager)
    assert payments.payment_state(grant) == payments.WAITING
    report.status = Report.Status.ACCEPTED
    report.save()
    assert payments.payment_state(grant) == payments.PAYABLE
    _pay(grant, world.lu_manager, amount="350.00")
    grant.refresh_from_db()
    assert (grant.payment_status, grant.paid_amount) == ("paid", Decimal("350.00"))
    assert payments.payment_state(grant) == payments.PAID


def test_the_organisations_members_are_told_of_the_payment(world):
    world.accept_report(world.lu_grant)
    _pay(world.lu_grant, world.lu_manager, amount="400.00", reference="LU-1")
    told = Notification.objects.get(kind="payment_made", recipient=world.member)
    assert told.context["amount"] == "400.00"
    assert told.context["reference"] == world.lu_grant.reference
    assert told.url == reverse("events:detail", args=[world.lu_grant.proposal_id])
    # The partner's staff are not told of their own payment.
    assert not Notification.objects.filter(kind="payment_made", recipient=world.lu_manager)


@pytest.mark.parametrize(
    ("amount", "paid_on", "reference", "error", "words"),
    [
        ("400.01", None, "R1", AmountNotAllowed, "cannot be more than the grant"),
        ("0", None, "R1", payments.PaymentRefused, "more than zero"),
        ("-5", None, "R1", payments.PaymentRefused, "more than zero"),
        ("100", dt.timedelta(days=1), "R1", payments.PaymentRefused, "in the future"),
        ("100", dt.timedelta(days=-60), "R1", payments.PaymentRefused, "before the grant"),
        ("100", None, "   ", payments.PaymentRefused, "reference"),
    ],
)
def test_a_payment_out_of_the_rules_is_refused(world, amount, paid_on, reference, error, words):
    world.accept_report(world.lu_grant)
    day = timezone.localdate() + paid_on if paid_on else None
    with pytest.raises(error, match=words):
        _pay(world.lu_grant, world.lu_manager, amount=amount, paid_on=day, reference=reference)
    world.lu_grant.refresh_from_db()
    assert world.lu_grant.payment_status == "unpaid"
    assert not Notification.objects.filter(kind="payment_made").exists()


def test_a_grant_is_paid_once(world):
    _pay(world.be_grant, world.be_manager, amount="300.00")
    with pytest.raises(payments.PaymentRefused, match="already paid"):
        _pay(world.be_grant, world.be_manager, amount="300.00")


def test_a_cancelled_grant_is_not_paid(world):
    world.be_grant.status = Grant.Status.CANCELLED
    world.be_grant.save()
    Proposal.objects.filter(pk=world.be_grant.proposal_id).update(status="cancelled")
    with pytest.raises(payments.PaymentRefused, match="cancelled"):
        _pay(world.be_grant, world.be_manager, amount="300.00")


def test_only_a_manager_of_the_grants_country_records_a_payment(world):
    world.accept_report(world.lu_grant)
    for person in (world.lu_reviewer, world.be_manager, world.member):
        with pytest.raises(PermissionDenied):
            _pay(world.lu_grant, person)
    staff = UserFactory(is_programme_staff=True)
    _pay(world.lu_grant, staff)


def test_the_database_refuses_a_paid_amount_above_the_grant(world, db_refuses):
    with db_refuses("grant_paid_amount_within_grant"):
        Grant.objects.filter(pk=world.be_grant.pk).update(
            payment_status="paid", paid_on=timezone.localdate(), paid_amount=Decimal("300.01")
        )


# --- Recording through the partner's page ------------------------------------------------------


def _as(user) -> Client:
    return log_in_with_second_factor(Client(), user)


def test_a_manager_records_a_payment_on_the_grants_page(world):
    world.accept_report(world.lu_grant)
    client = _as(world.lu_manager)
    url = reverse("grants:payment", args=[world.lu_grant.proposal_id])
    page = client.get(url)
    assert b"Record the payment" in page.content
    today = timezone.localdate().isoformat()
    done = client.post(
        url, {"paid_on": today, "amount": "400.00", "reference": f"LU-{PAST_YEAR}-9"}
    )
    assert done.status_code == 302
    page = client.get(done["Location"])
    assert f"LU-{PAST_YEAR}-9".encode() in page.content
    assert b'data-state="paid"' in page.content


def test_a_payment_above_the_grant_is_refused_next_to_the_amount_keeping_the_input(world):
    world.accept_report(world.lu_grant)
    url = reverse("grants:payment", args=[world.lu_grant.proposal_id])
    today = timezone.localdate().isoformat()
    page = _as(world.lu_manager).post(
        url, {"paid_on": today, "amount": "450.00", "reference": "KEEP-ME"}
    )
    assert page.status_code == 400
    form = page.context["form"]
    assert "cannot be more than the grant" in form.errors["amount"][0]
    assert b'value="KEEP-ME"' in page.content
    world.lu_grant.refresh_from_db()
    assert world.lu_grant.payment_status == "unpaid"


def test_a_reviewer_sees_the_payment_but_cannot_record_it(world):
    world.accept_report(world.lu_grant)
    client = _as(world.lu_reviewer)
    url = reverse("grants:payment", args=[world.lu_grant.proposal_id])
    assert b"Record the payment" not in client.get(url).content
    today = timezone.localdate().isoformat()
    refused = client.post(url, {"paid_on": today, "amount": "400", "reference": "X"})
    assert refused.status_code == 403


# --- What the organisation sees, and its donation receipt -------------------------------------


def _paid_lu(world):
    world.accept_report(world.lu_grant)
    _pay(world.lu_grant, world.lu_manager, amount="400.00", reference="LU-REF-42")
    world.lu_grant.refresh_from_db()
    return world.lu_grant


def _member_client(world) -> Client:
    client = Client()
    client.force_login(world.member)
    return client


def test_the_organisation_sees_status_date_and_reference_on_its_proposal_page(world):
    client = _member_client(world)
    page = client.get(reverse("events:detail", args=[world.lu_grant.proposal_id]))
    assert b'id="payment-pending"' in page.content
    assert b"once your report is accepted" in page.content
    grant = _paid_lu(world)
    page = client.get(reverse("events:detail", args=[grant.proposal_id]))
    assert b"LU-REF-42" in page.content
    assert grant.paid_on.isoformat().encode() in page.content
    assert b'id="donation-receipt"' in page.content  # Luxembourg wants a donation receipt


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 10), "white").save(out, "PNG")
    return out.getvalue()


def _upload(client, grant, name, content, content_type="application/pdf"):
    return client.post(
        reverse("letters:upload_donation_receipt", args=[grant.pk]),
        {"receipt": SimpleUploadedFile(name, content, content_type=content_type)},
        follow=True,
    )


def test_the_member_uploads_a_pdf_receipt_and_the_partner_downloads_it(world, private_storage):
    grant = _paid_lu(world)
    client = _member_client(world)
    page = _upload(client, grant, f"Quittung {PAST_YEAR}.pdf", PDF)
    assert b"the donation receipt is uploaded" in page.content
    grant.refresh_from_db()
    assert grant.donation_receipt_name == f"Quittung {PAST_YEAR}.pdf"
    assert grant.donation_receipt_type == "application/pdf"
    assert "Quittung" not in grant.donation_receipt.name  # the server names the file
    assert AuditEntry.objects.filter(action="grant.donation_receipt", object_id=grant.pk).exists()
    url = reverse("letters:donation_receipt", args=[grant.pk])
    for who in (client, _as(world.lu_reviewer), _as(UserFactory(is_programme_staff=True))):
        response = who.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Type"] == "application/pdf"


def test_an_image_receipt_is_accepted_and_a_new_one_replaces_it(
    world, private_storage, django_capture_on_commit_callbacks
):
    grant = _paid_lu(world)
    client = _member_client(world)
    _upload(client, grant, "scan.png", _png(), "image/png")
    grant.refresh_from_db()
    first = grant.donation_receipt.name
    assert grant.donation_receipt_type == "image/png"
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, grant, "receipt.pdf", PDF)
    grant.refresh_from_db()
    assert grant.donation_receipt_type == "application/pdf"
    assert not (private_storage / first).exists()


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("receipt.pdf", b"Just some text, not a PDF at all", b"is not a receipt we can take"),
        ("receipt.pdf", b"<svg onload=alert(1)></svg>", b"is not a receipt we can take"),
        ("page.pdf", b"%PDF-1.4\n<html><script>alert(1)</script>", b"not a plain PDF"),
        ("big.pdf", PDF + b"0" * (10 * 1024 * 1024), b"files may be up to 10 MB"),
    ],
)
def test_a_receipt_that_is_not_a_pdf_or_image_is_refused_and_nothing_stored(
    world, private_storage, name, content, words
):
    grant = _paid_lu(world)
    page = _upload(_member_client(world), grant, name, content)
    assert words in page.content
    grant.refresh_from_db()
    assert not grant.donation_receipt
    stored = private_storage / "donation-receipts"
    assert not stored.exists() or not any(stored.rglob("*.*"))


def test_no_receipt_before_payment_nor_where_the_country_does_not_ask(world):
    world.accept_report(world.lu_grant)
    page = _upload(_member_client(world), world.lu_grant, "r.pdf", PDF)
    assert b"once the grant is paid" in page.content
    _pay(world.be_grant, world.be_manager, amount="300.00")
    be_member = UserFactory()
    MembershipFactory(user=be_member, organisation=world.be_grant.proposal.organisation)
    client = Client()
    client.force_login(be_member)
    page = _upload(client, world.be_grant, "r.pdf", PDF)
    assert b"does not ask for a donation receipt" in page.content


def test_others_cannot_upload_or_download_the_receipt(world):
    grant = _paid_lu(world)
    _upload(_member_client(world), grant, "r.pdf", PDF)
    url = reverse("letters:donation_receipt", args=[grant.pk])
    stranger = Client()
    stranger.force_login(UserFactory())
    assert stranger.get(url).status_code == 404
    assert _as(world.be_manager).get(url).status_code == 404
    anonymous = Client().get(url)
    assert urlparse(anonymous["Location"]).path == reverse("account_login")
    upload = reverse("letters:upload_donation_receipt", args=[grant.pk])
    refused = stranger.post(upload, {"receipt": SimpleUploadedFile("x.pdf", PDF)})
    assert refused.status_code == 404


# --- The payments view: filters and exports -------------------------------------------------


@pytest.fixture
def ledger(world):
    """Luxembourg: one paid (in June), one payable, one waiting for its report; Belgium: one."""
    staff = UserFactory(is_programme_staff=True)
    world.accept_report(world.lu_grant)
    payable = world._grant(world.lu, "Coding night in Diekirch", Decimal("250.00"))
    world.accept_report(payable)
    waiting = world._grant(world.lu, "Hackathon Ettelbruck", Decimal("150.00"))
    june = timezone.localdate() - dt.timedelta(days=10)
    _pay(world.lu_grant, staff, amount="380.00", paid_on=june, reference="=SUM(1)")
    return {"paid": world.lu_grant, "payable": payable, "waiting": waiting, "june": june}


def _refs(response) -> set[str]:
    return {grant.reference for grant, _state, _label in response.context["rows"]}


def test_the_payments_view_filters_by_status_date_country_and_text(world, ledger):
    client = _as(world.lu_manager)
    url = reverse("grants:payments")
    paid, payable, waiting = ledger["paid"], ledger["payable"], ledger["waiting"]
    every = {paid.reference, payable.reference, waiting.reference}
    assert _refs(client.get(url)) == every  # Belgium's grant is not Luxembourg's business
    assert _refs(client.get(url, {"status": "paid"})) == {paid.reference}
    assert _refs(client.get(url, {"status": "payable"})) == {payable.reference}
    assert _refs(client.get(url, {"status": "unpaid"})) == {payable.reference, waiting.reference}
    june = ledger["june"]
    assert _refs(client.get(url, {"paid_from": june.isoformat()})) == {paid.reference}
    later = (june + dt.timedelta(days=1)).isoformat()
    assert _refs(client.get(url, {"paid_from": later})) == set()
    assert _refs(client.get(url, {"paid_to": june.isoformat()})) == {paid.reference}
    assert _refs(client.get(url, {"q": "diekirch"})) == {payable.reference}
    assert _refs(client.get(url, {"q": "Luxembourg Coders"})) == {paid.reference}
    assert _refs(client.get(url, {"country": "LU", "edition": str(PAST_YEAR)})) == every
    assert _refs(client.get(url, {"edition": str(PAST_YEAR), "status": "paid"})) == {paid.reference}
    # Programme staff see Belgium too; Belgium's partner only Belgium.
    staff = _as(UserFactory(is_programme_staff=True))
    assert _refs(staff.get(url, {"country": "BE"})) == {world.be_grant.reference}
    assert _refs(_as(world.be_manager).get(url)) == {world.be_grant.reference}


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_the_payments_exports_hold_the_filtered_grants_with_the_same_columns(world, ledger):
    client = _as(world.lu_manager)
    rows = _csv(client.get(reverse("grants:payments_csv"), {"status": "paid"}))
    header, lines = rows[0], rows[1:]
    assert header[0] == "Grant" and "Payment reference" in header
    assert len(lines) == 1
    line = dict(zip(header, lines[0], strict=True))
    paid = ledger["paid"]
    assert line["Grant"] == paid.reference
    assert line["Organisation"] == "Luxembourg Coders ASBL"
    assert line["IBAN"] == "LU280019400644750000"
    assert line["Country"] == "LU"
    assert line["Grant amount"] == "400.00"
    assert line["Amount paid"] == "380.00"
    assert line["Paid on"] == ledger["june"].isoformat()
    assert line["Payment"] == "Paid"
    assert line["Payment reference"] == "'=SUM(1)"  # defused for spreadsheets
    assert line["Donation receipt"] == "missing"

    response = client.get(reverse("grants:payments_xlsx"))
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    table = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert table[0] == header
    assert {row[0] for row in table[1:]} == {
        paid.reference,
        ledger["payable"].reference,
        ledger["waiting"].reference,
    }
    by_ref = {row[0]: dict(zip(header, row, strict=True)) for row in table[1:]}
    assert by_ref[ledger["payable"].reference]["Payment"] == "Ready to be paid"
    assert by_ref[ledger["waiting"].reference]["Payment"] == "Waiting for the accepted report"


def test_the_payments_view_asks_a_fixed_number_of_queries(
    world, ledger, django_assert_max_num_queries
):
    client = _as(world.lu_manager)
    url = reverse("grants:payments")
    client.get(url)
    for n in range(10):
        world._grant(world.lu, f"More {n}", Decimal("100.00"))
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200


# --- Who sees what (table-driven) ---------------------------------------------------------------

PARTNER_URLS = [
    # (name, args from the world, answer for Luxembourg's partner, for Belgium's partner)
    ("grants:payments", None, 200, 200),
    ("grants:payments_csv", None, 200, 200),
    ("grants:payments_xlsx", None, 200, 200),
    ("grants:payment", "lu_proposal", 200, 404),
    ("grants:proposal", "lu_proposal", 200, 404),  # where the partner reads the report
    ("grants:figures", None, 200, 200),
    ("grants:figures_csv", None, 200, 200),
    ("letters:donation_receipt", "lu_grant", 200, 404),
]


def _url(world, name, arg):
    args = {
        None: [],
        "lu_proposal": [world.lu_grant.proposal_id],
        "lu_grant": [world.lu_grant.pk],
    }[arg]
    return reverse(name, args=args)


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize(("name", "arg", "lu_answer", "be_answer"), PARTNER_URLS)
def test_a_partner_sees_payments_reports_and_figures_of_its_own_countries_only(
    world, name, arg, lu_answer, be_answer
):
    grant = _paid_lu(world)
    _upload(_member_client(world), grant, "r.pdf", PDF)
    url = _url(world, name, arg)

    lu = _as(world.lu_manager).get(url)
    assert lu.status_code == lu_answer, url
    be = _as(world.be_manager).get(url)
    assert be.status_code == be_answer, url
    if be.status_code == 200:
        body = _body(be)
        assert b"Robots in Esch" not in body
        assert b"Luxembourg Coders" not in body
        assert grant.reference.encode() not in body

    applicant = Client()
    applicant.force_login(UserFactory())
    assert applicant.get(url).status_code in (403, 404), url

    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert urlparse(anonymous["Location"]).path == reverse("account_login")
