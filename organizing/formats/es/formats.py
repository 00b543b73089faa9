"""How dates, times and numbers read in Spanish: a 24-hour clock, the day before the month,
and numbers as Spanish speakers in the United States and Mexico write them (1,234.5: Django's
"es" writes 1.234,5, as in Spain).

The standard names are Django's; the *DAY* and *WHEN* ones are read by the `dates` template
filters (members/templatetags/dates.py). A date of the current year leaves the year out.
"""

DATE_FORMAT = r"j \d\e F \d\e Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = r"j \d\e F \d\e Y, H:i"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3

DAY_FORMAT = r"l j \d\e F"
DAY_YEAR_FORMAT = r"l j \d\e F \d\e Y"
DAY_SHORT_FORMAT = "D j b"
MONTH_FORMAT = r"F \d\e Y"  # a month of a year: dues paid for, a Power page month
MONTH_SHORT_FORMAT = "b Y"
DAY_SHORT_YEAR_FORMAT = "D j b Y"
CHART_DAY_FORMAT = "j b"  # a chart's axis
WHEN_FORMAT = r"l j \d\e F, H:i"
WHEN_YEAR_FORMAT = r"l j \d\e F \d\e Y, H:i"
WHEN_SHORT_FORMAT = "D j b, H:i"
WHEN_SHORT_YEAR_FORMAT = "D j b Y, H:i"
