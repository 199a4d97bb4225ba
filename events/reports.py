"""Reports after the event: the applicant's draft, its files, submitting it, the partner's review.

Every state change of a report happens here, in one transaction with an audit entry on the
report; notifications are written in the same transaction and sent after commit.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meetandcode.kernel.exceptions import DomainError
from organisations import audit
from organisations.audit import Action
from organisations.notifications import notify_proposal
from organisations.permissions import require
from programmes.models import Question

from . import questions, uploads
from .models import BudgetLine, Event, Proposal, Report, ReportFile

AGE_BANDS = ("age_under_8", "age_8_12", "age_13_16", "age_17_24", "age_over_24")
GENDERS = ("gender_female", "gender_male", "gender_other")
FOCUS_GROUPS = (
    "refugees",
    "migration_background",
    "disability",
    "low_income",
    "no_own_device",
    "deprived_area",
)
NUMBERS = ("participants_total", *AGE_BANDS, *GENDERS, *FOCUS_GROUPS, "first_contact_with_coding")
TEXTS = ("went_well", "went_badly")
FIELDS = (*NUMBERS, "only_possible_thanks_to_grant", *TEXTS)

EDITABLE = frozenset({Report.Status.DRAFT, Report.Status.CHANGES_REQUESTED})
# a file's kind -> the audit action of adding or removing one
ADD_ACTIONS = {
    ReportFile.Kind.RECEIPT: Action.REPORT_ADD_RECEIPT,
    ReportFile.Kind.PHOTO: Action.REPORT_ADD_PHOTO,
}
REMOVE_ACTIONS = {
    ReportFile.Kind.RECEIPT: Action.REPORT_REMOVE_RECEIPT,
    ReportFile.Kind.PHOTO: Action.REPORT_REMOVE_PHOTO,
}
# The keys of the two groups whose sum is checked, next to the field names.
AGE_GROUP, GENDER_GROUP = "age_bands", "genders"

LABELS = {
    "refugees": gettext_lazy("Refugees"),
    "migration_background": gettext_lazy("With a migration background"),
    "disability": gettext_lazy("With a disability"),
    "low_income": gettext_lazy("From a low-income household"),
    "no_own_device": gettext_lazy("Without an IT device of their own"),
    "deprived_area": gettext_lazy("From a socially deprived area"),
    "first_contact_with_coding": gettext_lazy("Met coding for the first time"),
}


class ReportNotValid(DomainError):
    """The report cannot be handed in; ``errors`` maps field (or group) names to messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(_("The report is not complete yet."))
        self.errors = errors


class ReportNotOpen(DomainError):
    """The report opens on the day the event starts."""


# --- When ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    opens_at: datetime | None
    due_at: datetime | None

    def is_open(self, now: datetime | None = None) -> bool:
        return self.opens_at is not None and (now or timezone.now()) >= self.opens_at

    def is_overdue(self, now: datetime | None = None) -> bool:
        return self.due_at is not None and (now or timezone.now()) > self.due_at


def report_window(proposal: Proposal) -> Window:
    """Open from the event's start; due the country programme's hours after its end."""
    hours = proposal.country_programme.report_deadline_hours
    return report_window_of(proposal.starts_at, proposal.ends_at, hours)


def report_window_of(starts_at, ends_at, deadline_hours: int) -> Window:
    due = ends_at + timedelta(hours=deadline_hours) if ends_at else None
    return Window(opens_at=starts_at, due_at=due)


def report_of(proposal: Proposal) -> Report | None:
    return Report.objects.filter(proposal=proposal).first()


def change_request(report: Report | None) -> str:
    """The partner's latest request for changes, while the report waits for them (it may be a
    draft again meanwhile, see ``save_report_draft``)."""
    if report is None or report.status not in EDITABLE:
        return ""
    entry = (
        audit.entries_for(report)
        .filter(action__in=[Action.REPORT_REQUEST_CHANGES, Action.REPORT_SUBMIT])
        .order_by("-created_at", "-id")
        .first()
    )
    return entry.message if entry and entry.action == Action.REPORT_REQUEST_CHANGES else ""


