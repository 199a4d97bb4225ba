"""Where the call stands for a proposal's country, told at the top of the proposal form.

An applicant should know before typing whether the call is open and how long it stays open, not
learn at "Check and submit" that the deadline has passed.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from programmes.models import CountryProgramme, Edition

from .eligibility import deadline_passed

# The deadline's day and the two before it are told more urgently.
LAST_DAYS = 3


@dataclass(frozen=True)
class CallStatus:
    """What the template needs: ``phase`` is "upcoming", "open" or "closed"."""

    phase: str
    country: str
    opens_on: dt.date
    deadline: dt.datetime
    days_left: int | None = None
    next_opens_on: dt.date | None = None

    @property
    def urgent(self) -> bool:
        return self.days_left is not None and self.days_left < LAST_DAYS


def call_status(programme: CountryProgramme, *, now=None) -> CallStatus:
    """The call of the programme's edition in its country: not open yet, open with the days left
    to the country's deadline, or closed (with the day the next call opens, if announced)."""
    now = now or timezone.now()
    edition = programme.edition
    known = {
        "country": programme.country.name,
        "opens_on": edition.applications_open,
        "deadline": programme.deadline,
    }
    if edition.phase(now) == "upcoming":
        return CallStatus("upcoming", **known)
    if deadline_passed(programme, now):
        following = Edition.objects.next_call(now)
        opens = following.applications_open if following else None
        return CallStatus("closed", next_opens_on=opens, **known)
    days_left = (timezone.localdate(programme.deadline) - timezone.localdate(now)).days
    return CallStatus("open", days_left=days_left, **known)
