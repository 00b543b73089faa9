"""Spanish throughout, kept complete.

- `makemessages` (run in a copy of the code) finds no string the catalogue lacks;
- the catalogue has no untranslated or fuzzy entry, and every translation keeps its
  placeholders and HTML tags;
- every page of the permission matrix, opened as a Spanish speaker of each persona, shows no
  sentence of the English catalogue that has a Spanish translation: a string shown there was
  not passed through translation;
- the language each reader gets: Account, the switcher, Accept-Language, a link's person,
  and the fallbacks for a language we do not have.
"""

import html
import os
import re
import shutil
import subprocess
import sys
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from campaigns.models import (
    Action,
    Campaign,
    DriveText,
    FollowUp,
    OutboxMessage,
    SignupDrive,
    Site,
    Unit,
)
from members.language import language_of, supported
from members.models import Committee, Person, Tag, User
from tests.matrix import PERSONAS
from tests.test_permission_matrix import MATRIX, csrf_client, url_for, world  # noqa: F401

BASE_DIR = Path(settings.BASE_DIR)
# Every language but the one the code is written in; Spanish is the one with fixed examples.
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != "en"]
PLACEHOLDER = re.compile(r"%\([^)]+\)[sd]|%[sd]|\{[a-z_0-9]*\}")
TAG = re.compile(r"<[^>]+>")


def catalogue(language: str) -> Path:
    return BASE_DIR / "locale" / language / "LC_MESSAGES" / "django.po"


def entries(language: str = "es") -> list[polib.POEntry]:
    return [e for e in polib.pofile(str(catalogue(language))) if not e.obsolete]


def names(found: list[polib.POEntry]) -> list[str]:
    return [e.msgid[:80] for e in found[:10]]


# --- the catalogue is complete -------------------------------------------------------------


@pytest.mark.parametrize("language", TRANSLATED)
def test_makemessages_finds_no_string_the_catalogue_lacks(tmp_path, language):
    if not shutil.which("xgettext"):
        if os.environ.get("CI"):
            pytest.fail("GNU gettext (xgettext) is missing: .ci/run installs it")
        pytest.skip("GNU gettext (xgettext) is not installed here: apt install gettext")
    copy = tmp_path / "code"
    shutil.copytree(
        BASE_DIR,
        copy,
        ignore=shutil.ignore_patterns(".*", "__pycache__", "node_modules", "*.mo", "test-results"),
    )
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", language, "--verbosity", "0"],
        cwd=copy,
        check=True,
        env={**os.environ, "PYTHONPATH": str(copy)},
    )
    extracted = polib.pofile(str(copy / catalogue(language).relative_to(BASE_DIR)))
    ours = {(e.msgctxt, e.msgid, e.msgid_plural) for e in entries(language)}
    new = [e for e in extracted if (e.msgctxt, e.msgid, e.msgid_plural) not in ours]

    assert names(new) == [], f"run `manage.py makemessages -l {language}` and translate them"


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_entry_is_translated_and_none_is_fuzzy(language):
    missing = [e for e in entries(language) if not e.translated()]

    assert names(missing) == [], f"translate these in {catalogue(language)}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_a_translation_keeps_the_placeholders_and_tags_of_its_english(language):
    def kept(english: str, spanish: str) -> bool:
        return sorted(PLACEHOLDER.findall(english)) == sorted(PLACEHOLDER.findall(spanish)) and (
            sorted(TAG.findall(english)) == sorted(TAG.findall(spanish))
        )

    broken = []
    for entry in entries(language):
        if entry.msgid_plural:
            forms = entry.msgstr_plural
            # The singular may say "one" instead of the number; the plural keeps every one.
            if not kept(entry.msgid_plural, forms[1]) or not set(
                PLACEHOLDER.findall(forms[0])
            ) <= set(PLACEHOLDER.findall(entry.msgid_plural)):
                broken.append(entry)
        elif not kept(entry.msgid, entry.msgstr):
            broken.append(entry)

    assert names(broken) == []


def test_spanish_plurals_are_two_forms():
    spanish = polib.pofile(str(catalogue("es")))

    assert spanish.metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    with translation.override("es"):
        assert translation.ngettext("%(count)s person", "%(count)s people", 1) != (
            translation.ngettext("%(count)s person", "%(count)s people", 2)
        )


# --- every page speaks Spanish ---------------------------------------------------------------


class PageText(HTMLParser):
    """What a reader sees and hears: text, and the attributes a screen reader reads or a
    field shows. Skips scripts, styles, and anything marked as another language than the
    page's (the switcher's "English")."""

    ATTRIBUTES = {"aria-label", "placeholder", "title", "alt"}
    # Names, not sentences: the time zones' (America/Port of Spain), in the zone picker.
    NAMES = {("select", "time_zone")}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}

    def __init__(self, language: str) -> None:
        super().__init__(convert_charrefs=True)
        self.language = language
        self.parts: list[str] = []
        self.stack: list[tuple[str, bool]] = []

    def hidden(self) -> bool:
        return any(skip for _tag, skip in self.stack)

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        lang = values.get("lang")
        skip = (
            tag in {"script", "style"}
            or (tag, values.get("name")) in self.NAMES
            or (lang is not None and tag != "html" and lang != self.language)
        )
        if not skip and not self.hidden():
            self.parts += [v for k, v in attrs if k in self.ATTRIBUTES and v]
        if tag not in self.VOID:
            self.stack.append((tag, skip))
        self.parts.append(" ")

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break
        self.parts.append(" ")

    def handle_data(self, data):
        if not self.hidden():
            self.parts.append(data)


