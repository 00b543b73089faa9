"""Every user-facing string in our templates is marked for translation (Spanish will follow).

Reads each template's tokens: text outside {% translate %}/{% blocktranslate %} must hold no
words once HTML tags are removed, and no visible attribute (placeholder, title, aria-label,
alt) may be a literal.
"""

import re
from pathlib import Path

import pytest
from django.template.base import Lexer, TokenType

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# Names, not words: the product's name is the same in every language.
ALLOWED = {"Majority"}
TAG = re.compile(r"<[^>]*>", re.S)
VISIBLE_ATTRIBUTE = re.compile(r'\b(?:placeholder|title|aria-label|alt)="([^"{]*[A-Za-z][^"{]*)"')


def untranslated(source: str) -> list[str]:
    """The words a reader would see that no translation tag covers."""
    skeleton, depth = [], 0
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0]
            depth += name in {"blocktranslate", "blocktrans", "comment"}
            depth -= name in {"endblocktranslate", "endblocktrans", "endcomment"}
            skeleton.append("§")
        elif token.token_type == TokenType.VAR:
            skeleton.append("§")
        elif token.token_type == TokenType.TEXT and depth == 0:
            skeleton.append(token.contents)
    page = "".join(skeleton)
    found = VISIBLE_ATTRIBUTE.findall(page)
    text = re.sub(r"&\w+;|&#\d+;", " ", TAG.sub(" ", page))
    return found + [w for w in re.findall(r"[^\W\d_]{2,}", text) if w not in ALLOWED]


@pytest.mark.parametrize(
    "path",
    sorted(p for p in TEMPLATES.rglob("*") if p.suffix in {".html", ".txt"}),
    ids=lambda p: str(p.relative_to(TEMPLATES)),
)
def test_the_template_marks_its_words_for_translation(path):
    assert untranslated(path.read_text()) == []


def test_the_check_catches_a_bare_word():
    assert untranslated("<p>Hello {{ name }}</p>") == ["Hello"]
    assert untranslated('<input placeholder="Search">') == ["Search"]
    assert untranslated("{% translate 'Hello' %}<br>") == []
