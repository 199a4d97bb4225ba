"""The programme's rules a proposal must meet before it can be submitted.

Drafts may break them; ``check_eligibility`` runs on the summary page and again, server-side, on
submit, whatever the browser sent. The limits among them (``LIMITS``) also run on every section
save (``limit_problems``), as warnings next to the fields: the draft is saved all the same.
"""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from meetandcode.kernel.formatting import format_money
from organisations.services import is_validated
from programmes.models import CountryProgramme

from . import questions
from .models import Delivery, Proposal

NON_FIELD = "__all__"


def check_eligibility(proposal: Proposal, *, now=None, budget_lines=None) -> dict[str, list[str]]:
    """Field name -> messages saying what is wrong and what to do; empty when eligible."""
    now = now or timezone.now()
    programme = proposal.country_programme
    edition = programme.edition
    if budget_lines is None:
        budget_lines = list(proposal.budget_lines.all())
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    _required(proposal, budget_lines, add)
    if proposal.requested_amount <= 0:
        add("budget", _("Add at least one budget line with an amount above zero."))
    for rule in LIMITS:
        rule(proposal, programme, add)
    if deadline_passed(programme, now):
        add(
            NON_FIELD,
            _("The deadline for this edition was %(deadline)s; proposals can no longer be sent.")
            % {"deadline": date_format(timezone.localtime(programme.deadline), "DATETIME_FORMAT")},
        )
    if not proposal.free_for_participants:
        add("free_for_participants", _("Events must be free for participants; confirm it here."))
    if not proposal.accepts_conditions:
        add("accepts_conditions", _("Read and accept the conditions to submit."))
    for name, messages in questions.missing(proposal).items():
        for message in messages:
            add(name, message)
    if not is_validated(proposal.organisation, edition):
        add(
            NON_FIELD,
            _(
                "Your organisation is not yet validated for this edition. Redeem the token from "
                "your national partner or ask for a check, then submit."
            ),
        )
    return errors


def limit_problems(proposal: Proposal) -> dict[str, list[str]]:
    """The country's and edition's limits that the values filled in so far break (event window,
    ages, participants, duration, maximum grant): what a draft is warned about as each section
    saves. Empty fields are not reported here; ``check_eligibility`` asks for them on submit."""
    problems: dict[str, list[str]] = {}

    def add(field, message):
        problems.setdefault(field, []).append(message)

    for rule in LIMITS:
        rule(proposal, proposal.country_programme, add)
    return problems


def deadline_passed(programme: CountryProgramme, now) -> bool:
    """Whether the country's call has closed (its own deadline, or else the edition's)."""
    return now > programme.deadline


def _required(proposal, budget_lines, add):
    missing = _("Fill this in before you submit.")
    for field in ("title", "description", "format", "starts_at", "ends_at", "duration_minutes"):
        if getattr(proposal, field) in (None, ""):
            add(field, missing)
    for field in ("age_min", "age_max", "expected_participants"):
        if getattr(proposal, field) is None:
            add(field, missing)
    if proposal.delivery != Delivery.ONLINE:
        for field in ("venue_name", "city"):
            if not getattr(proposal, field):
                add(field, _("Give the venue and town, or choose 'Online' if there is none."))
    if not budget_lines:
        add("budget", _("Add at least one budget line."))


def _dates(proposal, programme, add):
    edition = programme.edition
    window = {
        "start": date_format(edition.event_start, "DATE_FORMAT"),
        "end": date_format(edition.event_end, "DATE_FORMAT"),
    }
    for field in ("starts_at", "ends_at"):
        value = getattr(proposal, field)
        day = value and timezone.localdate(value)
        if day and day < edition.event_start:
            add(
                field,
                _(
                    "This date is before the event window (from %(start)s); events must take "
                    "place between %(start)s and %(end)s."
                )
                % window,
            )
        elif day and day > edition.event_end:
            add(
                field,
                _(
                    "This date is after the event window (until %(end)s); events must take "
                    "place between %(start)s and %(end)s."
                )
                % window,
            )
    if proposal.starts_at and proposal.ends_at and proposal.ends_at < proposal.starts_at:
        add("ends_at", _("The end is before the start; correct one of them."))


def _max_grant(proposal, programme, add):
    if proposal.requested_amount > programme.max_grant:
        money = {
            "amount": format_money(proposal.requested_amount, programme.currency),
            "max": format_money(programme.max_grant, programme.currency),
        }
        add(
            "budget",
            _("You ask for %(amount)s; the maximum is %(max)s. Lower the budget lines.") % money,
        )


def _at_least(add, field: str, value, least: int, message: str) -> None:
    """A country's minimum: ``message`` (with ``%(min)s``) on ``field`` when a given value is
    below it; an empty field is no problem here (``_required`` says so on submit)."""
    if value is not None and value < least:
        add(field, message % {"min": least})


def _participants(proposal, programme, add):
    message = _("At least %(min)s participants are needed; plan for more people.")
    least = programme.min_participants
    _at_least(add, "expected_participants", proposal.expected_participants, least, message)


def _duration(proposal, programme, add):
    message = _("The event must last at least %(min)s minutes; make it longer.")
    least = programme.min_duration_minutes
    _at_least(add, "duration_minutes", proposal.duration_minutes, least, message)


def _ages(proposal, programme, add):
    edition = programme.edition
    bounds = {"min": edition.min_age, "max": edition.max_age}
    message = _("Participants must be %(min)s to %(max)s years old; adjust the age range.")
    if proposal.age_min is not None and proposal.age_min < edition.min_age:
        add("age_min", message % bounds)
    if proposal.age_max is not None and proposal.age_max > edition.max_age:
        add("age_max", message % bounds)
    both = proposal.age_min is not None and proposal.age_max is not None
    if both and proposal.age_min > proposal.age_max:
        add("age_max", _("The oldest age is below the youngest; swap them."))


# The limits set by the edition and the country, in the order the summary lists them. Each is
# checked on submit (check_eligibility) and, as a warning, on every section save (limit_problems).
LIMITS = (_dates, _max_grant, _participants, _duration, _ages)

# The fields (or "budget") a limit can be reported on, each shown with a warning next to it.
LIMIT_FIELDS = (
    "starts_at",
    "ends_at",
    "duration_minutes",
    "age_min",
    "age_max",
    "expected_participants",
    "budget",
)
