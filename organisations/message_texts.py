"""Notification texts programme staff edit per language, and partners per country (issue 18).

The template files (templates/emails/<kind>.txt and .html) stay the defaults. An edited text
is a subject and a plain-text body in Django's template language, limited to the kind's
variables (``VARIABLES``) and ``{% if %}``: anything else is refused on save, with the reason.
The e-mail's greeting, link and footer stay those of the layout; the HTML version is the body,
escaped, in paragraphs.

Which text a message uses (``current``): the latest version for its country, else the latest
for every country, else the default. A version with an empty body gives the text back: a
country's to the all-country text, the all-country one to the template files.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template import Context, Engine, TemplateSyntaxError
from django.template.base import FilterExpression, Node, TextNode, Variable, VariableNode
from django.template.defaulttags import IfNode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meetandcode.kernel.exceptions import DomainError
from programmes.models import CountryProgramme

from . import audit
from .audit import Action
from .models import MessageText
from .permissions import require, scope_of

# Every kind's variables, with what each holds (shown in the editor).
DESCRIPTIONS = {
    "proposal": gettext_lazy("The proposal's title."),
    "organisation": gettext_lazy("The organisation's name."),
    "edition": gettext_lazy("The edition, as “Meet and Code” and its year."),
    "reason": gettext_lazy("The reason the partner gave (may be empty)."),
    "message": gettext_lazy("What the partner asks to change (may be empty)."),
    "reference": gettext_lazy("The grant's reference."),
    "money": gettext_lazy("The amount, written as the reader's language writes it."),
    "deadline": gettext_lazy("The application deadline, with its time."),
    "due": gettext_lazy("When the report was due."),
    "programme": gettext_lazy("The programme's name."),
    "link": gettext_lazy("The address of the page the message is about."),
}
COMMON = ("programme", "link")
PROPOSAL = ("proposal", "organisation", "edition")

# The kinds staff may edit, in the order the editor lists them, with their variables. The
# invitation, the review digest and the validation codes hold lists and stay template files.
VARIABLES: dict[str, tuple[str, ...]] = {
    "organisation_validated": ("organisation", "edition"),
    "organisation_refused": ("organisation", "edition", "reason"),
    "draft_deadline": (*PROPOSAL, "deadline"),
    "proposal_submitted": PROPOSAL,
    "proposal_changes_requested": (*PROPOSAL, "message"),
    "proposal_approved": (*PROPOSAL, "reference", "money"),
    "proposal_rejected": (*PROPOSAL, "reason"),
    "proposal_withdrawn": (*PROPOSAL, "reason"),
    "grant_cancelled": (*PROPOSAL, "reason", "reference", "money"),
    "payment_made": (*PROPOSAL, "reference", "money"),
    "report_due": (*PROPOSAL, "due"),
    "report_overdue": (*PROPOSAL, "due"),
    "report_submitted": PROPOSAL,
    "report_accepted": PROPOSAL,
    "report_changes_requested": (*PROPOSAL, "message"),
}
EDITABLE = tuple(VARIABLES)

LABELS = {
    "organisation_validated": gettext_lazy("Organisation validated"),
    "organisation_refused": gettext_lazy("Organisation not validated"),
    "draft_deadline": gettext_lazy("Applications close soon"),
    "proposal_submitted": gettext_lazy("Proposal submitted"),
    "proposal_changes_requested": gettext_lazy("Changes requested"),
    "proposal_approved": gettext_lazy("Grant approved"),
    "proposal_rejected": gettext_lazy("Proposal not funded"),
    "proposal_withdrawn": gettext_lazy("Proposal withdrawn"),
    "grant_cancelled": gettext_lazy("Grant cancelled"),
    "payment_made": gettext_lazy("Payment made"),
    "report_due": gettext_lazy("Report due"),
    "report_overdue": gettext_lazy("Report overdue"),
    "report_submitted": gettext_lazy("Report submitted"),
    "report_accepted": gettext_lazy("Report accepted"),
    "report_changes_requested": gettext_lazy("Changes requested to a report"),
}

# Plain text out, nothing loaded: no template files, no tag libraries beyond the built-in ones,
# and those refused by ``problems`` but variables and {% if %}.
_ENGINE = Engine(autoescape=False, libraries={}, loaders=[])


def variables_of(kind: str) -> list[tuple[str, str]]:
    """The names a text of ``kind`` may use, with what each holds."""
    return [(name, DESCRIPTIONS[name]) for name in (*VARIABLES[kind], *COMMON)]


# --- Checking ------------------------------------------------------------------------------


def problems(kind: str, text: str) -> list[str]:
    """Why ``text`` cannot be a text of ``kind``: a broken template, a tag other than
    ``{% if %}``, or a variable the kind does not have. Empty when it can."""
    try:
        template = _ENGINE.from_string(text)
    except TemplateSyntaxError as error:
        return [_("This is not a valid template: %(reason)s") % {"reason": error}]
    allowed = {*VARIABLES[kind], *COMMON}
    found: list[str] = []
    for node in _nodes(template.nodelist):
        found += _node_problems(node, allowed)
    return list(dict.fromkeys(found))


def _nodes(nodelist):
    for node in nodelist:
        yield node
        if isinstance(node, IfNode):
            for _condition, branch in node.conditions_nodelists:
                yield from _nodes(branch)


def _node_problems(node: Node, allowed: set[str]) -> list[str]:
    if isinstance(node, TextNode):
        return []
    if isinstance(node, VariableNode):
        return _unknown(_names_in(node.filter_expression), allowed)
    if isinstance(node, IfNode):
        names = []
        for condition, _branch in node.conditions_nodelists:
            names += _condition_names(condition)
        return _unknown(names, allowed)
    tag = node.token.contents.split()[0] if getattr(node, "token", None) else type(node).__name__
    return [_("The tag “%(tag)s” cannot be used here: only variables and “if”.") % {"tag": tag}]


def _names_in(expression: FilterExpression) -> list[str]:
    names = []
    if isinstance(expression.var, Variable) and expression.var.lookups:
        names.append(expression.var.lookups[0])
    for _filter, arguments in expression.filters:
        for lookup, argument in arguments:
            if lookup and argument.lookups:
                names.append(argument.lookups[0])
    return names


def _condition_names(condition) -> list[str]:
    if condition is None:  # {% else %}
        return []
    if isinstance(getattr(condition, "value", None), FilterExpression):
        return _names_in(condition.value)
    return _condition_names(getattr(condition, "first", None)) + _condition_names(
        getattr(condition, "second", None)
    )


def _unknown(names: list[str], allowed: set[str]) -> list[str]:
    return [
        _("There is no variable “%(name)s” in this message.") % {"name": name}
        for name in names
        if name not in allowed
    ]


# --- Rendering -----------------------------------------------------------------------------


def render_text(text: str, context: dict) -> str:
    """An edited subject or body filled in (plain text: nothing escaped)."""
    return str(_ENGINE.from_string(text).render(Context(context, autoescape=False)))


def current(kind: str, language: str, country: str = "") -> MessageText | None:
    """The edited text a message of ``kind`` in ``language`` to ``country`` uses; None: the
    default template files."""
    if kind not in VARIABLES:
        return None
    latest = {}
    rows = MessageText.objects.filter(
        kind=kind, language=language, country__in={"", country or ""}
    ).order_by("country", "-number")
    for row in rows:
        latest.setdefault(row.country, row)
    for where in (country, ""):
        row = latest.get(where or "")
        if row is not None and row.body:
            return row
    return None


def versions(kind: str, language: str, country: str = ""):
    return MessageText.objects.filter(kind=kind, language=language, country=country).select_related(
        "saved_by"
    )


# --- Saving (the one service) --------------------------------------------------------------


class TextRefused(DomainError):
    """The text does not read as a template of its kind; ``errors`` by field."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(_("The text was not saved."))
        self.errors = errors


