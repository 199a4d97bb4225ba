"""The message editor (/partner/messages/, issue 18): programme staff change an e-mail's subject
and text per language, a partner's managers per country where staff allow it; the text sent is
the edited one, in the recipient's language; a broken text is refused with the reason, keeping
what was typed; every sent message records the version it used.

Tasks run eagerly here: the approval's e-mails are in the outbox when the page answers.
"""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from organisations.audit import Action
from organisations.models import AuditEntry, MessageText, Notification, PartnerStaff
from tests.factories import (
    CountryProgrammeFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnerStaffFactory,
    ProposalFactory,
    UserFactory,
    log_in_with_second_factor,
    submit_in_window,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]

GERMAN_SUBJECT = "Gute Nachricht für {{ organisation }}: {{ reference }}"
GERMAN_BODY = (
    "Euer Antrag „{{ proposal }}“ wird mit {{ money }} gefördert.\n\n"
    "{% if not reference %}Nie zu sehen{% endif %}Viel Spaß beim Programmieren!"
)


def _edit_url(kind="proposal_approved", language="de", country=""):
    return f"{reverse('grants:message_edit', args=[kind, language])}?country={country}"


def _as(user) -> Client:
    client = Client()
    log_in_with_second_factor(client, user)
    return client


@pytest.fixture
def programme():
    return CountryProgrammeFactory(country="LU")


@pytest.fixture
def staff():
    return UserFactory(is_programme_staff=True, email="staff@meetandcode.example.org")


@pytest.fixture
def manager(programme):
    return PartnerStaffFactory(partner=programme.partner, role=PartnerStaff.Role.MANAGER).user


@pytest.fixture
def members():
    """A German-speaking and an English-speaking member of one organisation."""
    organisation = OrganisationFactory(country="LU", name="Code Club Esch ASBL")
    german = UserFactory(email="anna@codeclub.example.org", language="de")
    english = UserFactory(email="tom@codeclub.example.org", language="en")
    for person in (german, english):
        MembershipFactory(organisation=organisation, user=person)
    return organisation, german, english


@pytest.fixture
def proposal(programme, members):
    organisation, german, _english = members
    proposal = ProposalFactory(
        organisation=organisation,
        country_programme=programme,
        created_by=german,
        title="Robots <b>in</b> Esch",
        requested_amount=400,
    )
    submit_in_window(proposal, actor=german)
    return proposal


@pytest.fixture
def approve(django_capture_on_commit_callbacks):
    """A manager approves through the page; the e-mails sent after commit, by recipient."""

    def approved(manager, proposal):
        mail.outbox.clear()
        client = _as(manager)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("grants:approve", args=[proposal.pk]),
                {"amount": "400", "confirm_past_event": "yes"},
            )
        assert response.status_code == 302, response.content[:400]
        return {message.to[0]: message for message in mail.outbox}

    return approved


def test_a_message_edited_in_german_is_what_a_german_speaking_applicant_receives(
    staff, manager, proposal, members, approve
):
    _organisation, german, english = members
    client = _as(staff)
    page = client.get(_edit_url())
    assert page.status_code == 200
    # The form starts from the default German text, written with its variables.
    assert "Antrag bewilligt" in page.content.decode() or "{{ proposal }}" in page.content.decode()
    assert b"{{ money }}" in page.content

    saved = client.post(
        _edit_url(), {"subject": GERMAN_SUBJECT, "body": GERMAN_BODY, "action": "save"}
    )
    assert saved.status_code == 302, saved.content.decode()[-6000:]
    text = MessageText.objects.get(kind="proposal_approved", language="de")
    assert text.number == 1 and text.saved_by == staff
    entry = AuditEntry.objects.get(action=Action.MESSAGE_TEXT_SAVE)
    assert entry.actor == staff and entry.to_state == "v1"

    outbox = approve(manager, proposal)

    to_german = outbox[german.email]
    reference = proposal.grant.reference
    assert to_german.subject.endswith(f"Gute Nachricht für Code Club Esch ASBL: {reference}")
    assert "Euer Antrag „Robots <b>in</b> Esch“ wird mit 400,00 EUR gefördert." in to_german.body
    assert "Viel Spaß beim Programmieren!" in to_german.body
    assert "Nie zu sehen" not in to_german.body
    assert "Hallo" in to_german.body  # the layout's greeting stays
    [(html, _mimetype)] = to_german.alternatives
    assert "Robots &lt;b&gt;in&lt;/b&gt; Esch" in html and "<b>in</b>" not in html

    to_english = outbox[english.email]
    assert "Grant approved" in to_english.subject and "Gute Nachricht" not in to_english.body

    sent = {row.recipient: row for row in Notification.objects.filter(kind="proposal_approved")}
    assert sent[german].message_text == text
    assert sent[english].message_text is None  # the template files


