"""Phone numbers in one form (E.164, e.g. +15551234567) so the same number always matches."""

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def phone_normalize(raw: str, *, region: str | None = None) -> str:
    """The number in E.164, or ValidationError saying what is wrong with it.

    A number without +country code is read as one of `region` (PHONE_REGION by default).
    """
    text = raw.strip()
    try:
        number = phonenumbers.parse(text, region or settings.PHONE_REGION)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            _("“%(value)s” is not a phone number."), code="invalid", params={"value": text}
        ) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("“%(value)s” is not a valid phone number; add the country code, like +1."),
            code="invalid",
            params={"value": text},
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_display(e164: str) -> str:
    """A stored number as people read it: national format at home, international abroad."""
    number = phonenumbers.parse(e164, None)
    home = phonenumbers.region_code_for_number(number) == settings.PHONE_REGION
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if home
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)
