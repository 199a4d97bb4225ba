"""Amounts and addresses for the reader's language, in every template (a builtin library:
meetandcode/settings.py), e-mails and award letters included.

``{{ grant.amount|money:grant.currency }}`` gives "EUR 500.00" in English and "500,00 EUR" in
German: the separators are Django's for the language, the currency code goes where that
language usually writes it. ``{{ url|in_language }}`` is a stored address (a notification's) in
the language of the page.
"""

from decimal import Decimal, InvalidOperation

from django import template
from django.conf import settings
from django.utils import formats, translation

from .languages import url_in_language

register = template.Library()

# Languages that write the currency before the number ("EUR 500.00"); the others after it,
# with a space ("500,00 EUR"), as usual in de, fr, nl, it, pl, ro, es and uk.
CURRENCY_FIRST = frozenset({"en"})


def format_money(amount, currency: str = "EUR", language: str | None = None) -> str:
    """An amount with two decimals and its currency code, written the way ``language`` (by
    default the active one) writes amounts. Empty for no amount."""
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        return str(amount)
    active = translation.get_language() or settings.LANGUAGE_CODE
    language = language or active
    if language == active:  # the usual case: switching the language back and forth costs
        number = formats.number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)
    else:
        with translation.override(language):
            number = formats.number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)
    if language.split("-")[0] in CURRENCY_FIRST:
        return f"{currency} {number}".strip()
    return f"{number} {currency}".strip()


@register.filter
def money(amount, currency: str = "EUR") -> str:
    return format_money(amount, currency or "")


@register.filter
def in_language(url: str) -> str:
    return url_in_language(url, translation.get_language() or settings.LANGUAGE_CODE)
