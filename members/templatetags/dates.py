"""The date and time filters every template and email uses: one format per language.

    {{ follow_up.due_on|day }}          Friday, December 4      viernes 4 de diciembre
    {{ meeting.starts_at|day_short }}   Fri, Dec 4              vie 4 dic
    {{ meeting.starts_at|when }}        Friday, December 4, 11:30 p.m.
    {{ event.at|when_short }}           Fri, Dec 4, 11:30 p.m.    vie 4 dic, 23:30
    {{ action.starts_at|clock }}        11:30 p.m.                23:30
    {{ payment.first_month|month }}     December 2026             diciembre de 2026
    {{ row.month|month_short }}         Dec 2026                  dic 2026

The formats live in organizing/formats/<language>/formats.py; a date outside the current year
carries its year. Datetimes show in the active time zone (the committee's, set by
members/clock.py, or a site's inside `{% timezone %}`). Machine formats (`|date:"c"` for a
`datetime=` attribute, `|date:"Ymd"` to compare days) stay raw: tests/test_date_formats.py
lists them.
"""

from datetime import date, datetime, time

from django import template
from django.utils import formats, timezone, translation

register = template.Library()

Day = date | datetime | None


def format_named(name: str) -> str:
    """A format of ours (DAY_FORMAT, WHEN_SHORT_FORMAT…) for the active language."""
    for module in formats.get_format_modules(translation.get_language()):
        if hasattr(module, name):
            return getattr(module, name)
    for module in formats.get_format_modules("en"):
        if hasattr(module, name):
            return getattr(module, name)
    raise LookupError(name)


def _shown(value: Day, name: str) -> str:
    if not isinstance(value, date):  # None, or "" from a missing variable
        return ""
    day = value.date() if isinstance(value, datetime) else value
    if day.year != timezone.localdate().year:
        name = name.replace("_FORMAT", "_YEAR_FORMAT")
    return formats.date_format(value, format_named(name))


@register.filter(expects_localtime=True)
def day(value: Day) -> str:
    """The day, in words: "Friday, December 4"."""
    return _shown(value, "DAY_FORMAT")


@register.filter(expects_localtime=True)
def day_short(value: Day) -> str:
    """The day, short, for lists and tables: "Fri, Dec 4"."""
    return _shown(value, "DAY_SHORT_FORMAT")


@register.filter(expects_localtime=True)
def when(value: Day) -> str:
    """The day and the time, in words: "Friday, December 4, 11:30 p.m."."""
    return _shown(value, "WHEN_FORMAT")


@register.filter(expects_localtime=True)
def when_short(value: Day) -> str:
    """The day and the time, short: "Fri, Dec 4, 11:30 p.m."."""
    return _shown(value, "WHEN_SHORT_FORMAT")


@register.filter(expects_localtime=True)
def month(value: Day) -> str:
    """The month and its year: "December 2026"."""
    return formats.date_format(value, format_named("MONTH_FORMAT")) if value else ""


@register.filter(expects_localtime=True)
def month_short(value: Day) -> str:
    """The month and its year, short, for tables: "Dec 2026"."""
    return formats.date_format(value, format_named("MONTH_SHORT_FORMAT")) if value else ""


@register.filter(expects_localtime=True)
def clock(value: datetime | time | None) -> str:
    """The time of day: "11:30 p.m." in English, "23:30" in Spanish."""
    if not isinstance(value, datetime | time):
        return ""
    return formats.time_format(value, "TIME_FORMAT")
