"""How much a phone downloads to open the one-on-one log page the first time (field mode).

    .venv/bin/python bench/field_weight.py [--json FILE]

The target (field mode's issue): the log page, with everything it loads, weighs ≤ 60 KB
compressed on first load, and loads from the service worker's cache offline. So this measures
the production build, not the development server: `collectstatic` with DEBUG off into a
temporary STATIC_ROOT, where whitenoise's CompressedManifestStaticFilesStorage writes the
hashed names and their .gz (and .br when brotli is installed) beside them, as the Docker
image's build does.

Then, through Django's test client (the whole middleware stack, whitenoise included), as the
organizer of a small committee of its own (built once in DATABASE_URL, by default
`majority_bench`: the page's weight depends on the campaign's issues and asks and the person's
follow-ups, not on the roster's size), on the log page of a person on their list:

1. the log page; its HTML gzipped at level 9 (and brotli, quality 11, when installed), as a
   proxy in front of the app would send it: the app does not compress its own pages;
2. every file the page loads (<script src>, <link rel=stylesheet|icon|manifest href>,
   <img src>), each asked for as a browser asks, so that whitenoise answers with the
   compressed file collectstatic wrote; the manifest, a view, gzipped here;
3. the service worker the page registers for an organizer (its address is in the page's
   field settings) and the two scripts it imports: /sw.js gzipped here, its imports as
   whitenoise serves them, less one the page loaded already (a hashed file: the browser's
   cache has it);
4. what the worker then fetches once it installs: the files it keeps (ASSETS in
   campaigns/conversations/field.py) that the page did not load, and the offline page.

The target is checked twice: on 1–3, and on 1–4, everything the first visit downloads; a
figure beside shows 1–3 with the app's own answers uncompressed, as they leave the app when
no proxy compresses them.
Offline, the worker answers only for the files in ASSETS: a file the page loads that is not
in it does not load with no signal, which the last figure counts (target: none).
"""

import argparse
import gzip
import json
import re
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from html.parser import HTMLParser

from _results import Target, add_json_option, figure, write_figures

try:
    import brotli
except ImportError:  # whitenoise writes .br files only with it; the Docker image has none
    brotli = None

# The issue's target: 60 KB compressed, 61,440 bytes.
TARGET_KB = Target("<=", 60, "KB")
# A file the page loads that the service worker does not keep is missing offline.
TARGET_MISSING = Target("==", 0)
COMMITTEE = "Bench Field Committee"
ORGANIZER_EMAIL = "bench-field@majority.test"
# Those of seed_bench (its campaign: 8 issues), and asks as a campaign has a few.
ISSUES = ["Wages", "Scheduling", "Safety", "Heat", "Breaks", "Respect", "Staffing", "Parking"]
ASKS = ["Sign a card", "Come to the meeting", "Talk to two co-workers"]
NEXT_STEPS = [
    "Call back after her shift",
    "Bring her to the Thursday meeting",
    "Ask her to sign the card",
    "Introduce her to the night-shift stewards",
    "Follow up on the schedule grievance",
]
LARGEST = 5  # items named in the figures' notes
BY_PROXY = "gzip -9 here"  # how a view's answer is measured: the app itself sends it as is
HASH = re.compile(r"\.[0-9a-f]{12}\.")  # the manifest storage's hash in a file name
IMPORTS = re.compile(r"importScripts\((.*?)\);")


@dataclass
class Item:
    """One download: what it is, its address and its bytes as sent (gzip, brotli) and raw."""

    kind: str
    url: str
    raw: int
    gzip: int
    br: int | None  # None without brotli
    sent_as: str  # how the gzip figure is made: "whitenoise .gz", "gzip -9 here", "as is"


class PageLinks(HTMLParser):
    """The addresses a browser fetches while loading the page, in order, and the JSON of the
    page's field settings (<script id="majority-field">)."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self.in_field_config = False
        self.field_config = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {name: value or "" for name, value in attrs}
        rel = set(attr.get("rel", "").lower().split())
        if tag == "script" and attr.get("src"):
            self.links.append(("script", attr["src"]))
        elif tag == "script" and attr.get("id") == "majority-field":
            self.in_field_config = True
        elif tag == "link" and attr.get("href") and rel & {"stylesheet", "icon", "manifest"}:
            self.links.append((sorted(rel & {"stylesheet", "icon", "manifest"})[0], attr["href"]))
        elif tag == "img" and attr.get("src"):
            self.links.append(("img", attr["src"]))

    def handle_endtag(self, tag: str) -> None:
        self.in_field_config = False

    def handle_data(self, data: str) -> None:
        if self.in_field_config:
            self.field_config += data


def page_links(html: str) -> tuple[list[tuple[str, str]], dict]:
    """(kind, address) of each file the page loads, each once, and its field settings."""
    parser = PageLinks()
    parser.feed(html)
    seen: set[str] = set()
    links = [(k, u) for k, u in parser.links if not (u in seen or seen.add(u))]
    return links, json.loads(parser.field_config or "{}")


def sw_imports(body: str) -> list[str]:
    """The scripts /sw.js imports: importScripts("/static/…", "/static/…")."""
    match = IMPORTS.search(body)
    return json.loads(f"[{match.group(1)}]") if match else []


def compressed(kind: str, url: str, body: bytes) -> Item:
    """A view's answer as a compressing proxy sends it: gzip -9 (and brotli)."""
    return Item(
        kind,
        url,
        len(body),
        len(gzip.compress(body, compresslevel=9, mtime=0)),
        len(brotli.compress(body, quality=11)) if brotli else None,
        BY_PROXY,
    )


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def fetch(client, url: str, encoding: str) -> tuple[bytes, str]:
    response = client.get(url, headers={"accept-encoding": encoding})
    assert response.status_code == 200, (url, response.status_code)
    return body_of(response), response.get("Content-Encoding", "")


