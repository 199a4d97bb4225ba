"""The Django admin: every model's pages open, and state owned by services stays read-only."""

import re
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from events.models import Answer, Proposal, Reminder, ReportFile
from grants.models import AwardLetter, Grant, IntegritySignal, SignalCheck
from organisations.models import AuditEntry, Consent, MemberInvitation, MessageText, User
from programmes.models import CountryProgramme, Question, QuestionChoice
from tests.factories import PAST_YEAR, ProposalFactory, submit_in_window

pytestmark = pytest.mark.django_db

# Made only by services (budget reservation, audit log): the admin must refuse to add them.
NO_ADD = {
    Answer,
    AuditEntry,
    Consent,
    Grant,
    AwardLetter,
    MemberInvitation,
    Reminder,
    ReportFile,
    IntegritySignal,
    SignalCheck,
    MessageText,
}

OUR_APPS = {"organisations", "grants", "events"}


@pytest.fixture
def superuser_client(client, two_factor_login):
    """A superuser signed in as the admin requires: with the second factor passed."""
    return two_factor_login(client, User.objects.create_superuser("admin@example.org", "x"))


@pytest.fixture
def proposal():
    return ProposalFactory(title="Scratch for beginners")


@pytest.fixture
def every_kind_of_row(proposal):
    """At least one row of every model, made the way the programme makes them."""
    from events.models import BudgetLine, FocusGroup, Language, Report, Resource
    from grants.letters import build_award_letter
    from grants.models import FaqEntry, ProposalComment, Review, ReviewScore
    from grants.services import approve_proposal
    from organisations.models import (
        Membership,
        MessageText,
        Notification,
        OrganisationValidation,
        PartnerStaff,
        ValidationToken,
    )
    from organisations.services import invite_member
    from programmes.models import CountryInfo, CountryText, ReviewCriterion

    programme = proposal.country_programme
    manager = User.objects.create_user("manager@example.org", "x")
    PartnerStaff.objects.create(user=manager, partner=programme.partner, role="manager")
    Membership.objects.create(user=manager, organisation=proposal.organisation, role="owner")
    proposal.focus_groups.add(FocusGroup.objects.create(code="girls", name="Girls"))
    proposal.languages.add(Language.objects.create(code="fr", name="French"))
    BudgetLine.objects.create(proposal=proposal, category="trainer", amount=Decimal("300"))
    Proposal.objects.filter(pk=proposal.pk).update(
        requested_amount=Decimal("300"),
        starts_at=datetime(PAST_YEAR, 7, 1, 14, tzinfo=ZoneInfo("Europe/Luxembourg")),
        ends_at=datetime(PAST_YEAR, 7, 1, 17, tzinfo=ZoneInfo("Europe/Luxembourg")),
        age_min=8,
        age_max=12,
        format="workshop",
    )
    submit_in_window(proposal, actor=manager)
    build_award_letter(approve_proposal(proposal, actor=manager).pk)
    criterion = ReviewCriterion.objects.create(edition=programme.edition, name="Relevance")
    review = Review.objects.create(proposal=proposal, reviewer=manager, comment="Good")
    ReviewScore.objects.create(review=review, criterion=criterion, score=4)
    ProposalComment.objects.create(proposal=proposal, author=manager, body="Looks good")
    report = Report.objects.create(proposal=proposal)
    ReportFile.objects.create(
        report=report,
        kind="photo",
        file="reports/1/photo.jpg",
        original_name="workshop.jpg",
        content_type="image/jpeg",
        size=1234,
        consent=True,
        public=True,
    )
    Reminder.objects.create(kind="report_due", proposal=proposal, number=1, sent_at=timezone.now())
    text = MessageText.objects.create(
        kind="proposal_approved", language="de", number=1, subject="S", body="B", saved_by=manager
    )
    Notification.objects.create(recipient=manager, kind="proposal.approved", message_text=text)
    Consent.objects.create(user=manager, version="v2", ip="192.0.2.1")
    ValidationToken.objects.create(country_programme=programme, code="ABC123", issued_by=manager)
    invite_member(proposal.organisation, actor=manager, email="new.member@example.org")
    Resource.objects.create(
        title="Scratch ideas", summary="Ten projects", kind="guide", url="https://example.org/"
    )
    info = CountryInfo.objects.create(country_programme=programme, conditions="Free events only.")
    CountryText.objects.create(info=info, language="fr", letter_text="Merci de votre engagement.")
    FaqEntry.objects.create(question="Who can apply?", answer="Non-profits.")
    question = Question.objects.create(
        edition=programme.edition, section="event", kind="single_choice", text="Girls?"
    )
    choice = QuestionChoice.objects.create(question=question, label="Yes")
    Answer.objects.create(proposal=proposal, question=question, value=[choice.pk])
    IntegritySignal.objects.create(
        proposal=proposal, kind="bank_account", related=[], related_count=1, fingerprint="f"
    )
    SignalCheck.objects.create(
        proposal=proposal,
        kind="bank_account",
        fingerprint="f",
        note="Fine",
        checked_at=timezone.now(),
    )
    assert OrganisationValidation.objects.filter(organisation=proposal.organisation).exists()
    return proposal


