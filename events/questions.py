"""The edition's extra questions on the applicant's form (programmes.Question, issue 18).

Each question the proposal is asked becomes a field ``q_<id>`` of its section's form
(events.forms), saved with the section (``save_answers``, from events.services) and asked for on
submit when required (``missing``). A hidden question is still shown to a proposal that answered
it, so that its answer stays readable and editable.

The answer is kept as plain JSON (events.Answer.value): the text, the number, the date as ISO
text, True or False, the id of the chosen choice, or a list of ids; a file question's file is
``Answer.file`` (checked as a receipt is: a PDF, or an image re-encoded), its value the name it
was uploaded with. Leaving a file field empty keeps the file given before.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django import forms
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meetandcode.kernel.widgets import DateInput
from programmes.models import Question

from . import uploads
from .models import Answer, Proposal

PREFIX = "q_"
SHORT_TEXT_LENGTH = 300
LONG_TEXT_LENGTH = 3000
YES, NO = "yes", "no"
Kind = Question.Kind


def field_name(question: Question) -> str:
    return f"{PREFIX}{question.pk}"


def asked(proposal: Proposal, form: str = Question.Form.PROPOSAL) -> list[Question]:
    """The questions of the proposal's edition and country on ``form``, in their order; kept on
    the proposal for the request (every section's form asks). Both forms' are read at once: a
    page showing the proposal shows its report too."""
    kept = proposal.__dict__.setdefault("_asked_questions", {})
    if form in kept:
        return kept[form]
    programme = proposal.country_programme
    answered = Answer.objects.filter(proposal_id=proposal.pk).values("question_id")
    questions = (
        Question.objects.filter(edition_id=programme.edition_id)
        .filter(Q(country="") | Q(country=programme.country))
        .filter(Q(hidden=False) | Q(pk__in=answered))
        .prefetch_related("choices")
    )
    for each in Question.Form.values:
        kept[each] = []
    for question in questions:
        kept[question.form].append(question)
    return kept[form]


def answers_of(proposal: Proposal) -> dict[int, object]:
    """Question id -> the stored answer, read once per request."""
    kept = getattr(proposal, "_answers", None)
    if kept is None:
        kept = dict(
            Answer.objects.filter(proposal_id=proposal.pk).values_list("question_id", "value")
        )
        proposal._answers = kept
    return kept


def form_field(question: Question) -> forms.Field:
    """The form field that asks ``question`` (never required in a draft: see ``missing``)."""
    common = {"label": question.text, "help_text": question.help_text, "required": False}
    if question.kind == Kind.SHORT_TEXT:
        return forms.CharField(max_length=SHORT_TEXT_LENGTH, **common)
    if question.kind == Kind.LONG_TEXT:
        widget = forms.Textarea(attrs={"rows": 4})
        return forms.CharField(max_length=LONG_TEXT_LENGTH, widget=widget, **common)
    if question.kind == Kind.NUMBER:
        bounds = {"min_value": question.min_value, "max_value": question.max_value}
        return forms.IntegerField(**bounds, **common)
    if question.kind == Kind.DATE:
        return forms.DateField(widget=DateInput(), **common)
    if question.kind == Kind.YES_NO:
        choices = [(YES, gettext_lazy("Yes")), (NO, gettext_lazy("No"))]
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if question.kind == Kind.FILE:
        return AnswerFileField(**common)
    choices = [(str(choice.pk), choice.label) for choice in question.choices.all()]
    if question.kind == Kind.MULTIPLE_CHOICE:
        widget = forms.CheckboxSelectMultiple
        return forms.MultipleChoiceField(choices=choices, widget=widget, **common)
    return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)


class AnswerFileField(forms.FileField):
    """A file answering a question: a PDF or an image, checked as receipts are (events.uploads);
    refused with the reason next to the field."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.widget.attrs["accept"] = "application/pdf,image/jpeg,image/png,image/webp"

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload or upload is initial:
            return None  # nothing new: the file given before stays
        try:
            return upload, uploads.clean_receipt(upload)
        except uploads.FileRefused as refused:
            raise forms.ValidationError(str(refused)) from refused


def add_fields(
    form: forms.BaseForm, proposal: Proposal, section: str, of: str = Question.Form.PROPOSAL
) -> None:
    """The section's questions (of the application form, or ``of`` the report) as fields of
    ``form``, filled in with the answers given."""
    answers = answers_of(proposal)
    for question in asked(proposal, of):
        if question.section != section:
            continue
        name = field_name(question)
        form.fields[name] = field = form_field(question)
        if question.pk not in answers:
            continue
        if question.kind == Kind.FILE:
            given = _("Uploaded: %(name)s. Choose another file to replace it.") % {
                "name": answers[question.pk]
            }
            field.help_text = f"{field.help_text} {given}".strip()
        else:
            form.initial[name] = _initial(question, answers[question.pk])


def _initial(question: Question, value):
    if value is None:
        return None
    if question.kind == Kind.DATE:
        return date.fromisoformat(value)
    if question.kind == Kind.YES_NO:
        return YES if value else NO
    if question.kind == Kind.MULTIPLE_CHOICE:
        return [str(pk) for pk in value]
    if question.kind == Kind.SINGLE_CHOICE:
        return str(value)
    return value


def split(data: dict) -> tuple[dict, dict[int, object]]:
    """A section's cleaned data: the proposal's own fields, and the answers by question id."""
    fields = {name: value for name, value in data.items() if not name.startswith(PREFIX)}
    answers = {
        int(name.removeprefix(PREFIX)): value
        for name, value in data.items()
        if name.startswith(PREFIX)
    }
    return fields, answers


def save_answers(
    proposal: Proposal, answers: dict[int, object], of: str = Question.Form.PROPOSAL
) -> None:
    """Store the section's answers (call inside the section's transaction). An emptied answer
    is deleted; only questions the proposal is asked (on the form ``of``) are kept."""
    questions = {question.pk: question for question in asked(proposal, of)}
    for question_id, value in answers.items():
        question = questions.get(question_id)
        if question is None:
            continue
        if question.kind == Kind.FILE:
            _save_file(proposal, question, value)
            continue
        stored = _stored(question, value)
        if stored is None:
            Answer.objects.filter(proposal=proposal, question=question).delete()
        else:
            Answer.objects.update_or_create(
                proposal=proposal, question=question, defaults={"value": stored}
            )
    proposal.__dict__.pop("_answers", None)


def _save_file(proposal: Proposal, question: Question, value) -> None:
    if value is None:  # no new file: keep the one given before
        return
    upload, clean = value
    name = uploads.display_name(upload.name)
    content = ContentFile(clean.content, name=clean.server_name())
    answer, _created = Answer.objects.get_or_create(
        proposal=proposal, question=question, defaults={"value": name}
    )
    old = answer.file.name if answer.file else ""
    answer.value, answer.file_name = name, name
    answer.file.save(content.name, content, save=False)
    answer.save()
    if old:  # the replaced file goes once the new one is stored
        storage = answer.file.storage
        transaction.on_commit(lambda: storage.delete(old))


def _stored(question: Question, value):
    if value in (None, "", []):
        return None
    if question.kind == Kind.DATE:
        return value.isoformat()
    if question.kind == Kind.YES_NO:
        return value == YES
    if question.kind == Kind.SINGLE_CHOICE:
        return int(value)
    if question.kind == Kind.MULTIPLE_CHOICE:
        return sorted(int(pk) for pk in value)
    return value


def missing(proposal: Proposal, of: str = Question.Form.PROPOSAL) -> dict[str, list[str]]:
    """The required questions (not hidden) the proposal has not answered: asked for on submit."""
    answers = answers_of(proposal)
    return {
        field_name(question): [_("Answer this question to submit.")]
        for question in asked(proposal, of)
        if question.required and not question.hidden and answers.get(question.pk) is None
    }


def question_of(proposal: Proposal, name: str) -> Question | None:
    """The question behind a field name ``q_<id>`` of the proposal's form."""
    if not name.startswith(PREFIX):
        return None
    wanted = name.removeprefix(PREFIX)
    return next((q for q in asked(proposal) if str(q.pk) == wanted), None)


def shown(proposal: Proposal, form: str = Question.Form.PROPOSAL) -> list[tuple[Question, str]]:
    """The questions asked and their answers as people read them ("—" when not answered)."""
    answers = answers_of(proposal)
    return [
        (question, display(question, answers.get(question.pk)))
        for question in asked(proposal, form)
    ]


def display(question: Question, value) -> str:
    if value is None:
        return "—"
    if question.kind == Kind.YES_NO:
        return _("Yes") if value else _("No")
    if question.kind == Kind.DATE:
        return date_format(date.fromisoformat(value), "DATE_FORMAT")
    if question.kind in Question.CHOICE_KINDS:
        chosen = value if isinstance(value, list) else [value]
        labels = {choice.pk: choice.label for choice in question.choices.all()}
        return ", ".join(labels.get(pk, "?") for pk in chosen)
    return str(value)


def export_value(question: Question, value):
    """An answer as a spreadsheet cell: numbers and dates as such, the rest as text."""
    if value is None:
        return None
    if question.kind == Kind.NUMBER:
        return value
    if question.kind == Kind.DATE:
        return date.fromisoformat(value)
    return display(question, value)


def exported(proposals) -> tuple[list[Question], Callable[[list[int]], dict]]:
    """The questions of the editions of ``proposals`` (the application form's, then the
    report's; one query), and a function
    giving, for a batch of proposal ids, their answers by (proposal id, question id)."""
    questions = list(
        Question.objects.filter(edition__in=proposals.values("country_programme__edition"))
        .select_related("edition")
        .prefetch_related("choices")
        .order_by("edition__year", "form", "section", "position", "pk")
    )

    def answers(proposal_ids: list[int]) -> dict[tuple[int, int], object]:
        found = Answer.objects.filter(proposal_id__in=proposal_ids, question__in=questions)
        return {
            (proposal_id, question_id): value
            for proposal_id, question_id, value in found.values_list(
                "proposal_id", "question_id", "value"
            )
        }

    return questions, answers
