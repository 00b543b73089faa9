"""The leak sweep: every page a persona can reach shows only people of the campaigns they are on.

The world: one committee with campaigns A ("Harbor") and B ("Oak"). Everybody on A has a name
found nowhere else (Zephyrine, Ysolde, and Octavia, A's organizer), and so has everybody on B
(Quillon, Wystan, Ulrika, and Peregrine, B's organizer; Ulrika was put on A's roster by
mistake and taken off again). They have one-on-ones with notes, follow-ups, answers to a
committee-wide action and to each campaign's own action. Then, as each persona, a crawler
starts at the home page (and at each person's and action's address, as someone could type
it) and follows every link (<a href>) and htmx URL (hx-get) on the same host, GET only, and
fails naming each page that shows a name from a campaign the persona is not on. The
committee lead sees everything: their crawl checks that it reaches every kind of page and
that no page breaks.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from campaigns.actions.services.actions import ActionData, action_create
from campaigns.actions.services.rsvps import action_invite, rsvp_set
from campaigns.conversations.services.log import ConversationData, conversation_log
from campaigns.models import Action
from campaigns.roster.services import roster_remove
from members.models import Membership, Person, PersonEmail
from tests import factories

A_NAMES = ["Zephyrine", "Ysolde", "Octavia"]
B_NAMES = ["Quillon", "Wystan", "Peregrine", "Ulrika"]
VISIT_CAP = 250  # pages per persona: the world is small, so this is a runaway guard
SKIP_PREFIXES = ("/static/", "/admin/")


class _Links(HTMLParser):
    """The URLs a page points to: <a href>, and hx-get on any element (fetched as htmx)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and (name == "hx-get" or (tag == "a" and name == "href")):
                self.urls.append((value, name == "hx-get"))


def _links(page_url: str, html: str) -> list[tuple[str, bool]]:
    parser = _Links()
    parser.feed(html)
    found = []
    for raw, htmx in parser.urls:
        url, _ = urldefrag(urljoin(page_url, raw))
        parts = urlsplit(url)
        if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
            continue  # mailto:, tel:, another host
        local = parts.path + (f"?{parts.query}" if parts.query else "")
        if local and not local.startswith(SKIP_PREFIXES):
            found.append((local, htmx))
    return found


@dataclass
class Crawl:
    pages: dict[str, tuple[int, str]] = field(default_factory=dict)  # url -> (status, text)

    def leaks(self, names: list[str]) -> list[str]:
        return [
            f"{url} shows {name}"
            for url, (_, text) in self.pages.items()
            for name in names
            if name.lower() in text.lower()
        ]

    def broken(self) -> list[str]:
        return [f"{url}: {status}" for url, (status, _) in self.pages.items() if status >= 500]


def crawl(client: Client, starts: list[str]) -> Crawl:
    """Every page reachable from `starts` by GET, following redirects and links; an hx-get
    URL is asked for as htmx asks (the part of the page it swaps in)."""
    queue = [(url, False) for url in starts]
    seen, result = set(queue), Crawl()
    while queue and len(result.pages) < VISIT_CAP:
        url, htmx = queue.pop(0)
        response = client.get(url, headers={"HX-Request": "true"} if htmx else {})
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode(errors="replace")
        result.pages[f"{url} (htmx)" if htmx else url] = (response.status_code, text)
        if response.status_code in (301, 302, 303, 307, 308):
            targets = _links(url, f'<a href="{response["Location"]}"></a>')
        elif "html" in response.get("Content-Type", ""):
            targets = _links(url, text)
        else:
            targets = []
        for target in targets:
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return result


def starts() -> list[str]:
    """The home page, and every person's and action's page by its address: what an organizer
    could type (a page they may not see is a 404, which shows no one)."""
    return [
        "/",
        *[
            reverse("person_detail", args=[pk])
            for pk in Person.objects.values_list("pk", flat=True)
        ],
        *[
            reverse("action_detail", args=[pk])
            for pk in Action.objects.values_list("pk", flat=True)
        ],
    ]


def _person_with_history(*, committee, campaign, unit, name, organizer, answer, action):
    """A person on the campaign's roster with a one-on-one, a follow-up and an answer."""
    person = factories.person(committee=committee, given_name=name, family_name="Sample")
    PersonEmail.objects.create(person=person, email=f"{name.lower()}@example.org", is_primary=True)
    factories.on_roster(campaign=campaign, person=person, unit=unit, organizer=organizer)
    conversation_log(
        campaign=campaign,
        person=person,
        organizer=organizer,
        data=ConversationData(
            happened_at=timezone.now() - timedelta(days=1),
            channel="in_person",
            assessment=2,
            notes=f"{name} talked about the schedule",
            next_step=f"Bring {name} to the meeting",
            follow_up_on=timezone.localdate() + timedelta(days=2),
        ),
    )
    action_invite(action=action, people=[person], by=organizer)
    rsvp_set(action=action, person=person, response=answer, source="app")
    return person


