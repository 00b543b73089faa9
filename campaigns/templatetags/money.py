"""{{ minor|amount:currency }}: minor units as the reader writes amounts ("1,250.00 USD")."""

from django import template

from campaigns.power.money import amount_show

register = template.Library()


@register.filter
def amount(minor: int | None, currency: str) -> str:
    return "" if minor is None else amount_show(minor, currency)
