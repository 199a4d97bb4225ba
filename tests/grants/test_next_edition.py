"""Programme staff open next year's edition from the last one in one step: in the admin (an
action on the editions' list, with a confirmation page) or through grants.services."""

import calendar
import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone

from events.models import Answer
from grants.services import NextEditionExists, next_edition_code, open_next_edition
from organisations.models import AuditEntry, PartnerStaff
from programmes.models import (
    CountryInfo,
    CountryProgramme,
    CountryText,
    Edition,
    Question,
    QuestionChoice,
    ReviewCriterion,
)
from tests.factories import (
    CountryProgrammeFactory,
    EditionFactory,
    PartnerStaffFactory,
    ProposalFactory,
    ReviewCriterionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

BRUSSELS = ZoneInfo("Europe/Brussels")


def _edition(year=None, **fields):
    year = year or timezone.localdate().year
    return EditionFactory(year=year, name=f"Meet and Code {year}", **fields)


@pytest.fixture
def edition():
    edition = _edition()
    lu = CountryProgrammeFactory(
        edition=edition,
        country="LU",
        budget=Decimal("5000.00"),
        min_participants=12,
        report_deadline_hours=72,
        donation_receipt_required=True,
        conditions="Free events only.",
        returning_organisations=CountryProgramme.ReturningOrganisations.STAY_VALIDATED,
        application_deadline=dt.datetime(edition.year, 9, 15, 18, 0, tzinfo=BRUSSELS),
        payment_timing=CountryProgramme.PaymentTiming.BEFORE_EVENT,
    )
    CountryProgramme.objects.filter(pk=lu.pk).update(reserved=Decimal("1200.00"))
    CountryProgrammeFactory(edition=edition, country="BE", currency="EUR", budget=3000)
    ReviewCriterionFactory(edition=edition, name="Relevance", description="Fits", position=1)
    ReviewCriterionFactory(edition=edition, name="Reach", position=2)
    info = CountryInfo.objects.create(country_programme=lu, conditions="C", extra_notes="N")
    CountryText.objects.create(info=info, language="fr", letter_text="Merci.", partner_contact="X")
    return edition


@pytest.fixture
def programme_staff():
    user = UserFactory(is_staff=True, is_programme_staff=True)
    codes = ["add_edition", "change_edition", "view_edition", "view_countryprogramme"]
    codes.append("change_countryprogramme")
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="programmes", codename__in=codes)
    )
    return user


@pytest.fixture
def staff_client(client, programme_staff, two_factor_login):
    return two_factor_login(client, programme_staff)


def _snapshot(edition) -> list[dict]:
    rows = [edition, *edition.country_programmes.all(), *edition.criteria.all()]
    pages = CountryInfo.objects.filter(country_programme__edition=edition)
    rows += [*pages, *CountryText.objects.filter(info__in=pages)]
    return [model_to_dict(row) for row in rows]


# --- The service ------------------------------------------------------------------------------


def test_the_next_edition_moves_every_window_by_a_year(edition, programme_staff):
    new = open_next_edition(edition, actor=programme_staff)
    year = edition.year + 1
    assert (new.year, new.name, new.code) == (year, f"Meet and Code {year}", f"MC{year % 100:02d}")
    assert new.applications_open == edition.applications_open.replace(year=year)
    assert new.event_start == edition.event_start.replace(year=year)
    assert new.event_end == edition.event_end.replace(year=year)
    old_deadline = timezone.localtime(edition.application_deadline, BRUSSELS)
    deadline = timezone.localtime(new.application_deadline, BRUSSELS)
    assert deadline.date() == old_deadline.date().replace(year=year)
    assert deadline.time() == old_deadline.time()
    assert (new.max_grant, new.min_age, new.max_age) == (
        edition.max_grant,
        edition.min_age,
        edition.max_age,
    )
    entry = AuditEntry.objects.get(action="edition.open_next")
    assert entry.target == new and entry.actor == programme_staff


def test_the_deadline_keeps_its_local_time_across_summer_time(programme_staff):
    # The last Sunday of March moves summer time: a deadline near it lands on the other side
    # of it in one of the two years more often than not; the clock time must not move.
    year = timezone.localdate().year
    deadline = dt.datetime(year, 3, 28, 12, 0, tzinfo=BRUSSELS)
    edition = _edition(year, applications_open=dt.date(year, 3, 1), application_deadline=deadline)
    new = open_next_edition(edition, actor=programme_staff)
    local = timezone.localtime(new.application_deadline, BRUSSELS)
    assert (local.date(), local.hour, local.minute) == (dt.date(year + 1, 3, 28), 12, 0)