def page_text(markup: str, language: str = "es") -> str:
    parser = PageText(language)
    parser.feed(markup)
    return " ".join("".join(parser.parts).split())


def english_pattern(msgid: str) -> re.Pattern | None:
    """The English sentence as a page would show it: placeholders match anything, tags and
    whitespace any spacing. None for what cannot tell English from Spanish on its own."""
    literal = PLACEHOLDER.sub(" ", TAG.sub(" ", msgid))
    if len(re.findall(r"[A-Za-z]{2,}", literal)) < 2 and (
        PLACEHOLDER.search(msgid) or len(literal.strip()) < 4
    ):
        return None
    pieces = []
    for token in re.split(r"(%\([^)]+\)[sd]|%[sd]|\{[a-z_0-9]*\}|<[^>]+>|\s+)", msgid):
        if not token:
            continue
        if PLACEHOLDER.fullmatch(token):
            pieces.append(r"[^.;:!?]{1,60}?")
        elif TAG.fullmatch(token) or token.isspace():
            pieces.append(r"\s*")
        else:
            pieces.append(re.escape(html.unescape(token)))
    return re.compile(r"(?<![\w-])" + "".join(pieces) + r"(?![\w-])")


@cache
def english_sentences(language: str = "es") -> list[tuple[str, str, re.Pattern]]:
    """Each English msgid whose Spanish differs, longest first, with its longest word (a
    page without that word is not searched for the sentence)."""
    found = []
    for entry in entries(language):
        for english, spanish in (
            [(entry.msgid, entry.msgstr_plural[0]), (entry.msgid_plural, entry.msgstr_plural[1])]
            if entry.msgid_plural
            else [(entry.msgid, entry.msgstr)]
        ):
            if english.strip() == spanish.strip():
                continue
            pattern = english_pattern(english)
            if pattern is not None:
                literal = html.unescape(PLACEHOLDER.sub(" ", TAG.sub(" ", english)))
                word = max(re.findall(r"[^\W\d_]+", literal), key=len)
                found.append((english, word, pattern))
    return sorted(found, key=lambda found: -len(found[0]))


# Proper names that hold an English word ("Action"), and Spanish words that are English ones
# too ("Compare los dos" is the polite imperative of comparar).
NOT_ENGLISH = re.compile(r"Action Network|\bCompare\b")


# Words of English that no other language we speak writes: text around one of them was
# never passed through translation, even if it is in no catalogue (an f-string, say).
ENGLISH_WORDS = re.compile(r"\b(?:the|and|your|you|with|this|that|are|is|of|to|for)\b")


def english_on(markup: str, language: str = "es") -> list[str]:
    """The English sentences on a page meant to be in `language`, then any English words."""
    text = NOT_ENGLISH.sub(" ", page_text(markup, language))
    found = [
        english
        for english, word, pattern in english_sentences(language)
        if word in text and pattern.search(text)
    ]
    return found + [
        text[max(0, m.start() - 40) : m.end() + 40] for m in ENGLISH_WORDS.finditer(text)
    ]


def test_the_check_finds_english_on_a_page_and_none_on_its_spanish(client):
    english = client.get("/accounts/login/", headers={"accept-language": "en"})
    spanish = client.get("/accounts/login/", headers={"accept-language": "es"})

    assert "Log in" in english_on(english.content.decode())
    assert english_on(spanish.content.decode()) == []


def neutral_names(world) -> None:  # noqa: F811
    """The world's data in words of no catalogue, so only the app's own words are judged."""
    Committee.objects.update(name="Comité Ribera")
    for number, campaign in enumerate(Campaign.objects.all(), start=1):
        campaign.code_name = f"Puerto {number}"
        campaign.save(update_fields=["code_name"])
    Campaign.objects.update(target="Empresa")
    Site.objects.update(name="Almacén")
    Unit.objects.update(name="Turno")
    Person.objects.update(given_name="Mía", family_name="Pérez", preferred_name="")
    Action.objects.update(title="Reunión de firmas")
    FollowUp.objects.update(description="Llamar")
    Tag.objects.update(name="turno de noche")
    User.objects.update(name="Ana")
    OutboxMessage.objects.update(reason="550 5.1.1")
    SignupDrive.objects.update(title="Tarjeta sindical")
    DriveText.objects.update(text="Autorizo al sindicato a representarme.")


