"""The applicant's proposal pages: start, edit by section, review and submit, read, withdraw."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget

from meetandcode.kernel.exceptions import InvalidTransition
from meetandcode.kernel.kept_bodies import filled
from meetandcode.kernel.ratelimit import ratelimit
from organisations import audit
from organisations.audit import Action

from . import changes, edit_body, questions, selectors, services
from .call_status import call_status
from .eligibility import LIMIT_FIELDS, NON_FIELD, check_eligibility, limit_problems
from .forms import FIELD_SECTION, SECTIONS, budget_lines_from, section_form
from .models import Proposal
from .permissions import can_edit, can_withdraw, get_proposal_for


@login_required
def start(request):
    """GET: pick an organisation, or an earlier proposal to copy. POST: create the draft (empty,
    or a copy with ``copy_from``) and go to its form."""
    organisations = selectors.organisations_of(request.user)
    if request.method != "POST":
        return _render_start(request, list(organisations))
    if "copy_from" in request.POST:
        return _copy(request, organisations)
    organisation = get_object_or_404(organisations, pk=_id(request.POST.get("organisation")))
    programme = selectors.programme_for(organisation)
    if programme is None:
        messages.error(request, _("There is no programme in your organisation's country yet."))
        return redirect("events:start")
    proposal = services.create_draft(organisation, actor=request.user, country_programme=programme)
    return redirect("events:edit", pk=proposal.pk)


def _render_start(request, organisations):
    edition, calls = selectors.call_states(organisations)
    for organisation in organisations:
        organisation.call = calls[organisation.pk]
    context = {
        "edition": edition,
        "organisations": organisations,
        "earlier": selectors.earlier_proposals(organisations) if organisations else [],
    }
    return render(request, "events/start.html", context)


def _id(value) -> int:
    """A posted id; anything else answers 404, like an id the person may not use."""
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def _copy(request, organisations):
    """A new draft from an earlier proposal of one of the person's organisations (else 404)."""
    source = selectors.get_copy_source(organisations, _id(request.POST["copy_from"]))
    programme = selectors.programme_for(source.organisation)
    if programme is None:
        messages.error(request, _("There is no programme in your organisation's country yet."))
        return redirect("events:start")
    proposal = services.copy_proposal(source, actor=request.user, country_programme=programme)
    edition = programme.edition
    window = {
        "title": source.title or _("Untitled proposal"),
        "source_edition": source.country_programme.edition,
        "edition": edition,
        "start": date_format(edition.event_start, "DATE_FORMAT"),
        "end": date_format(edition.event_end, "DATE_FORMAT"),
    }
    message = _(
        "Copied from «%(title)s» (%(source_edition)s). Set the dates again: events of "
        "%(edition)s take place between %(start)s and %(end)s."
    )
    messages.info(request, message % window)
    return redirect("events:edit", pk=proposal.pk)


@login_required
def edit(request, pk):
    # the versions of what the sections show, before reading any of it (events.edit_body)
    version = edit_body.versions(pk)
    proposal = get_proposal_for(request.user, pk)
    if not can_edit(proposal):
        return redirect("events:detail", pk=proposal.pk)
    kept = edit_body.sections(
        request, proposal, version, lambda: {"proposal": proposal, "sections": _sections(proposal)}
    )
    return _render_edit(request, proposal, filled(kept, request))


def _sections(proposal, form_of=None, form=None) -> list[dict]:
    """Every section's context; ``form`` (with its errors) for the section ``form_of``."""
    warnings = limit_problems(proposal)
    return [
        _section(key, proposal, form=form if key == form_of else None, warnings=warnings)
        for key in SECTIONS
    ]


@login_required
@require_POST
# Autosave while typing stays well under 120 a minute; a script flooding the form does not.
@ratelimit("proposal_save", "120/m/user,2000/h/user,600/m/ip")
def save_section(request, pk, section):
    """Save one section. htmx gets "saved at" with the limits the section breaks, or the
    section with errors (400); others a page. A draft breaking a limit is saved all the same."""
    if section not in SECTIONS:
        raise Http404
    proposal = get_proposal_for(request.user, pk)
    if not can_edit(proposal):
        return redirect("events:detail", pk=proposal.pk)
    form = section_form(section, proposal, request.POST, request.FILES)
    if form.is_valid():
        data = budget_lines_from(form) if section == "budget" else form.cleaned_data
        proposal = services.save_draft_section(
            proposal, actor=request.user, section=section, data=data
        )
        if not request.htmx:
            return redirect(f"{proposal_url(proposal)}#section-{section}")
        return _saved(request, proposal, section)
    if request.htmx:
        context = _section(section, proposal, form=form, warnings=limit_problems(proposal))
        return render(
            request, "events/_section.html", {"s": context, "proposal": proposal}, status=400
        )
    sections = render_to_string(
        "events/_sections.html",
        {"proposal": proposal, "sections": _sections(proposal, section, form)},
        request,
    )
    return _render_edit(request, proposal, sections, status=400)


def _saved(request, proposal, section):
    # Only the status, the budget's sum and the warnings change: swapping the form would drop
    # what was typed while the save was on its way. Each field's warning goes out of band into
    # its place under the field, emptied when the field keeps its limit again.
    problems = limit_problems(proposal)
    fields = [name for name in LIMIT_FIELDS if FIELD_SECTION[name] == section]
    context = {
        "saved_at": timezone.now(),
        "proposal": proposal,
        "is_budget": section == "budget",
        "field_warnings": [(name, problems.get(name, [])) for name in fields],
        "has_warnings": any(name in problems for name in fields),
    }
    response = render(request, "events/_saved.html", context)
    response = retarget(response, f"#section-{section} .save-status")
    return reswap(response, "innerHTML")