def test_country_programmes_criteria_and_texts_are_copied(edition, programme_staff):
    new = open_next_edition(edition, actor=programme_staff)
    lu = new.country_programmes.get(country="LU")
    old_lu = edition.country_programmes.get(country="LU")
    assert lu.partner == old_lu.partner
    assert (lu.budget, lu.reserved, lu.max_grant) == (old_lu.budget, 0, old_lu.max_grant)
    assert lu.currency == old_lu.currency and lu.languages == old_lu.languages
    assert (lu.min_participants, lu.report_deadline_hours) == (12, 72)
    assert lu.min_duration_minutes == old_lu.min_duration_minutes
    assert lu.payment_timing == CountryProgramme.PaymentTiming.BEFORE_EVENT
    assert lu.donation_receipt_required and lu.conditions == "Free events only."
    assert lu.returning_organisations == CountryProgramme.ReturningOrganisations.STAY_VALIDATED
    assert timezone.localtime(lu.application_deadline, BRUSSELS) == dt.datetime(
        new.year, 9, 15, 18, 0, tzinfo=BRUSSELS
    )
    be = new.country_programmes.get(country="BE")
    assert be.application_deadline is None and be.budget == Decimal("3000.00")
    criteria = list(new.criteria.values_list("name", "description", "position"))
    assert criteria == [("Relevance", "Fits", 1), ("Reach", "", 2)]
    assert (lu.info.conditions, lu.info.extra_notes) == ("C", "N")
    text = lu.info.texts.get()
    assert (text.language, text.letter_text, text.partner_contact) == ("fr", "Merci.", "X")


def test_the_questions_still_asked_are_copied_with_their_choices_and_languages(
    edition, programme_staff
):
    asked = Question.objects.create(
        edition=edition, country="LU", section="audience", kind="single_choice",
        text="Which kit?", text_de="Welcher Bausatz?", help_text="One only.", required=True,
        position=3,
    )  # fmt: skip
    QuestionChoice.objects.create(question=asked, label="Lego", label_fr="Lego FR", position=1)
    hidden = Question.objects.create(
        edition=edition, section="event", kind="yes_no", text="Old question", hidden=True
    )
    Answer.objects.create(
        proposal=ProposalFactory(country_programme=edition.country_programmes.get(country="LU")),
        question=asked,
        value=1,
    )

    new = open_next_edition(edition, actor=programme_staff)

    copy = new.questions.get()
    assert (copy.text, copy.text_de, copy.help_text) == (
        "Which kit?",
        "Welcher Bausatz?",
        "One only.",
    )
    assert (copy.country, copy.section, copy.kind, copy.required, copy.position) == (
        "LU",
        "audience",
        "single_choice",
        True,
        3,
    )
    assert list(copy.choices.values_list("label", "label_fr")) == [("Lego", "Lego FR")]
    assert not copy.answers.exists() and asked.answers.count() == 1
    assert hidden.edition == edition and new.questions.filter(text="Old question").count() == 0
    entry = AuditEntry.objects.get(action="edition.open_next")
    assert entry.data["questions"] == 1


def test_the_partners_staff_review_the_new_edition_without_being_added_again(
    edition, programme_staff
):
    from organisations.permissions import role_in

    partner = edition.country_programmes.get(country="LU").partner
    manager = PartnerStaffFactory(partner=partner, role=PartnerStaff.Role.MANAGER).user
    new = open_next_edition(edition, actor=programme_staff)
    assert role_in(manager, new.country_programmes.get(country="LU")) == "manager"


def test_nothing_of_the_old_edition_changes_and_nothing_else_is_copied(edition, programme_staff):
    proposal = ProposalFactory(country_programme=edition.country_programmes.get(country="LU"))
    before = _snapshot(edition)
    new = open_next_edition(edition, actor=programme_staff)
    edition.refresh_from_db()
    assert _snapshot(edition) == before
    assert edition.country_programmes.get(country="LU").reserved == Decimal("1200.00")
    proposal.refresh_from_db()
    assert proposal.country_programme.edition == edition
    assert not new.country_programmes.filter(proposals__isnull=False).exists()
    assert ReviewCriterion.objects.filter(edition=edition).count() == 2


def test_a_second_run_is_refused_with_the_message(edition, programme_staff):
    new = open_next_edition(edition, actor=programme_staff)
    with pytest.raises(NextEditionExists) as refused:
        open_next_edition(edition, actor=programme_staff)
    assert "The next edition exists already" in str(refused.value)
    assert new.name in str(refused.value) and new.code in str(refused.value)
    assert Edition.objects.count() == 2
    assert CountryProgramme.objects.filter(edition=new).count() == 2


def test_29_february_becomes_28_february(programme_staff):
    today = timezone.localdate()
    leap = next(year for year in range(today.year, today.year + 4) if calendar.isleap(year))
    edition = _edition(
        leap,
        applications_open=dt.date(leap, 2, 29),
        application_deadline=dt.datetime(leap, 2, 29, 23, 59, tzinfo=BRUSSELS),
        event_start=dt.date(leap, 2, 29),
    )
    new = open_next_edition(edition, actor=programme_staff)
    assert new.applications_open == new.event_start == dt.date(leap + 1, 2, 28)
    local = timezone.localtime(new.application_deadline, BRUSSELS)
    assert (local.date(), local.hour, local.minute) == (dt.date(leap + 1, 2, 28), 23, 59)


