"""Amounts of money: whole minor units (cents) of the committee's currency, read from what a
treasurer types and shown in the reader's number format. Never a float."""

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.formats import get_format, number_format
from django.utils.translation import gettext as _

# ISO 4217 currencies whose minor unit is not the cent (all others have two decimals).
ZERO = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF"
THREE = "BHD IQD JOD KWD LYD OMR TND"
DECIMALS = {**dict.fromkeys(ZERO.split(), 0), **dict.fromkeys(THREE.split(), 3)}


def decimals(currency: str) -> int:
    return DECIMALS.get(currency.upper(), 2)


def amount_parse(text: str, currency: str) -> int:
    """What was typed ("10", "10.50", "1,250.00") as minor units; ValidationError saying
    why for anything else ("10,50" in English is not read as 1,050), zero or less, or more
    decimals than the currency has."""
    places = decimals(currency)
    cleaned = _plain("".join(str(text).split()))
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValidationError(_("Enter an amount, like 10 or 10.50."), code="invalid") from None
    if not value.is_finite() or value <= 0:
        raise ValidationError(_("Enter an amount greater than zero."), code="not_positive")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise ValidationError(
            _("%(currency)s amounts have at most %(places)s decimals.")
            % {"currency": currency, "places": places},
            code="decimals",
        )
    minor = int(value.scaleb(places))
    if minor > 2_000_000_000:
        raise ValidationError(_("That amount is too large."), code="too_large")
    return minor


def _plain(text: str) -> str:
    """The reader's number format as Python's: thousands separators dropped where they group
    thousands, the decimal separator made a point."""
    point, thousands = get_format("DECIMAL_SEPARATOR"), get_format("THOUSAND_SEPARATOR")
    grouped = rf"\d{{1,3}}({re.escape(thousands)}\d{{3}})+({re.escape(point)}\d*)?"
    if re.fullmatch(grouped, text):
        text = text.replace(thousands, "")
    return text.replace(point, ".") if point != "." else text


def amount_show(minor: int, currency: str) -> str:
    """Minor units as the reader writes amounts: "1,250.00 USD", "1.250,00 USD"."""
    places = decimals(currency)
    value = Decimal(minor).scaleb(-places)
    shown = number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)
    return f"{shown} {currency}"
