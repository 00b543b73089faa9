"""One assessment palette for the whole app: static/css/assessment.css defines the colours,
and the chart, the person page, the dashboards and the log form only refer to them — so a 4
is the same orange everywhere, and nobody can add a second palette that drifts."""

import re
from pathlib import Path

from django.conf import settings

CSS = Path(settings.BASE_DIR) / "static" / "css"
PALETTE = CSS / "assessment.css"
LEVEL_CLASS = re.compile(r"\.(?:a|assessment-|people-assess-|level-)([1-5])\b")
COLOUR_LITERAL = re.compile(r"#[0-9a-f]{3,8}\b|\b(?:rgba?|hsla?|oklch)\(", re.I)
PAINT = {"background", "background-color", "fill", "stroke", "border-color", "color"}


def rules(path: Path) -> list[tuple[str, str, str]]:
    """(selector, property, value) of each declaration; comments stripped, @media unwrapped."""
    text = re.sub(r"/\*.*?\*/", "", path.read_text(), flags=re.S)
    found = []
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", text):
        for declaration in body.split(";"):
            prop, _colon, value = declaration.partition(":")
            if value:
                found.append((selector.strip(), prop.strip().lower(), value.strip()))
    return found


def every_stylesheet() -> list[Path]:
    return sorted(CSS.glob("*.css"))


def test_each_assessment_colour_is_defined_once_in_the_palette_file():
    definitions = [
        (path.name, prop)
        for path in every_stylesheet()
        for _selector, prop, _value in rules(path)
        if re.fullmatch(r"--(?:a|assessment-)[0-9](?:-.*)?", prop)
    ]

    for level in range(1, 6):
        assert definitions.count(("assessment.css", f"--assessment-{level}")) == 1
    assert {name for name, _prop in definitions} == {"assessment.css"}


def test_no_stylesheet_paints_an_assessment_its_own_colour_or_another_levels():
    for path in every_stylesheet():
        if path == PALETTE:
            continue
        for selector, prop, value in rules(path):
            levels = set(LEVEL_CLASS.findall(selector))
            if not levels or prop not in PAINT:
                continue
            where = f"{path.name}: {selector} {{ {prop}: {value} }}"
            assert not COLOUR_LITERAL.search(value), where
            for used in re.findall(r"var\(--assessment-([1-5])", value):
                assert {used} == levels, f"{path.name}: {selector} paints {used}"


def test_every_page_loads_the_palette(client, lead):
    client.force_login(lead)

    page = client.get("/", follow=True).content.decode()

    assert "css/assessment.css" in page
