"""What a proposal looked like when it was submitted, and what changed since.

Every submit stores a snapshot of the applicant's content in its audit entry (``data["snapshot"]``,
see ``services.submit_proposal``). Snapshots are plain JSON: decimals as strings, date-times as
ISO 8601 in UTC, many-to-many as sorted codes, so comparing two of them is comparing dicts, and a
value that did not change never shows up as a change because of its representation.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from meetandcode.kernel.formatting import format_money
from organisations.audit import Action
from organisations.models import AuditEntry
from programmes.models import Question

from . import questions
from .forms import SECTIONS
from .models import CostCategory, Proposal

VERSION = 1
M2M = ("focus_groups", "languages")

# (field name, section key) of every field but the budget's, in the order of the form.
FIELDS = [
    (name, key)
    for key, (_title, form) in SECTIONS.items()
    if key != "budget"
    for name in form._meta.fields
]


@dataclass(frozen=True)
class Change:
    """One field that differs, with both values as a person reads them."""

    field: str
    label: str
    section: str
    before: str
    after: str


def proposal_snapshot(proposal: Proposal) -> dict:
    """The applicant-entered content of the proposal, JSON-ready.

    Four queries (budget lines, the two many-to-many and the answers to the extra questions),
    fewer when they are prefetched.
    """
    snapshot: dict = {"version": VERSION, "currency": proposal.currency}
    for name, _key in FIELDS:
        if name in M2M:
            items = sorted(getattr(proposal, name).all(), key=lambda item: item.code)
            snapshot[name] = [item.code for item in items]
            snapshot.setdefault("labels", {})[name] = {item.code: item.name for item in items}
        else:
            snapshot[name] = _dump(getattr(proposal, name))
    snapshot["budget_lines"] = [
        {
            "category": line.category,
            "description": line.description,
            "amount": _money(line.amount),
        }
        for line in proposal.budget_lines.all()
    ]
    snapshot["requested_amount"] = _money(proposal.requested_amount)
    # the extra questions' answers as stored (events.questions), by question id
    snapshot["answers"] = {str(pk): value for pk, value in questions.answers_of(proposal).items()}
    return snapshot


def load_snapshot(snapshot: dict) -> dict:
    """The snapshot's values as Python values again: Decimal amounts, aware date-times."""
    values = {}
    for name, _key in FIELDS:
        raw = snapshot.get(name)
        values[name] = list(raw or []) if name in M2M else _load(name, raw)
    values["budget_lines"] = [
        {**line, "amount": Decimal(line["amount"])} for line in snapshot.get("budget_lines", [])
    ]
    values["requested_amount"] = Decimal(snapshot.get("requested_amount") or "0")
    return values


def diff_snapshots(before: dict, after: dict) -> list[Change]:
    """The fields whose values differ between two snapshots, in the order of the form."""
    changes = []
    for name, key in FIELDS:
        old, new = before.get(name), after.get(name)
        if name in M2M:
            old, new = old or [], new or []
        if old == new:
            continue
        if name in M2M:
            labels = {
                **before.get("labels", {}).get(name, {}),
                **after.get("labels", {}).get(name, {}),
            }
            shown = (
                _join(labels.get(code, code) for code in old),
                _join(labels.get(code, code) for code in new),
            )
        else:
            shown = (_show(name, old), _show(name, new))
        changes.append(Change(name, _label(key, name), key, *shown))
    changes.extend(_budget_changes(before, after))
    changes.extend(_answer_changes(before.get("answers", {}), after.get("answers", {})))
    return changes


def _answer_changes(before: dict, after: dict) -> list[Change]:
    """The extra questions whose answers differ (a question answered is never deleted, so
    each one is still there to name)."""
    differing = [pk for pk in {*before, *after} if before.get(pk) != after.get(pk)]
    if not differing:
        return []
    asked = Question.objects.filter(pk__in=[int(pk) for pk in differing])
    changes = []
    for question in asked.prefetch_related("choices").order_by("section", "position", "pk"):
        pk = str(question.pk)
        shown = (
            questions.display(question, before.get(pk)),
            questions.display(question, after.get(pk)),
        )
        changes.append(Change(f"q_{pk}", question.text, question.section, *shown))
    return changes


def latest_submitted_snapshot(proposal: Proposal) -> dict | None:
    """The snapshot of the proposal's latest submit, or None if there is none. One query."""
    data = (
        _entries(proposal, Action.PROPOSAL_SUBMIT)
        .order_by("-created_at", "-id")
        .values_list("data", flat=True)
    ).first()
    return (data or {}).get("snapshot")