@pytest.mark.parametrize("language", TRANSLATED)
@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_a_persona_may_open_speaks_their_language(world, persona, language):  # noqa: F811
    neutral_names(world)
    User.objects.update(language=language)
    user = world["users"].get(persona)
    client = csrf_client(User.objects.get(pk=user.pk) if user else None)
    english = {}
    opened = 0
    for name, row in sorted(MATRIX.items()):
        if row[persona][0] != 200:
            continue
        address = url_for(name, world["kwargs"])
        response = client.get(address, headers={"accept-language": language})
        if "html" not in response.get("Content-Type", ""):
            continue
        opened += 1
        if found := english_on(response.content.decode(), language):
            english[name] = found[:3]

    assert opened > 0
    assert english == {}, "wrap these in gettext/{% translate %}, or translate them"


# --- who gets which language ----------------------------------------------------------------


def test_a_language_we_do_not_have_falls_back_to_the_committee_default():
    assert supported("es-MX") == "es"
    assert supported("fr") is None
    assert supported("../../etc") is None
    assert language_of(Person(preferred_language="pt")) == settings.LANGUAGE_CODE
    assert language_of(Person(preferred_language="es")) == "es"
    assert language_of(User(language="")) == settings.LANGUAGE_CODE
    assert language_of(None) == settings.LANGUAGE_CODE


def test_before_login_the_browser_language_picks_the_page(client):
    response = client.get("/accounts/login/", headers={"accept-language": "es-MX,es;q=0.9"})

    assert response["Content-Language"] == "es"
    assert 'lang="es"' in response.content.decode()
    assert "Iniciar sesión" in response.content.decode()


def test_the_switcher_keeps_a_browser_in_the_language_chosen(client):
    response = client.post(
        "/i18n/setlang/", {"language": "es", "next": "/accounts/login/"}, follow=True
    )

    assert response.redirect_chain[-1][0] == "/accounts/login/"
    assert "Iniciar sesión" in response.content.decode()
    page = client.get("/accounts/login/", headers={"accept-language": "en"})
    assert "Iniciar sesión" in page.content.decode()


def test_an_unknown_language_posted_to_the_switcher_is_ignored(client):
    for code in ["xx", "fr", "", "es" * 300, "<script>"]:
        response = client.post("/i18n/setlang/", {"language": code, "next": "/accounts/login/"})
        assert response.status_code == 302
        page = client.get("/accounts/login/", headers={"accept-language": "en"})
        assert "Log in" in page.content.decode()


def test_a_user_chooses_a_language_in_account_and_every_page_speaks_it(client, organizer):
    client.force_login(organizer)
    page = client.get("/account/language/", headers={"accept-language": "en"})
    assert "Español" in page.content.decode() and "English" in page.content.decode()

    response = client.post("/account/language/", {"language": "es"}, follow=True)

    organizer.refresh_from_db()
    assert organizer.language == "es"
    assert "Guardado: ahora Majority le habla en este idioma." in response.content.decode()
    page = client.get("/accounts/email/", headers={"accept-language": "en"})
    assert page["Content-Language"] == "es"
    assert 'lang="es"' in page.content.decode()
    assert "Cerrar sesión" in page.content.decode()


def test_account_refuses_a_language_we_do_not_have_and_keeps_the_choice(client, organizer):
    client.force_login(organizer)

    response = client.post("/account/language/", {"language": "fr"})

    assert response.status_code == 422
    organizer.refresh_from_db()
    assert organizer.language == ""


def test_a_stored_language_we_no_longer_have_falls_back_without_an_error(client, organizer):
    User.objects.filter(pk=organizer.pk).update(language="de")
    client.force_login(organizer)

    response = client.get("/accounts/email/", headers={"accept-language": "es"})

    assert response.status_code == 200
    assert response["Content-Language"] == "es"


def test_spanish_dates_are_24_hour_with_de(client, organizer):
    from datetime import datetime

    from django.template import Context, Template

    moment = datetime(2026, 12, 4, 18, 30, tzinfo=__import__("zoneinfo").ZoneInfo("UTC"))
    template = Template("{{ moment|day }} · {{ moment|clock }}")
    with translation.override("es"):
        spanish = template.render(Context({"moment": moment}))
    with translation.override("en"):
        english = template.render(Context({"moment": moment}))

    assert "4 de diciembre" in spanish and "18:30" in spanish
    assert "December 4" in english and "6:30" in english


def test_spanish_numbers_read_as_in_the_united_states_and_mexico():
    from django.template import Context, Template

    template = Template('{{ n|floatformat:"1g" }} · {{ whole|floatformat:"g" }}')
    with translation.override("es"):
        spanish = template.render(Context({"n": 1234.56, "whole": 12000}))

    assert spanish == "1,234.6 · 12,000"


def test_compilemessages_writes_the_catalogue_the_app_reads(tmp_path, settings):
    locale = tmp_path / "es" / "LC_MESSAGES"
    locale.mkdir(parents=True)
    shutil.copy(catalogue("es"), locale / "django.po")
    settings.LOCALE_PATHS = [tmp_path]

    call_command("compilemessages", verbosity=0)

    mo = polib.mofile(str(locale / "django.mo"))
    assert {e.msgid for e in mo} >= {"Log in", "My list"}
    assert next(e.msgstr for e in mo if e.msgid == "My list") == "Mi lista"
