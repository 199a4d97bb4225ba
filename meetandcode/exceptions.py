"""Domain errors that services raise and views turn into a clear message for the person."""

from django.utils.translation import gettext


class DomainError(Exception):
    """A rule of the programme refused the action; the message says which and what to do."""


class InvalidTransition(DomainError):
    """The proposal's state does not allow the action (someone else acted on it meanwhile)."""

    def __init__(self, action: str, state: str):
        self.action, self.state = action, state
        super().__init__(action, state)

    def __str__(self) -> str:
        # Worded when shown, in the language of the page; action and state are code values.
        return gettext("This is no longer possible: the proposal is now “%(state)s”.") % {
            "state": _state_label(self.state)
        }


def _state_label(state: str) -> str:
    from events.models import Proposal  # events imports this module: import late

    try:
        return str(Proposal.Status(state).label)
    except ValueError:
        return state


class BudgetExceeded(DomainError):
    pass


class AmountNotAllowed(DomainError):
    pass
