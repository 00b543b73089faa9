"""One turnout, the same on every page: a lead opens a meeting that happened two days ago,
closes it out from the action page (which no longer offers to cancel it), then reads its
numbers on the action page, its turnout page and the campaign dashboard. Every number was
counted by hand and each page shows the same ones, with who came split by assessment at the
time of the action, not today's."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from campaigns.actions.services.actions import action_cancel
from campaigns.actions.services.checkin import attendance_set, walk_in_add
from campaigns.models import Action, RosterEntry, Rsvp
from campaigns.roster.services import assessment_record
from tests import factories

# Who was on the list, what they answered, their assessment at the time of the meeting (None:
# unassessed then) and whether they came. Each person is assessed again the day after, at a
# different level (or first assessed then), so a page using today's assessment shows other
# numbers.
PEOPLE = [
    *[(f"Yes{i}", "yes", level, True) for i, level in enumerate([1, 1, 2, 2, 2, 3, None])],
    *[(f"Stayed{i}", "yes", level, False) for i, level in enumerate([3, 4, 5])],
    ("Maybe0", "maybe", 3, True),
    ("Maybe1", "maybe", 4, True),
    ("Maybe2", "maybe", 2, False),
    ("Silent0", "", 5, True),
    ("Silent1", "", 3, False),
    ("Nope", "no", 5, False),
]
# Counted by hand: 10 said yes, 7 of them came (70 %); 2 of the 3 maybes, 1 of the 2 who had
# not answered and 1 walk-in came as well: 11 came in all; the 3 yeses who stayed home become
# no-shows at close-out.
# Who came, by assessment at the time: 1: Yes0, Yes1 · 2: Yes2–4 · 3: Yes5, Maybe0 ·
# 4: Maybe1 · 5: Silent0 · unassessed: Yes6 and the walk-in.
CAME_THEN = {"1": "2", "2": "3", "3": "2", "4": "1", "5": "1", "–": "2"}
# Said yes, by assessment at the time: 1: 2 · 2: 3 · 3: Yes5, Stayed0 · 4: 1 · 5: 1 · none: 1.
SAID_YES_THEN = {"1": "2", "2": "3", "3": "2", "4": "1", "5": "1", "none": "1"}


@pytest.fixture
def meeting(committee, campaign, team_organizer):
    start = timezone.now() - timedelta(days=2)
    meeting = Action.objects.create(
        committee=committee,
        campaign=campaign,
        title="Tuesday meeting",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        time_zone="America/Chicago",
    )
    for given, response, level, came in PEOPLE:
        person = factories.person(committee=committee, given_name=given, family_name="Test")
        entry = factories.on_roster(campaign=campaign, person=person)
        if level is not None:
            assessment_record(
                entry=entry, level=level, happened_at=start - timedelta(days=3), recorded_by=None
            )
        today = 1 if level is None else level % 5 + 1
        assessment_record(
            entry=entry, level=today, happened_at=start + timedelta(days=1), recorded_by=None
        )
        Rsvp.objects.create(
            action=meeting, person=person, invited_at=start - timedelta(days=7), response=response
        )
        if came:
            attendance_set(action=meeting, person=person, attended=True, by=team_organizer)
    walk_in_add(action=meeting, given_name="Gus", phone="+13125550111", by=team_organizer)
    gus = RosterEntry.objects.get(campaign=campaign, person__given_name="Gus")
    assessment_record(entry=gus, level=2, happened_at=start + timedelta(days=1), recorded_by=None)
    return meeting


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("&nbsp;", " ").split())


def by_id(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)</(p|strong|dd|li|tr)>', html, re.S)
    assert match, element_id
    return text(match.group(1))


def terms(html: str) -> dict[str, str]:
    """The first definition list's terms and numbers, as read on the page."""
    listing = re.search(r"<dl.*?</dl>", html, re.S)
    assert listing
    pairs = re.findall(r"<dt>(.*?)</dt>\s*<dd[^>]*>(.*?)</dd>", listing.group(0), re.S)
    return {text(term): text(number) for term, number in pairs}