def proposal_url(proposal):
    return reverse("events:edit", args=[proposal.pk])


def _section(key, proposal, form=None, warnings=None):
    form = form if form is not None else section_form(key, proposal)
    form.warnings = warnings or {}
    return {"key": key, "title": SECTIONS[key][0], "form": form, "is_budget": key == "budget"}


def _render_edit(request, proposal, sections_html, status=200):
    context = {
        "proposal": proposal,
        "section_links": [(key, title) for key, (title, _form) in SECTIONS.items()],
        "sections_html": sections_html,
        "duplicates": list(selectors.possible_duplicates(proposal)),
        "call": call_status(proposal.country_programme),
    }
    return render(request, "events/edit.html", context, status=status)


@login_required
def review(request, pk):
    """The summary to check, with what still stands in the way; POST submits if eligible."""
    proposal = get_proposal_for(request.user, pk)
    if not can_edit(proposal):
        return redirect("events:detail", pk=proposal.pk)
    status = 200
    if request.method == "POST":
        try:
            services.submit_proposal(proposal, actor=request.user)
        except services.NotEligible as refused:
            errors, status = refused.errors, 400
        except InvalidTransition:
            _tell_why_not_submitted(request, proposal)
            return redirect("events:detail", pk=proposal.pk)
        else:
            messages.success(request, _("Your proposal was sent to the national partner."))
            return redirect("events:detail", pk=proposal.pk)
    else:
        errors = check_eligibility(proposal)
    context = _summary(proposal, errors) | _since_last_submission(proposal)
    return render(request, "events/review.html", context, status=status)


def _since_last_submission(proposal):
    """For a proposal sent back by the partner: the partner's request and what changed since."""
    if proposal.status != Proposal.Status.CHANGES_REQUESTED:
        return {}
    return {
        "change_request": changes.latest_change_request(proposal),
        "changes": changes.changes_since_last_submission(proposal),
    }


def _summary(proposal, errors):
    problems = [
        {
            "field": field,
            "section": _section_of(proposal, field),
            "label": _field_label(proposal, field),
            "messages": msgs,
        }
        for field, msgs in errors.items()
    ]
    return {
        "proposal": proposal,
        "errors": errors,
        "problems": problems,
        "general_errors": errors.get(NON_FIELD, []),
        "budget_lines": list(proposal.budget_lines.all()),
        "duplicates": list(selectors.possible_duplicates(proposal)),
        "sections": SECTIONS,
    }


def _section_of(proposal, field):
    question = questions.question_of(proposal, field)
    return question.section if question else FIELD_SECTION.get(field)


def _field_label(proposal, field):
    question = questions.question_of(proposal, field)
    if question is not None:
        return question.text
    if field == NON_FIELD:
        return _("General")
    if field == "budget":
        return _("Budget")
    form = SECTIONS[FIELD_SECTION[field]][1]
    return form.base_fields[field].label


def _tell_why_not_submitted(request, proposal):
    proposal.refresh_from_db(fields=["status"])
    if proposal.status == Proposal.Status.SUBMITTED:  # a second click, or another tab
        messages.info(request, _("Your proposal was sent to the national partner already."))
    else:
        messages.error(request, _("This proposal can no longer be submitted."))


@login_required
def detail(request, pk):
    """The read-only proposal with its status timeline."""
    proposal = get_proposal_for(request.user, pk)
    context = {
        "proposal": proposal,
        "budget_lines": list(proposal.budget_lines.all()),
        "timeline": _timeline(proposal),
        "can_edit": can_edit(proposal),
        "can_withdraw": can_withdraw(proposal),
        "focus_groups": list(proposal.focus_groups.all()),
        "languages": list(proposal.languages.all()),
    }
    return render(request, "events/detail.html", context)


# What the applicant may see of a proposal's history: its own steps and the partner's decisions
# and messages to it. Reviews, internal comments and conflict-of-interest notes stay with the
# partner (their audit messages hold the reviewer's words).
APPLICANT_TIMELINE_ACTIONS = (
    Action.PROPOSAL_CREATE,
    Action.PROPOSAL_SUBMIT,
    Action.PROPOSAL_REQUEST_CHANGES,
    Action.PROPOSAL_APPROVE,
    Action.PROPOSAL_REJECT,
    Action.PROPOSAL_WITHDRAW,
    Action.PROPOSAL_CANCEL,
    Action.COMMENT_TO_APPLICANT,
    Action.GRANT_PAID,
)


def _timeline(proposal):
    entries = list(
        audit.entries_for(proposal)
        .filter(action__in=APPLICANT_TIMELINE_ACTIONS)
        .order_by("created_at", "id")
    )
    labels = dict(Proposal.Status.choices)
    for entry in entries:
        entry.to_label = labels.get(entry.to_state, "")
    return changes.annotate_submissions(entries)  # a resubmit shows what it changed


@login_required
@require_POST
def withdraw(request, pk):
    proposal = get_proposal_for(request.user, pk)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm that you want to withdraw."))
        return redirect("events:detail", pk=proposal.pk)
    try:
        services.withdraw_proposal(
            proposal, actor=request.user, reason=request.POST.get("reason", "")[:500]
        )
    except InvalidTransition:
        messages.error(request, _("After a decision a proposal can no longer be withdrawn."))
    else:
        messages.success(request, _("Your proposal was withdrawn."))
    return redirect("events:detail", pk=proposal.pk)
