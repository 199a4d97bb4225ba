"""Programme staff keep an edition's extra questions in the admin (issue 18, first part): every
text in nine languages with English required and the missing ones shown; an answered question
can be hidden but neither deleted nor given another kind."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from events.models import Answer
from organisations.models import User
from programmes.models import Question, QuestionChoice
from tests.factories import (
    CountryProgrammeFactory,
    EditionFactory,
    ProposalFactory,
    log_in_with_second_factor,
)

pytestmark = pytest.mark.django_db

INLINE = {
    "choices-TOTAL_FORMS": "0",
    "choices-INITIAL_FORMS": "0",
    "choices-MIN_NUM_FORMS": "0",
    "choices-MAX_NUM_FORMS": "1000",
}


@pytest.fixture
def staff():
    user = User.objects.create_superuser("programme@example.org", "x")
    return log_in_with_second_factor(Client(), user)


@pytest.fixture
def question():
    return Question.objects.create(
        edition=EditionFactory(),
        section=Question.Section.AUDIENCE,
        kind=Question.Kind.YES_NO,
        text="Do you reach refugees?",
        text_de="Erreichen Sie Geflüchtete?",
    )


def _form(question, **changes) -> dict:
    data = {
        "edition": question.edition_id,
        "country": question.country,
        "form": question.form,
        "section": question.section,
        "position": question.position,
        "text_en": question.text_en,
        "text_de": question.text_de or "",
        "kind": question.kind,
        **INLINE,
    }
    return {**data, **changes}


def _answered(question) -> Answer:
    return Answer.objects.create(proposal=ProposalFactory(), question=question, value=True)


def test_staff_add_a_question_with_its_choices_in_several_languages(staff):
    edition = EditionFactory()
    response = staff.post(
        reverse("admin:programmes_question_add"),
        {
            "edition": edition.pk,
            "form": "proposal",
            "section": "audience",
            "position": "1",
            "text_en": "Which robots will you use?",
            "text_fr": "Quels robots utiliserez-vous ?",
            "kind": "multiple_choice",
            "required": "on",
            "choices-TOTAL_FORMS": "2",
            "choices-INITIAL_FORMS": "0",
            "choices-MIN_NUM_FORMS": "0",
            "choices-MAX_NUM_FORMS": "1000",
            "choices-0-position": "1",
            "choices-0-label_en": "Thymio",
            "choices-0-label_fr": "Thymio",
            "choices-1-position": "2",
            "choices-1-label_en": "LEGO Spike",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    question = Question.objects.get()
    assert question.text_fr == "Quels robots utiliserez-vous ?" and question.required
    assert list(question.choices.values_list("label_en", flat=True)) == ["Thymio", "LEGO Spike"]
    listing = staff.get(reverse("admin:programmes_question_changelist")).content.decode()
    assert "Which robots will you use?" in listing and "German" in listing  # missing languages


def test_english_is_required(staff):
    edition = EditionFactory()
    response = staff.post(
        reverse("admin:programmes_question_add"),
        {
            "edition": edition.pk,
            "form": "proposal",
            "section": "event",
            "position": "0",
            "text_de": "Nur auf Deutsch",
            "kind": "short_text",
            **INLINE,
        },  # fmt: skip
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["text_en"]
    assert not Question.objects.exists()


def test_an_answered_question_cannot_be_deleted(staff, question):
    _answered(question)
    url = reverse("admin:programmes_question_delete", args=[question.pk])
    page = staff.get(url).content.decode()
    assert "<title>Cannot delete extra question" in page
    staff.post(url, {"post": "yes"})
    assert Question.objects.filter(pk=question.pk).exists()


def test_an_answered_question_keeps_its_kind_but_can_be_hidden(staff, question):
    _answered(question)
    url = reverse("admin:programmes_question_change", args=[question.pk])
    refused = staff.post(url, _form(question, kind="short_text"))
    assert refused.status_code == 200
    errors = refused.context["adminform"].form.errors
    assert "its kind cannot change" in errors["kind"][0]
    question.refresh_from_db()
    assert question.kind == Question.Kind.YES_NO

    hidden = staff.post(url, _form(question, hidden="on", text_en="Do you reach young refugees?"))
    assert hidden.status_code == 302
    question.refresh_from_db()
    assert question.hidden and question.text_en == "Do you reach young refugees?"


def test_an_unanswered_question_changes_its_kind_and_is_deleted(staff, question):
    url = reverse("admin:programmes_question_change", args=[question.pk])
    assert staff.post(url, _form(question, kind="long_text")).status_code == 302
    question.refresh_from_db()
    assert question.kind == Question.Kind.LONG_TEXT
    staff.post(reverse("admin:programmes_question_delete", args=[question.pk]), {"post": "yes"})
    assert not Question.objects.exists()


def test_only_a_number_has_bounds_and_they_are_in_order(staff, question):
    url = reverse("admin:programmes_question_change", args=[question.pk])
    not_a_number = staff.post(url, _form(question, min_value="1"))
    assert "Only a number" in not_a_number.context["adminform"].form.errors["min_value"][0]
    upside_down = staff.post(url, _form(question, kind="number", min_value="9", max_value="2"))
    assert "cannot be below" in upside_down.context["adminform"].form.errors["max_value"][0]
    assert (
        staff.post(url, _form(question, kind="number", min_value="0", max_value="200")).status_code
        == 302
    )


def test_a_choice_keeps_its_translations(question):
    choice = QuestionChoice.objects.create(question=question, label="Yes", label_uk="Так")
    assert str(choice) == "Yes" and choice.label_uk == "Так"


def test_staff_preview_the_form_with_the_questions_as_an_applicant_of_a_country_sees_them(staff):
    programme = CountryProgrammeFactory(country="LU")
    Question.objects.create(
        edition=programme.edition,
        section=Question.Section.PLACE,
        kind=Question.Kind.NUMBER,
        text="How many laptops can you lend?",
        text_de="Wie viele Laptops können Sie verleihen?",
        min_value=0,
    )
    Question.objects.create(
        edition=programme.edition,
        form=Question.Form.REPORT,
        section=Question.Section.REPORT,
        kind=Question.Kind.LONG_TEXT,
        text="What did the children build?",
    )
    Question.objects.create(
        edition=programme.edition,
        country="BE",
        section=Question.Section.PLACE,
        kind=Question.Kind.YES_NO,
        text="Asked in Belgium only",
    )
    admin_list = staff.get(reverse("admin:programmes_question_changelist")).content.decode()
    assert reverse("grants:question_preview") in admin_list

    query = {"edition": programme.edition_id, "country": "LU"}
    page = staff.get(reverse("grants:question_preview"), query).content.decode()
    place = page.split("Where and when")[1].split("</fieldset>")[0]
    assert "How many laptops can you lend?" in place and 'type="number"' in place
    assert "What did the children build?" in page.split('id="preview-report"')[1]
    assert "Asked in Belgium only" not in page

    with translation.override("de"):
        german = staff.get(reverse("grants:question_preview"), query).content.decode()
    assert "Wie viele Laptops können Sie verleihen?" in german