@pytest.mark.parametrize(
    ("code", "expected"),
    [("MC{yy}", "MC{next_yy}"), ("MC{yyyy}", "MC{next_yyyy}"), ("EUCW", "EUCW{next_yy}")],
)
def test_the_code_carries_next_years_digits(code, expected):
    year = timezone.localdate().year
    names = {
        "yy": f"{year % 100:02d}",
        "yyyy": str(year),
        "next_yy": f"{(year + 1) % 100:02d}",
        "next_yyyy": str(year + 1),
    }
    assert next_edition_code(code.format(**names), year) == expected.format(**names)


def test_a_name_without_its_year_gets_next_years(programme_staff):
    edition = EditionFactory(year=timezone.localdate().year, name="Meet and Code")
    new = open_next_edition(edition, actor=programme_staff)
    assert new.name == f"Meet and Code {edition.year + 1}"


def test_partner_staff_cannot_open_the_next_edition(edition, client, two_factor_login):
    partner = edition.country_programmes.get(country="LU").partner
    manager = PartnerStaffFactory(partner=partner, role=PartnerStaff.Role.MANAGER).user
    with pytest.raises(PermissionDenied):
        open_next_edition(edition, actor=manager)
    # Let into the admin (for their country pages), even with the editions' permissions.
    manager.is_staff = True
    manager.save()
    manager.user_permissions.set(Permission.objects.filter(codename__endswith="_edition"))
    response = _run_action(two_factor_login(client, manager), edition, confirm=True)
    assert _messages(response) == ["No action selected."]  # the action is not offered
    assert Edition.objects.count() == 1


# --- The admin action -------------------------------------------------------------------------


def _run_action(client, *editions, confirm=False):
    data = {"action": "open_next_edition", "_selected_action": [e.pk for e in editions]}
    if confirm:
        data["confirm"] = "yes"
    return client.post(reverse("admin:programmes_edition_changelist"), data)


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_programme_staff_confirm_and_open_the_next_edition_in_the_admin(edition, staff_client):
    page = _run_action(staff_client, edition)
    assert page.status_code == 200
    content = page.content.decode()
    year = edition.year + 1
    assert f"Meet and Code {year}" in content and f"MC{year % 100:02d}" in content
    assert "Luxembourg" in content and "Belgium" in content
    assert "Relevance" in content and "1 country page" in content
    assert Edition.objects.count() == 1  # nothing happens before the confirmation

    done = _run_action(staff_client, edition, confirm=True)
    new = Edition.objects.get(year=year)
    assert done.status_code == 302
    assert done["Location"] == reverse("admin:programmes_edition_change", args=[new.pk])
    assert _messages(done) == [f"Meet and Code {year} is open for editing."]
    assert new.country_programmes.count() == 2


def test_the_admin_says_when_the_next_edition_exists_already(edition, staff_client):
    _edition(edition.year + 1)
    response = _run_action(staff_client, edition)
    assert response.status_code == 302
    assert any("The next edition exists already" in m for m in _messages(response))
    assert Edition.objects.count() == 2


def test_the_admin_asks_for_one_edition_at_a_time(edition, staff_client):
    response = _run_action(staff_client, edition, _edition(edition.year - 1), confirm=True)
    assert _messages(response) == ["Select exactly one edition."]
    assert Edition.objects.count() == 2


def test_the_action_asks_for_the_second_factor(edition, client, programme_staff):
    client.force_login(programme_staff)
    response = _run_action(client, edition, confirm=True)
    assert response.status_code == 302 and "/accounts/" in response["Location"]
    assert Edition.objects.count() == 1


def test_budgets_of_the_new_edition_are_edited_before_the_call_opens(
    edition, client, programme_staff, two_factor_login
):
    new = open_next_edition(edition, actor=programme_staff)
    programme = new.country_programmes.get(country="LU")
    before_the_call = dt.datetime.combine(new.applications_open, dt.time(9), tzinfo=BRUSSELS)
    with time_machine.travel(before_the_call - dt.timedelta(days=30), tick=False):
        assert new.phase() == "upcoming"
        url = reverse("admin:programmes_countryprogramme_change", args=[programme.pk])
        form = _change_form(programme, budget="6500.00")
        response = two_factor_login(client, programme_staff).post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    programme.refresh_from_db()
    assert programme.budget == Decimal("6500.00")


def _change_form(programme, **changes) -> dict:
    form = {
        "edition": programme.edition_id,
        "country": programme.country.code,
        "partner": programme.partner_id,
        "languages": ["fr", "de"],
        "currency": programme.currency,
        "budget": programme.budget,
        "max_grant": programme.max_grant,
        "min_participants": programme.min_participants,
        "min_duration_minutes": programme.min_duration_minutes,
        "application_deadline_0": "",
        "application_deadline_1": "",
        "payment_timing": programme.payment_timing,
        "report_deadline_hours": programme.report_deadline_hours,
        "returning_organisations": programme.returning_organisations,
        "conditions": programme.conditions,
    }
    if programme.donation_receipt_required:
        form["donation_receipt_required"] = "on"
    return {**form, **changes}