def test_a_finished_action_offers_close_out_and_turnout_not_cancel(client, lead, meeting):
    client.force_login(lead)
    page = client.get(reverse("action_detail", args=[meeting.pk])).content.decode()

    assert "Cancel the action" not in page
    assert "Turnout and close-out" in page
    assert "3 people said yes and were not checked in." in page
    response = client.post(reverse("action_close_out", args=[meeting.pk]), follow=True)
    assert "Closed out: 3 no-shows recorded." in response.content.decode()

    # Asked anyway (an old link, another tab), the cancellation is refused and says why.
    cancel_url = reverse("action_cancel", args=[meeting.pk])
    assert "This action is over" in client.get(cancel_url).content.decode()
    response = client.post(cancel_url, follow=True)
    assert "This action is over: it can no longer be cancelled." in response.content.decode()
    with pytest.raises(ValidationError, match="no longer be cancelled"):
        action_cancel(action=meeting, by=lead)
    meeting.refresh_from_db()
    assert meeting.cancelled_at is None


def test_an_action_not_over_yet_can_still_be_cancelled(client, lead, meeting):
    meeting.ends_at = timezone.now() + timedelta(hours=1)
    meeting.save(update_fields=["ends_at"])
    client.force_login(lead)

    assert (
        "Cancel the action"
        in client.get(reverse("action_detail", args=[meeting.pk])).content.decode()
    )
    assert action_cancel(action=meeting, by=lead) is True


def test_the_action_page_the_turnout_page_and_the_dashboard_show_the_same_numbers(
    client, lead, campaign, meeting
):
    client.force_login(lead)
    client.post(reverse("action_close_out", args=[meeting.pk]))

    action_page = client.get(reverse("action_detail", args=[meeting.pk])).content.decode()
    turnout_page = client.get(reverse("action_turnout", args=[meeting.pk])).content.decode()
    dashboard = client.get(reverse("campaign_dashboard", args=[campaign.pk])).content.decode()

    # The answers: the same on the action page and the turnout page.
    answers = {"Invited": "16", "Yes": "10", "Maybe": "3", "No": "1", "No answer": "2"}
    assert terms(action_page).items() >= {**answers, "Walk-ins": "1"}.items()
    assert (
        terms(turnout_page).items()
        >= {
            **answers,
            "Came, of those who said yes": "7",
            "Came, everyone": "11",
            "Walk-ins": "1",
            "No-shows": "3",
        }.items()
    )

    # Turnout, named and the same on both action pages.
    for page in (action_page, turnout_page):
        assert "Turnout: came ÷ said yes" in page
        assert by_id(page, "turnout-rate") == "70%"
        assert by_id(page, "turnout-sentence") == "7 of the 10 people who said yes came."
        assert by_id(page, "turnout-maybe-came") == "2 who said maybe"
        assert by_id(page, "turnout-no-answer-came") == "1 invited who had not answered"
        assert by_id(page, "turnout-walk-ins-came") == "1 walk-in"

    # The dashboard's row: said yes, of them came, turnout, also came, then who came by
    # assessment at the time of the action.
    row = re.search(rf'<tr data-action="{meeting.pk}">(.*?)</tr>', dashboard, re.S)
    assert row
    cells = [text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)]
    assert cells[1:5] == ["10", "7", "70%", "4"]
    assert "Who came, by assessment at the time of the action" in dashboard
    assert dict(re.findall(r"(\d|–) (\d+)", cells[5])) == CAME_THEN

    # The turnout page's table by assessment at the time agrees, level by level.
    assert "By assessment at the time of the action" in turnout_page
    for level, said_yes in SAID_YES_THEN.items():
        line = re.search(rf'<tr id="turnout-level-{level}">.*?</tr>', turnout_page)
        assert line
        came = CAME_THEN["–" if level == "none" else level]
        assert re.findall(r"<td>(\d+)</td>", line.group(0)) == [said_yes, came]