def test_an_unknown_variable_or_a_broken_template_is_refused_and_the_text_kept(staff):
    client = _as(staff)
    typed = "Hallo {{ organisation }}, {{ iban }} bitte."
    refused = client.post(
        _edit_url(), {"subject": "Betreff {% if %}", "body": typed, "action": "save"}
    )
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "There is no variable “iban” in this message." in page
    assert "This is not a valid template" in page
    assert "Hallo {{ organisation }}, {{ iban }} bitte." in page
    assert not MessageText.objects.exists()

    tag = client.post(
        _edit_url(),
        {"subject": "Betreff", "body": "{% include 'emails/x.txt' %}", "action": "save"},
    )
    assert "The tag “include” cannot be used here" in tag.content.decode()
    assert not MessageText.objects.exists()


def test_the_preview_renders_the_unsaved_text_for_a_real_proposal(staff, proposal):
    response = _as(staff).post(
        _edit_url(),
        {
            "subject": GERMAN_SUBJECT,
            "body": GERMAN_BODY,
            "proposal": proposal.pk,
            "action": "preview",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="message-preview"' in page
    assert "Euer Antrag „Robots &lt;b&gt;in&lt;/b&gt; Esch“ wird mit 400,00 EUR" in page
    assert not MessageText.objects.exists()  # a preview saves nothing


def test_restoring_the_default_sends_the_template_text_again(
    staff, manager, proposal, members, approve
):
    _organisation, german, _english = members
    client = _as(staff)
    client.post(_edit_url(), {"subject": GERMAN_SUBJECT, "body": GERMAN_BODY, "action": "save"})
    client.post(_edit_url(), {"subject": "", "body": "", "action": "restore"})
    assert list(
        MessageText.objects.filter(kind="proposal_approved").values_list("number", "body")
    ) == [(2, ""), (1, GERMAN_BODY)]

    outbox = approve(manager, proposal)
    assert "Gute Nachricht" not in outbox[german.email].subject
    assert Notification.objects.get(recipient=german, kind="proposal_approved").message_text is None


def test_a_partner_edits_its_own_countrys_text_only_where_staff_allow_it(
    manager, proposal, members, approve
):
    _organisation, german, _english = members
    client = _as(manager)
    assert client.get(reverse("grants:messages")).status_code == 403
    assert client.get(_edit_url(country="LU")).status_code == 403

    partner = proposal.country_programme.partner
    partner.may_edit_messages = True
    partner.save()
    client = _as(manager)
    assert client.get(reverse("grants:messages")).status_code == 200
    assert client.get(_edit_url(country="")).status_code == 404  # every country's: staff only
    assert client.get(_edit_url(country="BE")).status_code == 404  # another country's
    saved = client.post(
        _edit_url(country="LU"),
        {"subject": "Luxemburg: {{ proposal }}", "body": "Nur für Luxemburg.", "action": "save"},
    )
    assert saved.status_code == 302

    # An applicant in Belgium still receives the default.
    belgian = CountryProgrammeFactory(country="BE", edition=proposal.country_programme.edition)
    other = OrganisationFactory(country="BE")
    MembershipFactory(organisation=other, user=UserFactory(language="de", email="b@be.example"))
    be_proposal = ProposalFactory(organisation=other, country_programme=belgian)
    submit_in_window(be_proposal, actor=other.memberships.first().user)
    be_manager = PartnerStaffFactory(partner=belgian.partner, role=PartnerStaff.Role.MANAGER).user

    assert "Nur für Luxemburg." in approve(manager, proposal)[german.email].body
    assert "Nur für Luxemburg." not in approve(be_manager, be_proposal)["b@be.example"].body


def test_reviewers_and_applicants_cannot_open_the_editor(programme, members):
    reviewer = PartnerStaffFactory(partner=programme.partner, role=PartnerStaff.Role.REVIEWER).user
    programme.partner.may_edit_messages = True
    programme.partner.save()
    assert _as(reviewer).get(reverse("grants:messages")).status_code == 403
    _organisation, german, _english = members
    client = Client()
    client.force_login(german)
    assert client.get(_edit_url()).status_code == 403
