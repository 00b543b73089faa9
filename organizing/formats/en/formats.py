"""How dates and times read in English (US): a 12-hour clock, the month before the day.

The standard names are Django's; the *DAY* and *WHEN* ones are read by the `dates` template
filters (members/templatetags/dates.py), the only way a page or email shows a date. A date of
the current year leaves the year out (the *_YEAR variants carry it).
"""

DATE_FORMAT = "M j, Y"
TIME_FORMAT = "P"
DATETIME_FORMAT = "M j, Y, P"
SHORT_DATE_FORMAT = "m/d/Y"
SHORT_DATETIME_FORMAT = "m/d/Y P"

DAY_FORMAT = "l, F j"
DAY_YEAR_FORMAT = "l, F j, Y"
DAY_SHORT_FORMAT = "D, M j"
MONTH_FORMAT = r"F Y"  # a month of a year: dues paid for, a Power page month
MONTH_SHORT_FORMAT = "M Y"
DAY_SHORT_YEAR_FORMAT = "D, M j, Y"
CHART_DAY_FORMAT = "M j"  # a chart's axis
WHEN_FORMAT = "l, F j, P"
WHEN_YEAR_FORMAT = "l, F j, Y, P"
WHEN_SHORT_FORMAT = "D, M j, P"
WHEN_SHORT_YEAR_FORMAT = "D, M j, Y, P"