def changes_since_last_submission(proposal: Proposal) -> list[Change] | None:
    """What the applicant changed since the latest submit; None if there is nothing to compare
    with (never submitted, or submitted before snapshots were kept)."""
    previous = latest_submitted_snapshot(proposal)
    if previous is None:
        return None
    return diff_snapshots(previous, proposal_snapshot(proposal))


def changes_in_last_resubmission(entries: list[AuditEntry]) -> list[Change] | None:
    """What the latest submit changed compared with the one before: for the partner's review,
    from the proposal's audit ``entries`` (its timeline's, in any order). None if the proposal
    was submitted only once (or before snapshots were kept)."""
    newest = sorted(
        (entry for entry in entries if entry.action == Action.PROPOSAL_SUBMIT),
        key=lambda entry: (entry.created_at, entry.pk),
        reverse=True,
    )
    snapshots = [(entry.data or {}).get("snapshot") for entry in newest[:2]]
    if len(snapshots) < 2 or None in snapshots:
        return None
    return diff_snapshots(snapshots[1], snapshots[0])


def latest_change_request(proposal: Proposal) -> AuditEntry | None:
    """The partner's latest request for changes (its ``message`` says what to change)."""
    return (
        _entries(proposal, Action.PROPOSAL_REQUEST_CHANGES)
        .select_related("actor")
        .order_by("-created_at", "-id")
        .first()
    )


def annotate_submissions(entries: list[AuditEntry]) -> list[AuditEntry]:
    """Give every resubmit in a timeline (oldest first) ``changes``: what it changed compared with
    the submit before. Other entries, and a first submit, get None. No queries."""
    previous = None
    for entry in entries:
        entry.changes = None
        if entry.action != Action.PROPOSAL_SUBMIT:
            continue
        snapshot = (entry.data or {}).get("snapshot")
        if previous is not None and snapshot is not None:
            entry.changes = diff_snapshots(previous, snapshot)
        previous = snapshot
    return entries


def _entries(proposal: Proposal, action: Action):
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Proposal),
        object_id=proposal.pk,
        action=action,
    )


def _dump(value):
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _load(name: str, raw):
    if raw is None:
        return None
    field = Proposal._meta.get_field(name)
    if isinstance(field, models.DateTimeField):
        return dt.datetime.fromisoformat(raw)
    if isinstance(field, models.DecimalField):
        return Decimal(raw)
    return raw


def _money(value) -> str:
    return str(Decimal(value or 0).quantize(Decimal("0.01")))


def _show(name: str, raw) -> str:
    """A stored value as the applicant would read it."""
    value = _load(name, raw)
    if value is None or value == "":
        return "—"
    field = Proposal._meta.get_field(name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dt.datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    return str(value)


def _label(key: str, name: str) -> str:
    field = SECTIONS[key][1].base_fields[name]
    return str(field.label)


def _join(values) -> str:
    return ", ".join(values) or "—"


def _budget_changes(before: dict, after: dict) -> list[Change]:
    # Lines have no identity (a save replaces them all), so lines are compared as a multiset:
    # the removed ones are shown before, the added ones after; a mere reordering is no change.
    old = Counter(_line_key(line) for line in before.get("budget_lines", []))
    new = Counter(_line_key(line) for line in after.get("budget_lines", []))
    changes = []
    if old != new:
        changes.append(
            Change(
                "budget_lines",
                _("Budget lines"),
                "budget",
                _lines(before, old - new),
                _lines(after, new - old),
            )
        )
    old_amount, new_amount = before.get("requested_amount"), after.get("requested_amount")
    if old_amount != new_amount:
        changes.append(
            Change(
                "requested_amount",
                _("Requested amount"),
                "budget",
                _amount(old_amount, before),
                _amount(new_amount, after),
            )
        )
    return changes


def _line_key(line: dict) -> tuple:
    return (line.get("category", ""), line.get("description", ""), line.get("amount", ""))


def _lines(snapshot: dict, keep: Counter) -> str:
    """The snapshot's lines that are in ``keep``, in their order."""
    keep = Counter(keep)
    shown = []
    for line in snapshot.get("budget_lines", []):
        key = _line_key(line)
        if keep[key] > 0:
            keep[key] -= 1
            category = str(dict(CostCategory.choices).get(key[0], key[0]))
            text = f"{category}: {key[1]}" if key[1] else category
            shown.append(f"{text} — {_amount(key[2], snapshot)}")
    return "; ".join(shown) or "—"


def _amount(raw, snapshot: dict) -> str:
    if raw in (None, ""):
        return "—"
    return format_money(raw, snapshot.get("currency", ""))