def admin_url(model, page: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}", args=args)


def test_every_model_of_our_apps_is_in_the_admin():
    from django.apps import apps

    ours = {m for m in apps.get_models() if m._meta.app_label in OUR_APPS}

    assert ours - set(admin.site._registry) == set()


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label)
def test_superuser_opens_every_changelist_and_add_page(superuser_client, every_kind_of_row, model):
    row = model.objects.order_by("pk").first()
    if model._meta.app_label in OUR_APPS:
        assert row is not None, "the fixture should make a row of each of our models"

    assert superuser_client.get(admin_url(model, "changelist")).status_code == 200
    expected = 403 if model in NO_ADD else 200
    assert superuser_client.get(admin_url(model, "add")).status_code == expected
    if row is not None:
        assert superuser_client.get(admin_url(model, "change", row.pk)).status_code == 200


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label)
def test_superuser_opens_every_changelist_when_empty(superuser_client, model):
    assert superuser_client.get(admin_url(model, "changelist")).status_code == 200


def test_proposal_status_is_read_only(superuser_client, proposal):
    response = superuser_client.get(admin_url(Proposal, "change", proposal.pk))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="status"' not in html
    assert "Draft" in html  # shown, as text


def test_posting_a_status_does_not_change_it(superuser_client, proposal):
    data = {
        "organisation": proposal.organisation_id,
        "country_programme": proposal.country_programme_id,
        "title": "Scratch for everyone",
        "delivery": "in_person",
        "requested_amount": "400",
        "currency": "EUR",
        "status": "approved",
        "budget_lines-TOTAL_FORMS": 0,
        "budget_lines-INITIAL_FORMS": 0,
    }

    response = superuser_client.post(admin_url(Proposal, "change", proposal.pk), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    proposal.refresh_from_db()
    assert proposal.title == "Scratch for everyone"
    assert proposal.status == Proposal.Status.DRAFT


def test_country_programme_reserved_is_read_only(superuser_client, proposal):
    programme = proposal.country_programme

    html = superuser_client.get(admin_url(CountryProgramme, "change", programme.pk)).content
    assert b'name="reserved"' not in html
    assert b'name="budget"' in html


def test_audit_log_cannot_be_changed_or_deleted(superuser_client, proposal):
    from organisations.audit import record

    entry = record(
        proposal, actor=None, action="proposal.submit", from_state="draft", to_state="submitted"
    )

    change = superuser_client.get(admin_url(AuditEntry, "change", entry.pk))
    delete = superuser_client.get(admin_url(AuditEntry, "delete", entry.pk))

    assert change.status_code == 200  # viewable
    assert b'name="action"' not in change.content
    assert b'name="_save"' not in change.content
    assert delete.status_code == 403


def test_user_admin_adds_a_person_by_email(superuser_client):
    response = superuser_client.post(
        admin_url(User, "add"),
        {
            "email": "New.Person@Example.org",
            "usable_password": "true",
            "password1": "a-long-enough-passw0rd",
            "password2": "a-long-enough-passw0rd",
        },
    )

    assert response.status_code == 302
    assert User.objects.filter(email="new.person@example.org").exists()


def test_user_admin_lists_by_email(superuser_client):
    response = superuser_client.get(admin_url(User, "changelist"))

    assert b"admin@example.org" in response.content


@pytest.mark.parametrize("model", [Proposal, AuditEntry], ids=lambda m: m._meta.label)
def test_big_changelists_do_not_query_per_row(superuser_client, every_kind_of_row, model):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = admin_url(model, "changelist")
    with CaptureQueriesContext(connection) as few:
        superuser_client.get(url)
    _add_proposals(every_kind_of_row, 20)
    with CaptureQueriesContext(connection) as many:
        superuser_client.get(url)

    assert len(many) == len(few)


def _add_proposals(proposal, count: int) -> None:
    from organisations.audit import record

    for n in range(count):
        extra = Proposal.objects.create(
            organisation=proposal.organisation,
            country_programme=proposal.country_programme,
            title=f"Workshop {n}",
        )
        record(extra, actor=None, action="proposal.create")


def test_budget_below_the_granted_sum_is_refused_in_words(superuser_client, every_kind_of_row):
    programme = CountryProgramme.objects.get(pk=every_kind_of_row.country_programme_id)
    assert programme.reserved == Decimal("300")
    data = {
        "edition": programme.edition_id,
        "country": "LU",
        "partner": programme.partner_id,
        "languages": ["fr"],
        "currency": "EUR",
        "budget": "100",
        "max_grant": "500",
        "min_participants": 10,
        "min_duration_minutes": 90,
        "payment_timing": "after_report",
        "report_deadline_hours": 48,
    }

    response = superuser_client.post(admin_url(CountryProgramme, "change", programme.pk), data)

    assert response.status_code == 200
    assert "cannot be less than the 300" in response.content.decode()
    programme.refresh_from_db()
    assert programme.budget == Decimal("5000")


# --- Staff-edited texts in every language, side by side -------------------------------------


def _missing_note(page: str) -> str:
    """The languages the change form's note names as missing."""
    note = page[page.index('class="help missing-translations"') :].split("</p>")[0]
    return note.split("Missing translations: ")[1].split(". ")[0]


def test_the_faq_change_form_shows_every_language_and_which_are_missing(superuser_client):
    from grants.models import FaqEntry

    entry = FaqEntry.objects.create(
        question_en="Who can apply?",
        answer_en="Non-profits.",
        question_de="Wer kann sich bewerben?",
        answer_de="Vereine.",
    )

    page = superuser_client.get(admin_url(FaqEntry, "change", entry.pk)).content.decode()
    listing = superuser_client.get(admin_url(FaqEntry, "changelist")).content.decode()

    for code in ("en", "de", "fr", "nl", "it", "pl", "ro", "es", "uk"):
        assert f'name="question_{code}"' in page and f'name="answer_{code}"' in page
    assert 'value="Wer kann sich bewerben?"' in page
    assert _missing_note(page) == "French, Dutch, Italian, Polish, Romanian, Spanish, Ukrainian"
    assert "Missing translations" in listing
    assert "French, Dutch, Italian, Polish, Romanian, Spanish, Ukrainian" in listing


def test_staff_write_a_translation_in_the_admin_and_the_note_forgets_it(superuser_client):
    from grants.models import FaqEntry

    entry = FaqEntry.objects.create(question_en="Is it free?", answer_en="Yes.", order=1)
    data = {"question_en": "Is it free?", "answer_en": "Yes.", "order": 1, "published": "on"}
    data |= {"question_fr": "Est-ce gratuit ?", "answer_fr": "Oui."}

    response = superuser_client.post(admin_url(FaqEntry, "change", entry.pk), data)

    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.question_fr, entry.answer_fr, entry.question_en) == (
        "Est-ce gratuit ?",
        "Oui.",
        "Is it free?",
    )
    page = superuser_client.get(admin_url(FaqEntry, "change", entry.pk)).content.decode()
    assert "German" in _missing_note(page) and "French" not in _missing_note(page)