def static_item(client, kind: str, url: str) -> Item:
    """A file as whitenoise serves it: its .gz to a browser that takes gzip (.br to one that
    takes brotli), the file itself when collectstatic kept no smaller copy."""
    raw, _ = fetch(client, url, "identity")
    gz, gz_encoding = fetch(client, url, "gzip")
    br, br_encoding = fetch(client, url, "br, gzip") if brotli else (b"", "")
    return Item(
        kind,
        url,
        len(raw),
        len(gz),
        len(br) if brotli else None,
        {"gzip": "whitenoise .gz", "": "as is"}.get(gz_encoding, gz_encoding)
        + (f", {br_encoding or 'as is'} for br" if brotli and br_encoding != "br" else ""),
    )


def view_item(client, kind: str, url: str) -> Item:
    """A view's answer: gzipped here unless the app compressed it itself."""
    body, encoding = fetch(client, url, "gzip")
    if encoding == "gzip":
        return Item(kind, url, len(gzip.decompress(body)), len(body), None, "the app's gzip")
    return compressed(kind, url, body)


def build() -> None:
    """A committee with one campaign as an organizer sees it mid-campaign: the campaign's
    issues and asks (they are on the form), and one person on the organizer's list with an
    assessment, a unit, their history and five open follow-ups (the page lists five)."""
    from django.db import transaction
    from django.utils import timezone

    from campaigns.models import (
        Ask,
        Campaign,
        Conversation,
        FollowUp,
        IssueTag,
        RosterEntry,
        Site,
        TeamMember,
        Unit,
    )
    from members.models import Committee, Membership, Person, User

    now = timezone.now()
    with transaction.atomic():
        committee = Committee.objects.create(name=COMMITTEE)
        me = User.objects.create_user(ORGANIZER_EMAIL, None, name="Bench Field Organizer")
        Membership.objects.create(committee=committee, user=me, role="organizer")
        campaign = Campaign.objects.create(
            committee=committee, kind="workplace", code_name="Depot", target="Northside Depot"
        )
        TeamMember.objects.create(campaign=campaign, user=me, role="organizer")
        unit = Unit.objects.create(
            site=Site.objects.create(campaign=campaign, name="Northside"), name="Night shift"
        )
        IssueTag.objects.bulk_create(IssueTag(campaign=campaign, name=name) for name in ISSUES)
        Ask.objects.bulk_create(
            Ask(campaign=campaign, text=text, position=n) for n, text in enumerate(ASKS)
        )
        person = Person.objects.create(
            committee=committee, given_name="Rosa", family_name="Okafor-Lindqvist"
        )
        RosterEntry.objects.create(
            campaign=campaign, person=person, unit=unit, organizer=me, assessment=2,
            assessed_at=now, last_contact_at=now - timedelta(days=3),
        )  # fmt: skip
        Conversation.objects.bulk_create(
            Conversation(
                campaign=campaign, person=person, organizer=me, channel="phone",
                happened_at=now - timedelta(days=3 + 7 * n),
            )
            for n in range(4)
        )  # fmt: skip
        FollowUp.objects.bulk_create(
            FollowUp(
                campaign=campaign, person=person, organizer=me, description=step,
                due_on=timezone.localdate() + timedelta(days=n),
            )
            for n, step in enumerate(NEXT_STEPS)
        )  # fmt: skip


def log_page_url() -> str:
    """The bench person's log page, the committee built first if it is not there yet."""
    from django.urls import reverse

    from campaigns.models import RosterEntry
    from members.models import Committee

    if not Committee.objects.filter(name=COMMITTEE).exists():
        build()
    entry = RosterEntry.objects.get(campaign__committee__name=COMMITTEE)
    return reverse("conversation_new", args=[entry.campaign_id, entry.person_id])