# --- The rules a handed-in report must meet --------------------------------------------------


def check_report(values: dict, lines: list[BudgetLine] | None = None) -> dict[str, list[str]]:
    """What stands in the way of handing the report in, by field (or group of fields).

    ``values`` holds the report's numbers (missing ones count as 0); ``lines`` the budget lines
    with their actual cost. The database's CHECKs back the two sums.
    """
    number = {name: values.get(name) or 0 for name in NUMBERS}
    total = number["participants_total"]
    errors: dict[str, list[str]] = {}
    if total <= 0:
        errors["participants_total"] = [_("Enter how many people took part in all.")]
    ages = sum(number[name] for name in AGE_BANDS)
    if ages != total:
        errors[AGE_GROUP] = [
            _("The age bands add up to %(sum)s, but %(total)s took part in all: correct them.")
            % {"sum": ages, "total": total}
        ]
    genders = sum(number[name] for name in GENDERS)
    if genders != total:
        errors[GENDER_GROUP] = [
            _(
                "Girls and women, boys and men and “another or not stated” add up to %(sum)s, but "
                "%(total)s took part in all: correct them."
            )
            % {"sum": genders, "total": total}
        ]
    for name in (*FOCUS_GROUPS, "first_contact_with_coding"):
        if number[name] > total:
            errors[name] = [
                _("%(count)s is more than the %(total)s people who took part in all.")
                % {"count": number[name], "total": total}
            ]
    if values.get("only_possible_thanks_to_grant") is None:
        errors["only_possible_thanks_to_grant"] = [_("Answer yes or no.")]
    for line in lines or []:
        if line.actual_amount is None:
            errors[f"actual_{line.pk}"] = [
                _("Enter what this line actually cost (0 if nothing was spent).")
            ]
    return errors


# --- The applicant's side --------------------------------------------------------------------


def _editable_report(proposal: Proposal, *, actor, now=None) -> Report:
    """The proposal's report, locked, created as a draft on first use. Runs in a transaction."""
    locked_proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if locked_proposal.status != Proposal.Status.APPROVED:
        raise DomainError(_("Only an approved event is reported on."))
    if not report_window(locked_proposal).is_open(now):
        raise ReportNotOpen(_("The report opens when the event starts."))
    report = Report.objects.select_for_update().filter(proposal=locked_proposal).first()
    if report is None:
        report = Report.objects.create(proposal=locked_proposal)
        audit.record(report, actor=actor, action=Action.REPORT_CREATE, to_state=report.status)
    if report.status not in EDITABLE:
        raise DomainError(
            _("The report is %(status)s and can no longer be changed.")
            % {"status": report.get_status_display().lower()}
        )
    return report


def save_report_draft(
    proposal: Proposal,
    *,
    actor,
    data: dict,
    actual_costs: dict[int, Decimal | None],
    answers: dict[int, object] | None = None,
    now=None,
) -> Report:
    """Store what the applicant typed so far; a draft may be incomplete and need not add up.

    ``data`` holds report fields (numbers left empty count as 0); ``actual_costs`` maps the
    proposal's budget line ids to their actual cost; ``answers`` the edition's report questions'
    answers by question id. Saves are not audited: state changes are.
    """
    require(actor, "proposal.act", proposal)
    with transaction.atomic():
        report = _editable_report(proposal, actor=actor, now=now)
        for name in FIELDS:
            if name not in data:
                continue
            value = data[name]
            if name in NUMBERS:
                value = value or 0
            elif name in TEXTS:
                value = value or ""
            setattr(report, name, value)
        if report.status == Report.Status.CHANGES_REQUESTED and _sums_off(report):
            # The database lets only drafts not add up (Report's CHECKs): a report being changed
            # is a draft again until it is sent, so nothing typed is refused.
            report.status = Report.Status.DRAFT
            audit.record(
                report,
                actor=actor,
                action=Action.REPORT_EDIT,
                from_state=Report.Status.CHANGES_REQUESTED,
                to_state=Report.Status.DRAFT,
            )
        report.save()
        for line in BudgetLine.objects.filter(proposal_id=proposal.pk, pk__in=actual_costs):
            line.actual_amount = actual_costs[line.pk]
            line.save(update_fields=["actual_amount"])
        questions.save_answers(proposal, answers or {}, Question.Form.REPORT)
    return report