def test_staff_find_an_faq_entry_by_its_text_in_any_language(superuser_client):
    from grants.models import FaqEntry

    FaqEntry.objects.create(question_en="Who can apply?", question_de="Wer kann sich bewerben?")
    FaqEntry.objects.create(question_en="Is it free?")
    url = admin_url(FaqEntry, "changelist")

    found = superuser_client.get(url, {"q": "bewerben"}).content.decode()

    assert "Who can apply?" in found and "Is it free?" not in found


def test_the_editions_criteria_are_edited_in_every_language(superuser_client, proposal):
    from programmes.models import Edition, ReviewCriterion

    edition = proposal.country_programme.edition
    ReviewCriterion.objects.create(edition=edition, name_en="Relevance", name_de="Relevanz")

    page = superuser_client.get(admin_url(Edition, "change", edition.pk)).content.decode()

    assert 'name="criteria-0-name_de"' in page and 'name="criteria-0-description_uk"' in page
    assert 'value="Relevanz"' in page
    assert "French, Dutch" in page  # the criterion's missing languages, in its row


# --- A country's languages: ticked among the site's ------------------------------------------


def _programme_form(programme, languages) -> dict:
    return {
        "edition": programme.edition_id,
        "country": programme.country.code,
        "partner": programme.partner_id,
        "languages": languages,
        "currency": programme.currency,
        "budget": programme.budget,
        "max_grant": programme.max_grant,
        "min_participants": programme.min_participants,
        "min_duration_minutes": programme.min_duration_minutes,
        "payment_timing": programme.payment_timing,
        "report_deadline_hours": programme.report_deadline_hours,
        "returning_organisations": programme.returning_organisations,
    }


