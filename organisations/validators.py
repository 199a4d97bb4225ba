from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from schwifty import IBAN
from schwifty import exceptions as iban_errors

# What schwifty found wrong, in the person's language (its own messages are English only).
PROBLEMS = {
    iban_errors.InvalidChecksumDigits: gettext_lazy("invalid checksum digits"),
    iban_errors.InvalidLength: gettext_lazy("invalid IBAN length"),
    iban_errors.InvalidCountryCode: gettext_lazy("unknown country code"),
    iban_errors.InvalidStructure: gettext_lazy("invalid characters or structure"),
    iban_errors.InvalidBBANChecksum: gettext_lazy("invalid national checksum"),
    iban_errors.InvalidBankCode: gettext_lazy("invalid bank code"),
    iban_errors.InvalidBranchCode: gettext_lazy("invalid branch code"),
    iban_errors.InvalidAccountCode: gettext_lazy("invalid account number"),
}


def _problem(exc: Exception) -> str:
    for kind in type(exc).__mro__:
        if kind in PROBLEMS:
            return str(PROBLEMS[kind])
    return _("not an IBAN")


def validate_iban(value: str) -> None:
    """An IBAN whose country format and check digits are right (spaces allowed)."""
    if not value:
        return
    try:
        IBAN(value)
    except iban_errors.SchwiftyException as exc:
        raise ValidationError(
            _("This IBAN is not valid (%(problem)s). Copy it from a bank statement."),
            code="invalid_iban",
            params={"problem": _problem(exc)},
        ) from exc
