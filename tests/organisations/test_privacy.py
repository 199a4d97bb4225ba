"""Privacy (GDPR): the data download, deleting an account, retention, consent and staff reads."""

import json
from datetime import UTC, datetime

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import models
from django.db.models.functions import Cast
from django.urls import reverse

from events.models import Answer, Proposal, ReportFile
from grants.models import AwardLetter, Grant
from organisations import audit
from organisations.models import (
    AuditEntry,
    Consent,
    MemberInvitation,
    Membership,
    Notification,
    Organisation,
    User,
)
from organisations.privacy import delete_account, purge_old_data
from programmes.models import Question
from tests.factories import (
    PASSWORD,
    PAST_YEAR,
    CountryProgrammeFactory,
    EditionFactory,
    GrantFactory,
    MemberInvitationFactory,
    MembershipFactory,
    PartnerStaffFactory,
    ProposalFactory,
    ReportFactory,
    UserFactory,
    with_totp,
)

pytestmark = pytest.mark.django_db


def _owner(email="ada@example.org", **extra):
    user = UserFactory(email=email, first_name="Ada", last_name="Lovelace", **extra)
    membership = MembershipFactory(user=user, organisation__contact_email=email)
    return user, membership.organisation


def _download(client, user) -> dict:
    client.force_login(user)
    response = client.get(reverse("organisations:account_data"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    return json.loads(response.content)


# --- Download my data ---------------------------------------------------------------------


def test_download_holds_the_persons_data_and_nothing_of_another(client):
    ada, organisation = _owner()
    proposal = ProposalFactory(organisation=organisation, created_by=ada, title="Robots at 10")
    question = Question.objects.create(
        edition=proposal.country_programme.edition, section="audience", kind="number",
        text="How many girls do you expect?",
    )  # fmt: skip
    Answer.objects.create(proposal=proposal, question=question, value=9)
    Notification.objects.create(recipient=ada, kind="proposal.approved")
    audit.record(proposal, actor=ada, action="proposal.create")
    Consent.objects.create(user=ada, version="v2", ip="192.0.2.1")
    bob, other = _owner(email="bob@example.org")
    ProposalFactory(organisation=other, created_by=bob, title="Bob's secret hackathon")
    Notification.objects.create(recipient=bob, kind="bob.only")

    data = _download(client, ada)

    assert data["account"]["email"] == "ada@example.org"
    assert "password" not in data["account"]
    assert [m["organisation"] for m in data["memberships"]] == [organisation.pk]
    assert data["organisations"][0]["registration_number"] == organisation.registration_number
    assert [p["title"] for p in data["proposals"]] == ["Robots at 10"]
    assert data["proposals"][0]["answers"] == [
        {"question": "How many girls do you expect?", "answer": "9", "file_name": ""}
    ]
    assert [n["kind"] for n in data["notifications"]] == ["proposal.approved"]
    assert [e["action"] for e in data["audit_entries"]] == ["proposal.create"]
    assert [c["version"] for c in data["consents"]] == ["v2"]
    text = json.dumps(data)
    assert "bob@example.org" not in text
    assert "secret hackathon" not in text
    assert "bob.only" not in text


def test_download_needs_a_login(client):
    response = client.get(reverse("organisations:account_data"))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


# --- Delete my account --------------------------------------------------------------------


def _rows_mentioning(model, text: str) -> list:
    """Rows of the model with the text in any of its text or JSON columns."""
    found = []
    for field in model._meta.concrete_fields:
        if isinstance(field, models.JSONField):
            rows = model.objects.annotate(_t=Cast(field.name, models.TextField())).filter(
                _t__icontains=text
            )
        elif isinstance(field, (models.CharField, models.TextField)):
            rows = model.objects.filter(**{f"{field.name}__icontains": text})
        else:
            continue
        found += [(field.name, row.pk) for row in rows]
    return found


def test_deleting_the_account_leaves_no_email_or_name_and_keeps_grants(client):
    ada, organisation = _owner()
    EmailAddress.objects.create(user=ada, email=ada.email, verified=True, primary=True)
    with_totp(ada)
    grant = GrantFactory(proposal__organisation=organisation, proposal__created_by=ada)
    other_owner = MembershipFactory(organisation=organisation).user
    Membership.objects.filter(user=other_owner).update(role="member")
    Notification.objects.create(recipient=ada, kind="proposal.approved")
    Notification.objects.create(
        recipient=other_owner, kind="membership.requested", context={"email": ada.email}
    )
    audit.record(organisation, actor=ada, action="invitation.create", data={"email": ada.email})
    audit.record(
        grant, actor=other_owner, action="comment.internal", message=f"Wrote to {ada.email}"
    )
    MemberInvitationFactory(organisation=organisation, email=ada.email)
    other_browser = client.__class__()
    other_browser.force_login(ada)
    client.force_login(ada)

    page = client.get(reverse("organisations:delete_account"))
    assert "cannot be undone" in page.content.decode()
    response = client.post(reverse("organisations:delete_account"), {"password": PASSWORD})

    assert response.status_code == 302
    ada.refresh_from_db()
    assert ada.email == f"deleted-{ada.pk}@invalid"
    assert (ada.first_name, ada.last_name, ada.is_active) == ("", "", False)
    assert not ada.has_usable_password()
    for model in (
        User,
        EmailAddress,
        Membership,
        AuditEntry,
        Notification,
        MemberInvitation,
        Organisation,
    ):
        assert _rows_mentioning(model, "ada@example.org") == [], model
        assert _rows_mentioning(model, "Lovelace") == [], model
    assert not EmailAddress.objects.filter(user=ada).exists()
    assert not Authenticator.objects.filter(user=ada).exists()
    assert not Membership.objects.filter(user=ada).exists()
    assert not AuditEntry.objects.filter(actor=ada).exists()
    assert AuditEntry.objects.filter(action="invitation.create", actor=None).exists()
    assert Grant.objects.filter(pk=grant.pk).exists()
    organisation.refresh_from_db()
    assert organisation.contact_email == "no-contact@meetandcode.invalid"
    assert "Ada" not in organisation.contact_name
    assert other_browser.get(reverse("organisations:mine")).status_code == 302  # session ended


def test_deleting_asks_for_the_right_password(client):
    ada, _ = _owner()
    client.force_login(ada)

    response = client.post(reverse("organisations:delete_account"), {"password": "wrong"})

    assert response.status_code == 400
    assert "This is not your password" in response.content.decode()
    ada.refresh_from_db()
    assert ada.email == "ada@example.org" and ada.is_active


def test_an_organisation_with_another_owner_keeps_its_contact():
    ada, organisation = _owner()
    MembershipFactory(organisation=organisation, role="owner")
    Organisation.objects.filter(pk=organisation.pk).update(contact_email="office@example.org")

    delete_account(ada, actor=ada)

    organisation.refresh_from_db()
    assert organisation.contact_email == "office@example.org"
    assert AuditEntry.objects.get(action="account.delete").actor is None


# --- Retention ----------------------------------------------------------------------------

# 1095 days (RETENTION_DAYS) before NOW is about 1 June three years earlier: the events of the
# edition four years before NOW's are past it, those two years before are not.
NOW = datetime(PAST_YEAR, 6, 1, tzinfo=UTC)
OLD_YEAR, RECENT_YEAR = PAST_YEAR - 4, PAST_YEAR - 2
LONG_AGO = datetime(OLD_YEAR, 1, 1, tzinfo=UTC)  # before the retention period


def _old_and_recent():
    old = CountryProgrammeFactory(edition=EditionFactory(year=OLD_YEAR))
    recent = CountryProgrammeFactory(edition=EditionFactory(year=RECENT_YEAR))
    return old, recent


def test_retention_removes_the_files_answering_questions_of_old_drafts_and_rejections(
    private_storage, django_capture_on_commit_callbacks
):
    old, recent = _old_and_recent()
    kept = ProposalFactory(country_programme=recent)
    stored = {}
    for proposal in (
        ProposalFactory(country_programme=old),
        ProposalFactory(country_programme=old, status=Proposal.Status.REJECTED),
        kept,
    ):
        question = Question.objects.create(
            edition=proposal.country_programme.edition, section="event", kind="file", text="CV"
        )
        answer = Answer.objects.create(
            proposal=proposal,
            question=question,
            value="cv.pdf",
            file=ContentFile(b"%PDF-1.4 a person's CV", name="cv.pdf"),
        )
        stored[proposal.pk] = answer.file.name
    storage = Answer._meta.get_field("file").storage

    with django_capture_on_commit_callbacks(execute=True):
        counts = purge_old_data(now=NOW)

    assert counts["answer_files_deleted"] == 2
    assert [storage.exists(name) for name in stored.values()] == [False, False, True]
    assert list(Answer.objects.values_list("proposal_id", flat=True)) == [kept.pk]


def test_retention_removes_old_personal_data_and_keeps_grants():
    old, recent = _old_and_recent()
    old_draft = ProposalFactory(country_programme=old)
    rejected = ProposalFactory(country_programme=old, status=Proposal.Status.REJECTED)
    grant = GrantFactory(proposal__country_programme=old)
    report = ReportFactory(proposal=grant.proposal)
    recent_draft = ProposalFactory(country_programme=recent)
    sleeper = UserFactory(last_login=LONG_AGO)
    busy = MembershipFactory(user__last_login=LONG_AGO).user
    Notification.objects.create(recipient=busy, kind="old")
    Notification.objects.filter(kind="old").update(created_at=LONG_AGO)
    Notification.objects.create(recipient=busy, kind="new")
    MemberInvitationFactory(expires_at=LONG_AGO)
    open_invitation = MemberInvitationFactory()

    counts = purge_old_data(now=NOW)

    assert not Proposal.objects.filter(pk=old_draft.pk).exists()
    assert Proposal.objects.filter(pk=recent_draft.pk).exists()
    rejected.refresh_from_db()
    assert (rejected.description, rejected.venue_name, rejected.address) == ("", "", "")
    assert Grant.objects.filter(pk=grant.pk).exists()
    report.refresh_from_db()
    assert report.participants_total == 18
    sleeper.refresh_from_db()
    assert sleeper.email == f"deleted-{sleeper.pk}@invalid"
    busy.refresh_from_db()
    assert busy.email.endswith("@example.org")  # has a role: kept
    assert list(Notification.objects.values_list("kind", flat=True)) == ["new"]
    assert list(MemberInvitation.objects.all()) == [open_invitation]
    assert counts["drafts_deleted"] == 1 and counts["accounts_pseudonymised"] == 1
    assert set(purge_old_data(now=NOW).values()) == {0}  # a second run changes nothing


def test_retention_spares_an_edition_within_the_period():
    old, _ = _old_and_recent()
    draft = ProposalFactory(country_programme=old)

    # A year after the old edition's events: well within the period.
    purge_old_data(now=datetime(OLD_YEAR + 1, 6, 1, tzinfo=UTC))

    assert Proposal.objects.filter(pk=draft.pk).exists()


def test_purge_command_runs_the_retention_rules(settings):
    settings.RETENTION_DAYS = 1
    old, _ = _old_and_recent()
    draft = ProposalFactory(country_programme=old)

    call_command("purge_old_data")

    assert not Proposal.objects.filter(pk=draft.pk).exists()


def test_retention_runs_every_night(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["purge-old-data"]

    assert entry["task"] == "organisations.tasks.purge_old_data"


# --- Consent ------------------------------------------------------------------------------


def _sign_up(client, **extra):
    data = {"email": "new@example.org", "password1": "A long pass 4 kids!", **extra}
    data["password2"] = data["password1"]
    return client.post(reverse("account_signup"), data)


def test_sign_up_is_refused_without_accepting_the_privacy_notice(client):
    response = _sign_up(client)

    assert response.status_code == 200
    assert "Tick this box to confirm you have read the privacy notice" in response.content.decode()
    assert not User.objects.filter(email="new@example.org").exists()


def test_sign_up_records_the_accepted_version(client, settings):
    settings.PRIVACY_NOTICE_VERSION = "v2"

    page = client.get(reverse("account_signup")).content.decode()
    _sign_up(client, accept_privacy="on")

    assert "I have read the privacy notice (version v2)" in page
    consent = Consent.objects.get(user__email="new@example.org")
    assert (consent.version, consent.document, consent.ip) == ("v2", "privacy", "127.0.0.1")


def test_a_new_notice_version_is_accepted_before_going_on(client, settings):
    ada, _ = _owner()
    Consent.objects.create(user=ada, version="v1")
    settings.PRIVACY_NOTICE_VERSION = "v2"
    client.force_login(ada)
    mine = reverse("organisations:mine")

    asked = client.get(mine)
    refused = client.post(reverse("organisations:accept_privacy"), {"next": mine})
    accepted = client.post(
        reverse("organisations:accept_privacy"), {"next": mine, "accept_privacy": "on"}
    )

    assert asked.status_code == 302
    assert asked["Location"].startswith(reverse("organisations:accept_privacy"))
    assert refused.status_code == 400
    assert accepted["Location"] == mine
    assert client.get(mine).status_code == 200
    assert Consent.objects.filter(user=ada, version="v2").exists()


def test_the_current_version_lets_the_person_through(client, settings):
    ada, _ = _owner()
    Consent.objects.create(user=ada, version=settings.PRIVACY_NOTICE_VERSION)
    client.force_login(ada)

    assert client.get(reverse("organisations:mine")).status_code == 200


def test_privacy_page_is_public_and_linked_in_the_footer(client):
    page = client.get(reverse("privacy"))
    home = client.get(reverse("home")).content.decode()

    html = page.content.decode()
    assert page.status_code == 200
    for heading in ("Who is responsible", "Legal bases", "How long we keep it", "Your rights"):
        assert heading in html
    assert f'href="{reverse("privacy")}"' in home


# --- Staff reads --------------------------------------------------------------------------


def test_partner_staff_reading_a_proposal_is_logged_and_shown_to_the_applicant(
    client, two_factor_login
):
    ada, organisation = _owner()
    proposal = ProposalFactory(
        organisation=organisation, created_by=ada, status=Proposal.Status.SUBMITTED
    )
    manager = PartnerStaffFactory(partner=proposal.country_programme.partner).user
    staff = two_factor_login(client.__class__(), manager)

    assert staff.get(reverse("grants:proposal", args=[proposal.pk])).status_code == 200

    read = AuditEntry.objects.get(action="data.read")
    assert (read.actor, read.target) == (manager, proposal)
    reads = _download(client, ada)["reads_by_staff"]
    assert [(r["by"], r["object_id"]) for r in reads] == [(str(manager), proposal.pk)]


def test_report_file_downloads_are_logged_for_staff_only(client, two_factor_login):
    ada, organisation = _owner()
    proposal = ProposalFactory(organisation=organisation, status=Proposal.Status.APPROVED)
    report = ReportFactory(proposal=proposal)
    row = ReportFile(
        report=report,
        kind="receipt",
        original_name="r.pdf",
        content_type="application/pdf",
        size=4,
    )
    row.file.save("r.pdf", ContentFile(b"%PDF"), save=True)
    manager = PartnerStaffFactory(partner=proposal.country_programme.partner).user
    url = reverse("events:report_file", args=[row.pk])
    client.force_login(ada)

    assert client.get(url).status_code == 200
    assert not AuditEntry.objects.filter(action="data.read").exists()
    assert two_factor_login(client.__class__(), manager).get(url).status_code == 200
    assert AuditEntry.objects.get(action="data.read").actor == manager


def test_award_letter_downloads_are_logged_for_staff_only(client, two_factor_login):
    ada, organisation = _owner()
    grant = GrantFactory(proposal__organisation=organisation)
    letter = AwardLetter(
        grant=grant,
        version=1,
        code="PRIV-TEST-1",
        language="en",
        amount=grant.amount,
        currency=grant.currency,
        fingerprint="x",
    )
    letter.file.save("letter.pdf", ContentFile(b"%PDF-1.7"), save=True)
    manager = PartnerStaffFactory(partner=grant.country_programme.partner).user
    url = reverse("letters:download", args=[grant.pk])
    client.force_login(ada)

    assert client.get(url).status_code == 200
    assert not AuditEntry.objects.filter(action="data.read").exists()
    two_factor_login(client, manager)
    assert client.get(url).status_code == 200
    read = AuditEntry.objects.get(action="data.read")
    assert (read.actor, read.target) == (manager, grant)


@pytest.mark.parametrize("page", ["home", "account_signup"])
def test_the_home_and_sign_up_pages_link_to_the_privacy_notice(client, page):
    html = client.get(reverse(page)).content.decode()

    assert f'href="{reverse("privacy")}"' in html
    assert "will follow" not in html
    assert "The privacy notice is at" not in html  # the address was plain text
