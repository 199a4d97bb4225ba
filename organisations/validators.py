from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException


def validate_iban(value: str) -> None:
    """An IBAN whose country format and check digits are right (spaces allowed)."""
    if not value:
        return
    try:
        IBAN(value)
    except SchwiftyException as exc:
        raise ValidationError(
            _("This IBAN is not valid (%(problem)s). Copy it from a bank statement."),
            code="invalid_iban",
            params={"problem": str(exc).rstrip(".").lower()},
        ) from exc