def _sums_off(report: Report) -> bool:
    total = report.participants_total
    return (
        total <= 0
        or total != sum(getattr(report, name) for name in AGE_BANDS)
        or total != sum(getattr(report, name) for name in GENDERS)
    )


def submit_report(proposal: Proposal, *, actor, now=None) -> Report:
    """Hand the report to the national partner, if its numbers add up and nothing is missing."""
    require(actor, "proposal.act", proposal)
    with transaction.atomic():
        report = _editable_report(proposal, actor=actor, now=now)
        values = {name: getattr(report, name) for name in FIELDS}
        errors = check_report(values, list(BudgetLine.objects.filter(proposal_id=proposal.pk)))
        errors.update(questions.missing(proposal, Question.Form.REPORT))
        if errors:
            raise ReportNotValid(errors)
        from_state = report.status
        report.status = Report.Status.SUBMITTED
        report.submitted_at = timezone.now()
        report.save()
        audit.record(
            report,
            actor=actor,
            action=Action.REPORT_SUBMIT,
            from_state=from_state,
            to_state=report.status,
            data={name: values[name] for name in NUMBERS},
        )
        notify_proposal(report.proposal, "report_submitted")
    return report


def add_report_files(
    proposal: Proposal, *, actor, kind: str, files: list, consent: bool = False,
    public: bool = False, now=None,
) -> list[ReportFile]:  # fmt: skip
    """Check every file, then store them all, or none: a refused file stops the whole upload.

    Photos need the declaration that everyone shown agreed; at most MAX_FILES_PER_KIND of each
    kind per report.
    """
    require(actor, "proposal.act", proposal)
    if kind not in ReportFile.Kind.values:
        raise uploads.FileRefused(_("Choose whether these are receipts or photos."))
    if not files:
        raise uploads.FileRefused(_("Choose a file to upload."))
    if kind == ReportFile.Kind.PHOTO and not consent:
        raise uploads.FileRefused(
            _("Confirm that everyone shown in the photos agreed (for children: their parents).")
        )
    clean = uploads.clean_photo if kind == ReportFile.Kind.PHOTO else uploads.clean_receipt
    stored: list[str] = []
    try:
        with transaction.atomic():
            report = _editable_report(proposal, actor=actor, now=now)
            held = report.files.filter(kind=kind).count()
            if held + len(files) > uploads.MAX_FILES_PER_KIND:
                raise uploads.FileRefused(
                    _(
                        "A report takes at most %(max)s files of each kind; it has %(held)s "
                        "already. Remove some first or upload fewer."
                    )
                    % {"max": uploads.MAX_FILES_PER_KIND, "held": held}
                )
            cleaned = [(upload, clean(upload)) for upload in files]
            rows = []
            for upload, result in cleaned:
                row = ReportFile(
                    report=report,
                    kind=kind,
                    original_name=uploads.display_name(upload.name),
                    content_type=result.content_type,
                    size=len(result.content),
                    public=public and kind == ReportFile.Kind.PHOTO,
                    consent=consent and kind == ReportFile.Kind.PHOTO,
                    uploaded_by=actor if actor is not None and actor.pk else None,
                )
                row.file.save(result.server_name(), ContentFile(result.content), save=False)
                stored.append(row.file.name)
                row.save()
                rows.append(row)
            audit.record(
                report,
                actor=actor,
                action=ADD_ACTIONS[kind],
                from_state=report.status,
                to_state=report.status,
                data={"files": [row.pk for row in rows]},
            )
    except Exception:
        for name in stored:  # the rows are gone with the rollback: so are their files
            ReportFile.file.field.storage.delete(name)
        raise
    return rows


