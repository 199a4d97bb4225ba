"""Domain errors that services raise and views turn into a clear message for the person."""

from django.utils.translation import gettext


class DomainError(Exception):
    """A rule of the programme refused the action; the message says which and what to do."""


class InvalidTransition(DomainError):
    """The proposal's state does not allow the action (someone else acted on it meanwhile)."""

    def __init__(self, action: str, state: str, label: str = ""):
        """``action`` and ``state`` are code values; ``label`` names the state for people (a
        lazy translation, so it is worded in the language of the page that shows it)."""
        self.action, self.state, self.label = action, state, label
        super().__init__(action, state)

    def __str__(self) -> str:
        return gettext("This is no longer possible: the proposal is now “%(state)s”.") % {
            "state": str(self.label or self.state)
        }


class BudgetExceeded(DomainError):
    pass


class AmountNotAllowed(DomainError):
    pass