def test_a_countrys_languages_are_ticked_among_the_sites_languages(superuser_client, proposal):
    programme = proposal.country_programme  # languages ["fr", "de"]

    page = superuser_client.get(admin_url(CountryProgramme, "change", programme.pk))

    html = page.content.decode()
    boxes = dict(re.findall(r'<input type="checkbox" name="languages" value="(\w+)"([^>]*)>', html))
    assert list(boxes) == ["en", "de", "fr", "nl", "it", "pl", "ro", "es", "uk"]
    assert [code for code, attrs in boxes.items() if "checked" in attrs] == ["de", "fr"]


def test_ticking_languages_keeps_the_stored_order_and_format(superuser_client, proposal):
    programme = proposal.country_programme
    CountryProgramme.objects.filter(pk=programme.pk).update(languages=["nl", "fr"])
    url = admin_url(CountryProgramme, "change", programme.pk)

    response = superuser_client.post(url, _programme_form(programme, ["de", "fr", "nl"]))

    assert response.status_code == 302, response.context["adminform"].form.errors
    programme.refresh_from_db()
    assert programme.languages == ["nl", "fr", "de"]  # the main language stays first


def test_a_language_the_site_does_not_speak_is_refused(superuser_client, proposal):
    programme = proposal.country_programme
    url = admin_url(CountryProgramme, "change", programme.pk)

    response = superuser_client.post(url, _programme_form(programme, ["fr", "xx"]))

    assert response.status_code == 200
    assert "languages" in response.context["adminform"].form.errors
    programme.refresh_from_db()
    assert programme.languages == ["fr", "de"]


# --- Country filters: the countries in use, not 250 ------------------------------------------


def test_country_filters_list_only_the_countries_that_have_rows(superuser_client):
    from organisations.models import LegalForm, Organisation
    from tests.factories import OrganisationFactory

    OrganisationFactory(country="LU", name="Code Club Luxembourg")
    OrganisationFactory(country="DE", name="Code Club Berlin")

    listing = superuser_client.get(admin_url(Organisation, "changelist")).content.decode()
    only_de = superuser_client.get(admin_url(Organisation, "changelist") + "?country=DE")
    forms = superuser_client.get(admin_url(LegalForm, "changelist")).content.decode()

    assert "?country=LU" in listing and "?country=DE" in listing
    assert "?country=FR" not in listing and "Afghanistan" not in listing
    assert "Code Club Berlin" in only_de.content.decode()
    assert "Code Club Luxembourg" not in only_de.content.decode()
    assert "?country=DE" in forms and "?country=FR" not in forms


def test_a_country_filter_through_the_programme_lists_its_countries(superuser_client, proposal):
    listing = superuser_client.get(admin_url(Proposal, "changelist")).content.decode()

    assert "?country_programme__country=LU" in listing
    assert "Afghanistan" not in listing and "country_programme__country=FR" not in listing
