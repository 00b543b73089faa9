"""Nothing on a page comes from another host: no CDN, no web font, no tracker, no form that
posts elsewhere.

Every page of the permission matrix (tests/matrix/) is rendered as each persona the table lets
see it (a GET answered 200), and its HTML is read: scripts, stylesheets and other <link>s,
images, media, fonts (url() in <style> and style=""), frames, objects and form actions must
all stay on this host. Our own stylesheets are read too, for url() and @import.
"""

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from tests.matrix import PERSONAS
from tests.test_permission_matrix import MATRIX, csrf_client, url_for, world  # noqa: F401

# The attributes that make a browser fetch something (or send a form) without a click.
FETCHED = {
    "script": ["src"],
    "link": ["href"],
    "img": ["src", "srcset"],
    "source": ["src", "srcset"],
    "video": ["src", "poster"],
    "audio": ["src"],
    "track": ["src"],
    "iframe": ["src"],
    "frame": ["src"],
    "embed": ["src"],
    "object": ["data"],
    "input": ["src", "formaction"],
    "button": ["formaction"],
    "form": ["action"],
    "image": ["href", "xlink:href"],
    "use": ["href", "xlink:href"],
}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""", re.IGNORECASE)


def is_foreign(url: str) -> bool:
    """Whether a URL names a host (other than the test server's) or a scheme that fetches."""
    parts = urlsplit(url.strip())
    if parts.scheme in ("", "data", "blob"):
        return bool(parts.netloc) and parts.netloc != "testserver"
    return parts.scheme not in ("http", "https") or parts.netloc != "testserver"


class _Fetched(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_style = tag == "style"
        for name, value in attrs:
            if not value:
                continue
            if name in FETCHED.get(tag, []):
                candidates = [c.split()[0] for c in value.split(",") if c.strip()]
                self.urls += candidates if name == "srcset" else [value]
            elif name == "style":
                self.urls += css_urls(value)

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.urls += css_urls(data)


def css_urls(css: str) -> list[str]:
    return [url or imported for url, imported in CSS_URL.findall(css)]


def foreign_urls(html: str) -> list[str]:
    parser = _Fetched()
    parser.feed(html)
    return [url for url in parser.urls if is_foreign(url)]


def test_the_reader_catches_what_a_browser_would_fetch_elsewhere():
    page = """<link rel="stylesheet" href="https://cdn.example.com/a.css">
    <script src="//cdn.example.com/a.js"></script><img srcset="/a.png 1x, http://x.org/b.png 2x">
    <form action="https://evil.example/collect"></form><iframe src="https://x.org/"></iframe>
    <div style="background: url('https://x.org/bg.png')"></div>
    <style>@font-face { src: url(https://fonts.example/f.woff2) } @import "https://x.org/i.css";
    </style><img src="data:image/png;base64,AA"><script src="/static/htmx.min.js"></script>
    <form action=""></form><a href="https://elsewhere.org/">a link is fine</a>"""

    assert foreign_urls(page) == [
        "https://cdn.example.com/a.css",
        "//cdn.example.com/a.js",
        "http://x.org/b.png",
        "https://evil.example/collect",
        "https://x.org/",
        "https://x.org/bg.png",
        "https://fonts.example/f.woff2",
        "https://x.org/i.css",
    ]


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_page_loads_anything_from_another_host(world, persona):  # noqa: F811
    client = csrf_client(world["users"].get(persona))
    seen, found = 0, []

    for name, row in sorted(MATRIX.items()):
        if row[persona][0] != 200:
            continue
        url = url_for(name, world["kwargs"])
        response = client.get(url)
        if "html" not in response.get("Content-Type", ""):
            continue
        seen += 1
        found += [f"{url}: {foreign}" for foreign in foreign_urls(response.content.decode())]

    assert found == [], "pages that load from another host:\n" + "\n".join(found)
    assert seen > 0, "the persona saw no page at all"


def test_our_stylesheets_fetch_nothing_from_another_host():
    sheets = [path for root in settings.STATICFILES_DIRS for path in Path(root).rglob("*.css")]

    found = [
        f"{sheet.name}: {url}"
        for sheet in sheets
        for url in css_urls(sheet.read_text())
        if is_foreign(url)
    ]

    assert sheets and found == []
