"""The campaign dashboard's page (htmx filters, the export, who sees it, the kept page, a
constant number of queries) and the committee overview. The story is in
tests/dashboards/story.py."""

import re

import pytest
from django.urls import reverse

from campaigns.conversations.services.log import ConversationData, conversation_log
from campaigns.dashboards.selectors import (
    overview_build,
)
from campaigns.dashboards.services import trends_refresh
from campaigns.models import Action, RosterEntry, Rsvp
from members.models import AuditEvent, Membership
from tests import factories
from tests.dashboards.story import NOW, at, build, dashboard_url

# --- The page, filters, export -------------------------------------------------------------------


def test_it_redraws_only_the_dashboard_for_htmx_with_the_filters_in_the_address(client, story):
    client.force_login(story["lead"])
    url = dashboard_url(story["campaign"])
    nights = story["units"]["Nights"]

    response = client.get(url, {"unit": nights.pk}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert "<html" not in html
    assert "Showing Shipping › Nights only" in html
    assert response["HX-Push-Url"] == f"{url}?unit={nights.pk}"
    assert response.context["total"].people == 1


def test_it_drops_filters_that_do_not_fit(client, story):
    client.force_login(story["lead"])

    response = client.get(
        dashboard_url(story["campaign"]), {"unit": "999999", "since": "soon", "sort": "x"}
    )

    assert response.status_code == 200
    assert response.context["total"].people == 7


def test_it_exports_the_unit_table_as_shown_and_records_it(client, story):
    client.force_login(story["lead"])
    url = reverse("campaign_dashboard_export", args=[story["campaign"].pk])

    response = client.get(url, {"site": story["site"].pk})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="harbor-units-2025-03-12.csv"' in response["Content-Disposition"]
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Site,Unit,People,Contacted,Contacted %,Assessed,Assessed %,1,")
    assert lines[1:] == [
        "Warehouse,Receiving,3,2,66,2,66,1,1,0,0,0,1,66,1,2025-03-04,8,67,1",
        "Warehouse,Shipping › Nights,1,1,100,1,100,0,1,0,0,0,0,100,0,2025-02-26,14,,0",
        "Warehouse,Shipping,2,2,100,2,100,0,1,1,0,0,0,50,0,2025-03-11,1,50,1",
    ]
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.EXPORT)
    assert (event.actor, event.campaign_id, event.count) == (
        story["lead"],
        story["campaign"].pk,
        3,
    )
    assert event.detail["of"] == "dashboard_units"