def save_text(
    *, actor, kind: str, language: str, country: str = "", subject: str, body: str
) -> MessageText:
    """Save the next version of a text. An empty subject and body restore the default (for a
    country: the all-country text). Refused (``TextRefused``) when a template is broken."""
    require(actor, "message_text.edit", country)
    if kind not in VARIABLES:
        raise DomainError(_("This message cannot be edited."))
    subject, body = " ".join(subject.split()), body.strip()
    errors = refusals(kind, subject, body)
    if errors:
        raise TextRefused(errors)
    try:
        with transaction.atomic():
            return _add_version(actor, kind, language, country, subject, body)
    except IntegrityError as error:  # someone saved the same text at the same moment
        raise DomainError(_("Someone saved this text at the same moment: try again.")) from error


def refusals(kind: str, subject: str, body: str) -> dict[str, list[str]]:
    """Why a subject and body cannot be saved (or previewed), by field; empty when they can.
    Both empty is fine: it restores the default."""
    errors = {
        field: found
        for field, found in (("subject", problems(kind, subject)), ("body", problems(kind, body)))
        if found
    }
    if bool(subject.strip()) != bool(body.strip()):
        missing = "subject" if not subject.strip() else "body"
        errors.setdefault(missing, []).append(_("Write both the subject and the text."))
    return errors


def editable_countries(user) -> list[str]:
    """The countries whose texts the person edits, as ``message_text.edit`` decides: for
    programme staff "" (every country) and each country with a programme; for a partner's
    managers allowed to, their partner's countries."""
    scope = scope_of(user)
    if scope.everywhere:
        codes = CountryProgramme.objects.order_by("country").values_list("country", flat=True)
        return ["", *dict.fromkeys(str(code) for code in codes)]
    return sorted(scope.message_countries)


def _add_version(actor, kind, language, country, subject, body) -> MessageText:
    rows = MessageText.objects.filter(kind=kind, language=language, country=country)
    last = rows.aggregate(last=Max("number"))["last"] or 0
    row = MessageText.objects.create(
        kind=kind,
        language=language,
        country=country,
        number=last + 1,
        subject=subject,
        body=body,
        saved_by=actor,
    )
    audit.record(
        row,
        actor=actor,
        action=Action.MESSAGE_TEXT_SAVE,
        from_state=f"v{last}" if last else "",
        to_state=f"v{row.number}",
        message="" if body else "default",
        data={"kind": kind, "language": language, "country": country},
    )
    return row