def first_visit(client, url: str) -> tuple[list[Item], list[Item], list[str]]:
    """What the first visit downloads: the page and what it loads with the service worker
    (the target's), what the worker then keeps, and the page's files it does not keep."""
    from campaigns.conversations.field import asset_urls

    html = body_of(client.get(url))
    page = [view_item(client, "page", url)]
    links, field = page_links(html.decode())
    for kind, link in links:
        page.append(
            view_item(client, kind, link) if kind == "manifest" else static_item(client, kind, link)
        )
    if field.get("on"):
        sw = body_of(client.get(field["sw"]))
        page.append(view_item(client, "service worker", field["sw"]))
        loaded = {item.url for item in page}
        for link in sw_imports(sw.decode()):
            if link in loaded:  # a hashed file, cached for good: the browser's HTTP cache has it
                print(f"{link}: imported by the service worker, already loaded by the page")
            else:
                page.append(static_item(client, "sw import", link))
    else:
        print("The page's field settings are off: no service worker registered.")
    loaded = {item.url for item in page}
    kept = asset_urls()
    install = [static_item(client, "kept", link) for link in kept if link not in loaded]
    if field.get("on"):
        install.append(view_item(client, "offline page", field_offline_url()))
    missing = [link for kind, link in links if kind != "manifest" and link not in kept]
    return page, install, missing


def field_offline_url() -> str:
    from django.urls import reverse

    return reverse("field_offline")


def kb(size: int) -> float:
    return round(size / 1024, 1)


def print_items(items: list[Item]) -> None:
    print(f"{'kind':<15} {'raw B':>8} {'gzip B':>8} {'br B':>8}  sent as  address")
    for item in items:
        br = f"{item.br:>8}" if item.br is not None else f"{'—':>8}"
        print(f"{item.kind:<15} {item.raw:>8} {item.gzip:>8} {br}  {item.sent_as}  {item.url}")


def largest(items: list[Item]) -> str:
    """The heaviest items, compressed, by file name less its hash (htmx-2.min.js 16.2)."""
    top = sorted(items, key=lambda item: -item.gzip)[:LARGEST]
    return ", ".join(f"{short_name(item)} {kb(item.gzip)}" for item in top)


def short_name(item: Item) -> str:
    if item.kind in {"page", "service worker", "manifest", "offline page"}:
        return item.kind
    return HASH.sub(".", item.url.rsplit("/", 1)[-1])


def weight_figures(name: str, items: list[Item]) -> list[dict]:
    gz = sum(item.gzip for item in items)
    raw = sum(item.raw for item in items)
    notes = f"{len(items)} downloads, {gz:,} B; largest (KB gzip): {largest(items)}"
    figures = [
        figure(f"{name}, gzip", kb(gz), "KB", TARGET_KB, notes),
        figure(f"{name}, uncompressed", kb(raw), "KB", None, f"{raw:,} B"),
    ]
    if brotli:
        br = sum(item.gzip if item.br is None else item.br for item in items)
        figures.insert(1, figure(f"{name}, brotli", kb(br), "KB", TARGET_KB, f"{br:,} B"))
    return figures


def collectstatic(root: str):
    """Settings for the production build's static files in `root`, and collectstatic run
    into it: hashed names, and the compressed copies whitenoise serves."""
    from django.conf import settings
    from django.core.management import call_command
    from django.test import override_settings

    production = override_settings(
        DEBUG=False,
        STATIC_ROOT=root,
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
        },
    )
    production.enable()
    call_command("collectstatic", interactive=False, verbosity=0)
    return production


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_json_option(parser)
    args = parser.parse_args()
    from _django import setup_django, signed_in_client  # it sets Django's environment up

    setup_django()
    from members.models import User

    url = log_page_url()
    with tempfile.TemporaryDirectory(prefix="majority-static-") as root:
        production = collectstatic(root)
        print(f"collectstatic into {root}; brotli: {'yes' if brotli else 'no (gzip only)'}")
        try:
            # Made after collectstatic: whitenoise reads STATIC_ROOT on the first request.
            client = signed_in_client(User.objects.get(email=ORGANIZER_EMAIL))
            page, install, missing = first_visit(client, url)
        finally:
            production.disable()
    print_items(page)
    print("then, as the service worker installs:")
    print_items(install)
    figures = [
        *weight_figures("log page first load", page),
        figure(
            "log page first load, pages not compressed",
            kb(sum(item.raw if item.sent_as == BY_PROXY else item.gzip for item in page)),
            "KB",
            None,
            "the app's own answers (page, manifest, /sw.js) as the app sends them, with no "
            "compressing proxy in front; whitenoise's files gzipped",
        ),
        *weight_figures("with what the service worker keeps at install", page + install),
        figure(
            "files the page loads that are not kept offline",
            len(missing),
            "",
            TARGET_MISSING,
            ("missing from field.ASSETS: " + ", ".join(missing)) if missing else "",
        ),
    ]
    print(f"target: {TARGET_KB} (61,440 bytes) compressed; every file the page loads kept offline")
    for f in figures:
        met = {True: "met", False: "NOT MET", None: ""}[f["met"]]
        print(f"{f['name']}: {f['value']} {f['unit']} {f['target'] or ''} {met}  {f['note']}")
    write_figures(args.json, figures)


if __name__ == "__main__":
    main()