def test_the_export_reads_only_the_unit_table(client, story, actions):
    """No trends, organizers or actions are worked out for a CSV of units."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(story["lead"])
    url = reverse("campaign_dashboard_export", args=[story["campaign"].pk])

    with CaptureQueriesContext(connection) as queries:
        client.get(url)

    sql = " ".join(q["sql"] for q in queries)
    assert "generate_series" not in sql and "GROUPING(a.id)" not in sql


def test_an_organizer_of_the_campaign_sees_its_dashboard(client, story):
    client.force_login(story["olga"])

    response = client.get(dashboard_url(story["campaign"]))

    assert response.status_code == 200
    assert b'aria-current="page">Dashboard</a>' in response.content


def test_a_new_conversation_shows_at_once(client, story):
    client.force_login(story["lead"])
    campaign, people = story["campaign"], story["people"]
    data = ConversationData(happened_at=NOW, channel="phone", assessment=1)
    conversation_log(campaign=campaign, person=people["Cal"], organizer=story["oscar"], data=data)

    response = client.get(dashboard_url(campaign))

    assert response.context["total"].stats.supporters == 5  # Cal joins them


def test_leads_looking_together_share_one_computation_fresh_within_seconds(client, story, settings):
    """Cached for DASHBOARD_CACHE_SECONDS per campaign and filters: a conversation logged
    meanwhile shows once they have passed (here one second, as the setting says)."""
    import time

    settings.DASHBOARD_CACHE_SECONDS = 1
    client.force_login(story["lead"])
    campaign, people = story["campaign"], story["people"]

    def supporters() -> str:
        page = client.get(dashboard_url(campaign)).content.decode()
        stat = re.search(r'data-stat="support">.*?<span class="muted">(\d+) people', page, re.S)
        return stat.group(1)

    before = supporters()
    data = ConversationData(happened_at=NOW, channel="phone", assessment=1)
    conversation_log(campaign=campaign, person=people["Cal"], organizer=story["oscar"], data=data)

    assert supporters() == before  # the same view, kept
    time.sleep(1.1)
    assert supporters() != before  # Cal now counts


# --- Speed: a constant number of queries ---------------------------------------------------------


def grow(story, committee, n):
    """n more people per unit, each talked with twice, and an action with RSVPs."""
    campaign, olga = story["campaign"], story["olga"]
    action = Action.objects.create(
        committee=committee,
        campaign=campaign,
        title=f"Meeting {n}",
        starts_at=at(3, 1, 18),
        ends_at=at(3, 1, 19),
    )
    for unit in [*story["units"].values(), None]:
        for i in range(n):
            person = factories.person(committee=committee, given_name=f"P{n}-{i}")
            factories.on_roster(campaign=campaign, person=person, unit=unit, organizer=olga)
            for day, level in [(18, 3), (26, 2)]:
                data = ConversationData(happened_at=at(2, day), channel="door", assessment=level)
                conversation_log(campaign=campaign, person=person, organizer=olga, data=data)
            Rsvp.objects.create(action=action, person=person, response="yes", attended=True)


@pytest.mark.parametrize("more", [0, 12])
def test_it_makes_the_same_few_queries_whatever_the_size(
    client, story, actions, committee, more, django_assert_max_num_queries
):
    grow(story, committee, more)
    trends_refresh()  # the beat's minute: the dashboard only reads the kept weeks
    client.force_login(story["lead"])

    # The sign-up panel's one query (the drives running: none here) fits in the 15; with a
    # drive it reads two more (tests/dashboards/test_signup_panel.py).
    with django_assert_max_num_queries(15) as queries:
        response = client.get(dashboard_url(story["campaign"]), {"sort": "support"})

    assert response.status_code == 200
    assert response.context["total"].people == 7 + 4 * more
    # The actions take three: the list, their counts by assessment at the time (the turnout
    # page's definitions), and the structure test.
    assert len(queries) <= 14


def test_the_query_count_does_not_grow(client, story, actions, committee):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(story["lead"])
    url = dashboard_url(story["campaign"])
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as small:
        client.get(url, {"unit": story["units"]["Shipping"].pk})
    grow(story, committee, 10)
    trends_refresh()
    with CaptureQueriesContext(connection) as big:
        client.get(url, {"unit": story["units"]["Shipping"].pk})

    assert len(big) == len(small)


def test_the_overview_makes_the_same_few_queries_whatever_the_size(client, story, committee):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(story["lead"])
    url = reverse("committee_overview", args=[committee.pk])
    client.get(url)  # warm the session; the kept weeks brought up to date
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    grow(story, committee, 10)
    trends_refresh()  # the beat's minute
    with CaptureQueriesContext(connection) as big:
        response = client.get(url)

    assert response.context["overview"].cards[0].coverage.people == 7 + 40
    assert len(big) == len(small) <= 15


# --- The committee overview ----------------------------------------------------------------------


def test_the_overview_puts_campaigns_side_by_side(client, story, committee):
    oak = factories.campaign(committee=committee, code_name="Oak")
    factories.campaign(committee=committee, code_name="Paused").__class__.objects.filter(
        code_name="Paused"
    ).update(status="paused")
    client.force_login(story["lead"])

    response = client.get(reverse("committee_overview", args=[committee.pk]))

    overview = response.context["overview"]
    assert [card.campaign for card in overview.cards] == [story["campaign"], oak]
    harbor = overview.cards[0]
    assert (harbor.coverage.people, harbor.coverage.stats.support, harbor.overdue) == (7, 57, 2)
    # The last 12 weeks, of which Harbor has 4: its support by week, as on its dashboard.
    assert [w.support for w in harbor.weeks] == [14, 57, 42, 57]
    assert [f.person.given_name for f in overview.overdue] == ["Cal", "Hal"]  # Cal's is older
    assert [f.days_late for f in overview.overdue] == [11, 2]
    assert overview.overdue_total == 2
    html = response.content.decode()
    assert "Support by week, Harbor" in html
    assert "14% → 57%" in html


def test_an_organizer_sees_only_their_campaigns_on_the_overview(story, committee):
    oak = factories.campaign(committee=committee, code_name="Oak")
    omar = factories.member_of(committee, Membership.Role.ORGANIZER, name="Omar")
    factories.on_team(campaign=oak, user=omar)

    overview = overview_build(committee=committee, user=omar)

    assert [card.campaign for card in overview.cards] == [oak]
    assert overview.overdue == []


def test_removed_entries_keep_their_history_in_the_trends(story):
    fay = RosterEntry.objects.get(person=story["people"]["Fay"])

    assert fay.removed_at is not None
    assert build(story).weeks[0].supporters == 1  # Fay's 1 counted while she was on it


def test_action_times_read_on_the_actions_own_clock(client, story, actions, lead):
    """17:00 UTC on 20 March 2025 is noon in Chicago (daylight time): the table says noon."""
    Action.objects.filter(pk=actions["rally"].pk).update(time_zone="America/Chicago")
    client.force_login(lead)

    page = client.get(dashboard_url(story["campaign"])).content.decode()

    assert "Thu, Mar 20, noon" in page


def test_a_waiting_message_is_shown_not_a_kept_page(client, story, settings):
    """The whole page is kept for a few seconds per session, except when a message waits to
    be shown on it (it must not be swallowed by a kept copy)."""
    from django.contrib.messages import INFO
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpResponse

    settings.DASHBOARD_CACHE_SECONDS = 60
    client.force_login(story["lead"])
    url = dashboard_url(story["campaign"])
    client.get(url)  # kept now

    request = client.get(url).wsgi_request
    storage = CookieStorage(request)
    storage.add(INFO, "Saved the campaign.")
    response = HttpResponse()
    storage.update(response)  # as a redirect carrying a message would set it
    client.cookies.update(response.cookies)

    assert "Saved the campaign." in client.get(url).content.decode()