def remove_report_file(report_file: ReportFile, *, actor) -> None:
    """Delete a file of a report the applicant may still change."""
    require(actor, "proposal.act", report_file.report.proposal)
    with transaction.atomic():
        report = _editable_report(report_file.report.proposal, actor=actor)
        row = report.files.select_for_update().filter(pk=report_file.pk).first()
        if row is None:
            return
        name = row.file.name
        row.delete()
        audit.record(
            report,
            actor=actor,
            action=REMOVE_ACTIONS[row.kind],
            from_state=report.status,
            to_state=report.status,
            data={"file": report_file.pk},
        )
        transaction.on_commit(lambda: ReportFile.file.field.storage.delete(name))


def set_photo_public(report_file: ReportFile, *, actor, public: bool) -> ReportFile:
    """The organisation decides which photos the public event page may show. Taking a photo off
    the page is possible at any time (someone may withdraw their consent); publishing one only
    while the report may change."""
    require(actor, "proposal.act", report_file.report.proposal)
    with transaction.atomic():
        if public:
            _editable_report(report_file.report.proposal, actor=actor)
        updated = ReportFile.objects.filter(pk=report_file.pk, kind=ReportFile.Kind.PHOTO).update(
            public=public
        )
        if updated:
            audit.record(
                report_file.report,
                actor=actor,
                action=Action.REPORT_PHOTO_PUBLIC if public else Action.REPORT_PHOTO_PRIVATE,
                data={"file": report_file.pk},
            )
    report_file.refresh_from_db()
    return report_file


# --- The partner's side ----------------------------------------------------------------------


def _decide(
    report: Report,
    *,
    actor,
    action: Action,
    to_state: str,
    message: str = "",
    before_audit: Callable[[Report], None] | None = None,
) -> Report:
    require(actor, "programme.decide", report.proposal.country_programme)
    locked = Report.objects.select_for_update().select_related("proposal").get(pk=report.pk)
    if locked.status != Report.Status.SUBMITTED:
        raise DomainError(
            _("Only a submitted report can be decided on; this one is %(status)s.")
            % {"status": locked.get_status_display().lower()}
        )
    from_state = locked.status
    locked.status = to_state
    if to_state == Report.Status.ACCEPTED:
        locked.accepted_at = timezone.now()
    locked.save()
    if before_audit:
        before_audit(locked)  # what follows from the decision, seen by the audit's listeners
    audit.record(
        locked,
        actor=actor,
        action=action,
        from_state=from_state,
        to_state=to_state,
        message=message,
    )
    return locked


def _mark_held(report: Report) -> None:
    event = Event.objects.select_for_update().filter(proposal_id=report.proposal_id).first()
    if event is not None and event.status == Event.Status.SCHEDULED:
        event.status = Event.Status.HELD
        event.save(update_fields=["status", "updated_at"])  # the feeds hear of it


def accept_report(report: Report, *, actor) -> Report:
    """The partner accepts the report: the event counts as held and its page says so."""
    with transaction.atomic():
        locked = _decide(
            report,
            actor=actor,
            action=Action.REPORT_ACCEPT,
            to_state=Report.Status.ACCEPTED,
            before_audit=_mark_held,
        )
        notify_proposal(locked.proposal, "report_accepted")
    report.refresh_from_db()
    return locked


def request_report_changes(report: Report, *, actor, message: str) -> Report:
    """Send the report back to the applicant with what to change."""
    message = (message or "").strip()
    if not message:
        raise DomainError(_("Say what the organisation should change in its report."))
    with transaction.atomic():
        locked = _decide(
            report,
            actor=actor,
            action=Action.REPORT_REQUEST_CHANGES,
            to_state=Report.Status.CHANGES_REQUESTED,
            message=message,
        )
        notify_proposal(locked.proposal, "report_changes_requested", message=message)
    report.refresh_from_db()
    return locked
