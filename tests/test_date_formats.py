"""One date and time format per language: every template and email shows dates through the
filters of members/templatetags/dates.py, which read organizing/formats/<language>/."""

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import time_machine
from django.template import Context, Template
from django.utils import timezone, translation

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

# Formats for machines, not people: a `datetime=` attribute, a day to compare, a zone's name.
MACHINE_FORMATS = {"c", "U", "Y-m-d", "Ymd", "T"}
RAW_FORMAT = re.compile(r"""\|(date|time):(["'])(.*?)\2""")
BARE_FILTER = re.compile(r"""\|(date|time)(?![:\w])""")

# Thursday December 3, 2026, 23:30 in Chicago (Friday 05:30 UTC).
MOMENT = datetime(2026, 12, 4, 5, 30, tzinfo=UTC)


def render(source: str, language: str, **context) -> str:
    with translation.override(language), timezone.override("America/Chicago"):
        return Template(source).render(Context(context))


def test_no_template_formats_a_date_for_people_by_hand():
    found = []
    for path in sorted(TEMPLATES.rglob("*")):
        if path.suffix not in {".html", ".txt"}:
            continue
        source = path.read_text()
        found += [
            f"{path.relative_to(TEMPLATES)}: |{m[1]}:{m[3]!r}"
            for m in RAW_FORMAT.finditer(source)
            if m[3] not in MACHINE_FORMATS
        ]
        found += [f"{path.relative_to(TEMPLATES)}: |{m[1]}" for m in BARE_FILTER.finditer(source)]

    assert found == [], "use |day, |day_short, |when, |when_short or |clock instead"


@time_machine.travel(MOMENT, tick=False)
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Thursday, December 3 | Thu, Dec 3 | Thu, Dec 3, 11:30 p.m. | 11:30 p.m."),
        ("es", "jueves 3 de diciembre | jue 3 dic | jue 3 dic, 23:30 | 23:30"),
    ],
)
def test_it_reads_the_clock_of_the_language_in_the_committees_zone(language, expected):
    source = "{{ t|day }} | {{ t|day_short }} | {{ t|when_short }} | {{ t|clock }}"

    assert render(source, language, t=MOMENT) == expected


@time_machine.travel(MOMENT, tick=False)
def test_a_day_of_another_year_says_its_year():
    source = "{{ d|day }} · {{ d|day_short }} · {{ t|when }}"
    then = datetime(2025, 7, 1, 22, 0, tzinfo=UTC)

    assert render(source, "en", d=date(2027, 1, 5), t=then) == (
        "Tuesday, January 5, 2027 · Tue, Jan 5, 2027 · Tuesday, July 1, 2025, 5 p.m."
    )
    assert render("{{ d|day }}", "es", d=date(2027, 1, 5)) == "martes 5 de enero de 2027"


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "December 2026 · Dec 2026"), ("es", "diciembre de 2026 · dic 2026")],
)
def test_a_month_says_its_year_in_the_readers_words(language, expected):
    assert render("{{ m|month }} · {{ m|month_short }}", language, m=date(2026, 12, 1)) == expected


def test_nothing_shows_nothing():
    assert render("[{{ missing|day }}{{ missing|when_short }}{{ missing|clock }}]", "en") == "[]"
    assert render("[{{ missing|month }}{{ missing|month_short }}]", "en") == "[]"
