"""Domain errors that services raise and views turn into a clear message for the person."""


class DomainError(Exception):
    """A rule of the programme refused the action; the message says which and what to do."""


class InvalidTransition(DomainError):
    def __init__(self, action: str, state: str):
        self.action, self.state = action, state
        super().__init__(f"Cannot {action.replace('_', ' ')} a proposal that is {state}.")


class BudgetExceeded(DomainError):
    pass


class AmountNotAllowed(DomainError):
    pass