def _action(*, committee, campaign, title, by):
    starts = timezone.now() + timedelta(days=3)
    data = ActionData(
        title=title,
        kind="general_meeting",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        time_zone="America/Chicago",
    )
    return action_create(committee=committee, campaign=campaign, data=data, by=by)


@pytest.fixture
def world(committee, lead, member, outsider):
    organizer_a = factories.member_of(
        committee, Membership.Role.ORGANIZER, email="octavia@example.org", name="Octavia Ambrose"
    )
    organizer_b = factories.member_of(
        committee,
        Membership.Role.ORGANIZER,
        email="peregrine@example.org",
        name="Peregrine Blackwood",
    )
    everyone = _action(committee=committee, campaign=None, title="General assembly", by=lead)
    for campaign_name, organizer, names in (
        ("Harbor", organizer_a, A_NAMES),
        ("Oak", organizer_b, B_NAMES),
    ):
        campaign = factories.campaign(committee=committee, code_name=campaign_name)
        factories.on_team(campaign=campaign, user=organizer)
        unit = factories.unit(site=factories.site(campaign=campaign), name="Floor 1")
        own = _action(
            committee=committee, campaign=campaign, title=f"{campaign_name} meeting", by=organizer
        )
        _person_with_history(
            committee=committee,
            campaign=campaign,
            unit=unit,
            name=names[0],
            organizer=organizer,
            answer="yes",
            action=everyone,
        )
        _person_with_history(
            committee=committee,
            campaign=campaign,
            unit=unit,
            name=names[1],
            organizer=organizer,
            answer="maybe",
            action=own,
        )
        if campaign_name == "Harbor":
            # The member is a person on A's roster, invited to both A's action and the
            # committee-wide one.
            mine = factories.person(committee=committee, given_name="Tomás", user=member)
            factories.on_roster(campaign=campaign, person=mine, unit=unit)
            action_invite(action=everyone, people=[mine], by=lead)
            action_invite(action=own, people=[mine], by=organizer)
            harbor, harbor_unit = campaign, unit
        else:
            # On B's roster; once on A's by mistake, and removed from it at once.
            mistake = factories.person(committee=committee, given_name="Ulrika")
            roster_remove(
                entry=factories.on_roster(
                    campaign=harbor, person=mistake, unit=harbor_unit, organizer=organizer_a
                )
            )
            factories.on_roster(campaign=campaign, person=mistake, unit=unit)
    return {
        "organizer_a": organizer_a,
        "organizer_b": organizer_b,
        "member": member,
        "outsider": outsider,
        "lead": lead,
    }


HIDDEN_FROM = {
    "organizer_a": B_NAMES,
    "organizer_b": A_NAMES,
    "member": A_NAMES + B_NAMES,
    "outsider": A_NAMES + B_NAMES,
}


@pytest.mark.parametrize("persona", list(HIDDEN_FROM))
def test_it_shows_no_one_from_a_campaign_the_persona_is_not_on(world, persona):
    client = Client(raise_request_exception=False)
    client.force_login(world[persona])

    found = crawl(client, starts())

    assert len(found.pages) > 3, f"the crawl reached only {sorted(found.pages)}"
    broken, leaks = found.broken(), found.leaks(HIDDEN_FROM[persona])
    assert broken == [], "pages that broke:\n" + "\n".join(broken)
    assert leaks == [], f"{persona} sees other campaigns' people:\n" + "\n".join(leaks)


def test_it_takes_the_lead_everywhere_and_no_page_breaks(world):
    """The lead sees both campaigns: their crawl shows the sweep reaches people, action pages
    and htmx URLs, so a clean sweep of the others means something."""
    client = Client(raise_request_exception=False)
    client.force_login(world["lead"])

    found = crawl(client, starts())

    ok = [url for url, (status, _) in found.pages.items() if status == 200]
    assert found.broken() == [], "pages that broke:\n" + "\n".join(found.broken())
    assert any(url.startswith("/people/") for url in ok)
    assert any(url.endswith("/check-in/") for url in ok)
    assert any(url.endswith("/invite/search/ (htmx)") for url in ok)
    assert set(A_NAMES + B_NAMES) <= {
        name for leak in found.leaks(A_NAMES + B_NAMES) for name in [leak.rsplit(" ", 1)[1]]
    }
