"""No input to any form breaks a page, and a refused form shows what was typed again.

Every page of the permission matrix is opened as the persona who can do the most there (the
committee lead; a member for their own answers; an anonymous visitor for the emailed and
public links), and every form on it that goes to us (POST, and GET filters and searches) is
filled by Hypothesis: unicode, huge,
empty and wrong-typed values for each field the page shows (hidden ones too), files with any
bytes. The answer is never a server error (5xx); when the form is refused (400 or 422), each
value typed into a text box is on the page again, so nobody types it twice (not the boxes
that only search as you type, with hx-get: the people they find are what the form sends).
"""

import itertools
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils.html import escape
from hypothesis import given
from hypothesis import strategies as st

from tests.test_permission_matrix import MATRIX, url_for, world  # noqa: F401

ALLAUTH = ("account_", "mfa_", "usersessions_")
TYPED = {"text", "search", "email", "tel", "url", "textarea"}  # shown again as typed

NASTY = st.sampled_from(
    ["", " ", "0", "-1", "1e309", "NaN", "null", "<script>x</script>", "' OR 1=1 --", "٣",
     "2026-02-30", "9" * 40, "\x00", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🏳️‍🌈", "a" * 10_000]
)  # fmt: skip
UNICODE = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
ANY_TEXT = st.one_of(NASTY, UNICODE)


@dataclass
class Field:
    kind: str
    value: str = ""
    options: list[str] = field(default_factory=list)


@dataclass
class Form:
    page: str
    action: str
    method: str
    fields: dict[str, Field] = field(default_factory=dict)


class _Forms(HTMLParser):
    """The forms of a page with their fields (a radio group or a select is one field)."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.page, self.forms, self._form, self._select = page, [], None, None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            action = urljoin(self.page, a.get("action") or self.page)
            self._form = Form(self.page, action, a.get("method", "get").lower())
            self.forms.append(self._form)
        elif self._form is None or not a.get("name") and tag != "option":
            return
        elif tag in ("input", "button") and a.get("type", "submit" if tag == "button" else "text"):
            kind = a.get("type", "submit" if tag == "button" else "text")
            kind = "radio" if kind == "submit" else kind  # a named button sends its value
            if "hx-get" in a:  # a search-as-you-type box: what it finds is what is sent
                kind = "search-helper"
            known = self._form.fields.setdefault(a["name"], Field(kind, a.get("value", "")))
            known.options.append(a.get("value", "on"))
        elif tag == "textarea":
            self._form.fields[a["name"]] = Field("textarea")
        elif tag == "select":
            self._select = self._form.fields[a["name"]] = Field("select")
        elif tag == "option" and self._select is not None:
            self._select.options.append(a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def value_strategy(spec: Field) -> st.SearchStrategy:
    """Values a browser could send for the field, and values only a script would."""
    if spec.kind == "file":
        contents = st.one_of(st.binary(max_size=2000), UNICODE.map(str.encode))
        return contents.map(lambda data: SimpleUploadedFile("people.csv", data))
    likely = {
        "number": st.integers(-(10**12), 10**12).map(str),
        "date": st.dates().map(lambda d: d.isoformat()),
        "datetime-local": st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M")),
        "time": st.times().map(lambda t: t.strftime("%H:%M")),
        "hidden": st.just(spec.value),
    }.get(spec.kind)
    if spec.options and spec.kind in ("select", "radio", "checkbox"):
        likely = st.sampled_from(spec.options)
    if spec.kind in ("select", "checkbox"):  # several values for one name, as a script might
        return st.one_of(likely, ANY_TEXT, st.lists(st.one_of(likely, ANY_TEXT), max_size=3))
    return st.one_of(likely, ANY_TEXT) if likely is not None else ANY_TEXT


def forms_of(client: Client, persona: str, kwargs: dict) -> list[Form]:
    """The forms on the pages the persona can open, once per target and set of fields."""
    found: dict[tuple, Form] = {}
    for name, row in sorted(MATRIX.items()):
        if name.startswith(ALLAUTH) or row[persona][0] != 200:
            continue
        page = url_for(name, kwargs)
        response = client.get(page)
        if "html" not in response.get("Content-Type", ""):
            continue
        parser = _Forms(page)
        parser.feed(response.content.decode())
        for form in parser.forms:
            target = _url_name(form.action)
            editable = {n for n, f in form.fields.items() if f.kind != "hidden"}
            if target and not target.startswith(ALLAUTH) and editable:
                found.setdefault((target, frozenset(form.fields)), form)
    return list(found.values())


def _url_name(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.netloc not in ("", "testserver"):
        return None
    try:
        return resolve(parts.path).url_name
    except Resolver404:
        return None


def shown_again(value: str, html: str) -> bool:
    return escape(value) in html or value in unescape(html)


ADDRESSES = (f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}" for n in itertools.count(1))


def fuzz(client: Client, form: Form) -> None:
    fields = {name: value_strategy(spec) for name, spec in form.fields.items()}

    @given(st.fixed_dictionaries(fields))
    def post_anything(values: dict) -> None:
        # Each example from its own address: the public form counts answers per address.
        send = client.post if form.method == "post" else client.get
        response = send(form.action, values, REMOTE_ADDR=next(ADDRESSES))

        assert response.status_code < 500, f"{form.action} (from {form.page}) broke"
        if response.status_code not in (400, 422):
            return
        html = response.content.decode()
        for name, value in values.items():
            if form.fields[name].kind in TYPED and value and isinstance(value, str):
                assert shown_again(value, html), (
                    f"{form.action} (from {form.page}) refused the form and lost {name}"
                )

    post_anything()


@pytest.fixture
def unlimited(settings):
    """Our rate limits would answer 429 before the form is read; tests/test_rate_limits.py
    tests them."""
    settings.RATE_LIMITS = {}


@pytest.mark.parametrize("persona", ["lead", "member", "anonymous"])
def test_no_input_to_any_form_gives_a_server_error(world, unlimited, persona):  # noqa: F811
    client = Client(raise_request_exception=False)
    if persona != "anonymous":
        client.force_login(world["users"][persona])
    forms = forms_of(client, persona, world["kwargs"])
    assert forms, "the persona should have forms to fill"

    for form in forms:
        fuzz(client, form)


def test_a_search_for_a_nul_character_finds_nothing_and_breaks_nothing(client, lead):
    """Found by the test above: a NUL in ?q= was a server error on every search box."""
    client.force_login(lead)

    response = client.get("/log/", {"q": "Ana\x00"})

    assert response.status_code == 200
