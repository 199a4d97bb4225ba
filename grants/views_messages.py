"""The message editor (/partner/messages/): programme staff change the e-mails' subject and text
per language, and a partner's managers for their own countries where programme staff allow it
(issue 18). The rules and the saving are organisations.message_texts; this module shows them.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages as flash
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_countries import countries as all_countries

from events.models import Proposal
from meetandcode.kernel.exceptions import DomainError
from organisations import delivery, message_texts
from organisations.models import MessageText, Notification
from organisations.permissions import message_editor_required, visible_programmes

from .message_preview import preview_context

PREVIEW_PROPOSALS = 40


class MessageTextForm(forms.Form):
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=200, required=False)
    body = forms.CharField(
        label=gettext_lazy("Text"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=gettext_lazy(
            "Plain text: a blank line starts a new paragraph. The greeting, the link to the page "
            "and the signature are added around it."
        ),
    )
    proposal = forms.TypedChoiceField(
        label=gettext_lazy("Preview for the proposal"), coerce=int, required=False
    )

    def __init__(self, *args, proposals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposal"].choices = [
            (proposal.pk, f"{proposal.title} – {proposal.organisation.name}")
            for proposal in proposals
        ]


def _chosen_country(request: HttpRequest) -> str:
    """The ``country`` asked for, which must be one the person edits (else 404, as another
    country's proposal is)."""
    countries = message_texts.editable_countries(request.user)
    country = request.GET.get("country", countries[0] if countries else "")
    if country not in countries:
        raise Http404
    return country


def _country_name(code: str) -> str:
    return all_countries.name(code) if code else _("Every country")


@message_editor_required
@require_http_methods(["GET"])
def message_list(request: HttpRequest) -> HttpResponse:
    country = _chosen_country(request)
    latest = {}
    for row in MessageText.objects.filter(country=country).order_by("kind", "language", "number"):
        latest[(row.kind, row.language)] = row
    rows = [
        {
            "kind": kind,
            "label": message_texts.LABELS[kind],
            "cells": [
                {"language": code, "name": name, "text": latest.get((kind, code))}
                for code, name in settings.LANGUAGES
            ],
        }
        for kind in message_texts.EDITABLE
    ]
    context = {
        "rows": rows,
        "country": country,
        "country_name": _country_name(country),
        "countries": [
            (code, _country_name(code)) for code in message_texts.editable_countries(request.user)
        ],
        "languages": settings.LANGUAGES,
    }
    return render(request, "grants/messages.html", context)


@message_editor_required
@require_http_methods(["GET", "POST"])
def message_edit(request: HttpRequest, kind: str, language: str) -> HttpResponse:
    if kind not in message_texts.VARIABLES or language not in dict(settings.LANGUAGES):
        raise Http404
    country = _chosen_country(request)
    proposals = _preview_proposals(request.user, country)
    own = message_texts.versions(kind, language, country)
    latest = own.first()
    if request.method == "POST":
        form = MessageTextForm(request.POST, proposals=proposals)
    else:
        form = MessageTextForm(proposals=proposals, initial=_starting_text(kind, language, country))
    preview = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action in ("save", "restore") and form.is_valid():
            saved = _save(request, form, kind, language, country, restore=action == "restore")
            if saved is not None:
                return redirect(_edit_url(kind, language, country))
        elif action == "preview" and form.is_valid():
            preview = _preview(request, form, kind, language, proposals)
    context = {
        "form": form,
        "kind": kind,
        "label": message_texts.LABELS[kind],
        "language": language,
        "language_name": dict(settings.LANGUAGES)[language],
        "country": country,
        "country_name": _country_name(country),
        "variables": message_texts.variables_of(kind),
        "versions": own[:20],
        "edited": latest is not None and bool(latest.body),
        "preview": preview,
        "list_url": f"{reverse('grants:messages')}?country={country}",
    }
    return render(request, "grants/message_edit.html", context)


def _edit_url(kind: str, language: str, country: str) -> str:
    return f"{reverse('grants:message_edit', args=[kind, language])}?country={country}"


def _starting_text(kind: str, language: str, country: str) -> dict:
    """The text being edited: the one this country's applicants receive now (its own, else
    every country's), else the default of the template files."""
    text = message_texts.current(kind, language, country)
    if text is not None:
        return {"subject": text.subject, "body": text.body}
    subject, body = delivery.default_text(kind, language)
    return {"subject": subject, "body": body}


def _preview_proposals(user, country: str) -> list[Proposal]:
    """Recent proposals of the person's countries (of ``country`` when given) to preview with."""
    proposals = Proposal.objects.filter(country_programme__in=visible_programmes(user))
    if country:
        proposals = proposals.filter(country_programme__country=country)
    return list(
        proposals.exclude(status=Proposal.Status.DRAFT)
        .select_related("organisation")
        .order_by("-pk")[:PREVIEW_PROPOSALS]
    )


def _save(request, form, kind, language, country, *, restore: bool) -> MessageText | None:
    data = form.cleaned_data
    subject, body = ("", "") if restore else (data["subject"], data["body"])
    try:
        saved = message_texts.save_text(
            actor=request.user,
            kind=kind,
            language=language,
            country=country,
            subject=subject,
            body=body,
        )
    except message_texts.TextRefused as refused:
        for field, errors in refused.errors.items():
            for error in errors:
                form.add_error(field, error)
        return None
    except DomainError as error:
        form.add_error(None, str(error))
        return None
    if restore:
        flash.success(request, _("The default text is used again."))
    else:
        flash.success(request, _("Saved as version %(number)s.") % {"number": saved.number})
    return saved


def _preview(request, form, kind, language, proposals):
    """The e-mail as the text in the form writes it, for the chosen proposal; None (with the
    reasons next to the fields) when the text would be refused."""
    data = form.cleaned_data
    for field, problems in message_texts.refusals(kind, data["subject"], data["body"]).items():
        for problem in problems:
            form.add_error(field, problem)
    chosen = next((p for p in proposals if p.pk == data["proposal"]), None)
    if chosen is None and proposals:
        chosen = proposals[0]
    if form.errors or chosen is None:
        if chosen is None:
            form.add_error("proposal", _("There is no submitted proposal to preview with yet."))
        return None
    notification = Notification(
        kind=kind,
        recipient=request.user,
        context=preview_context(kind, chosen),
        url=reverse("events:detail", args=[chosen.pk]),
    )
    edited = MessageText(subject=data["subject"], body=data["body"]) if data["body"] else None
    return delivery.compose(notification, language, edited)
