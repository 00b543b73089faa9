"""The person page read on a phone (issue 15, item 8): the one-on-ones first, long notes
clamped behind "Show all", words that wrap whole, and names in any script kept whole."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from campaigns.conversations.services.log import ConversationData, conversation_log
from campaigns.models import PersonNote
from tests import factories

MIXED = "مريم Cohen כהן"  # Arabic, Latin and Hebrew in one name


def page_url(person) -> str:
    return reverse("person_detail", args=[person.pk])


def log(campaign, person, organizer, **fields):
    data = ConversationData(
        happened_at=timezone.now() - timedelta(hours=2), channel="in_person", **fields
    )
    return conversation_log(campaign=campaign, person=person, organizer=organizer, data=data)


@pytest.fixture
def maria(committee, campaign, team_organizer):
    person = factories.person(committee=committee, given_name="Maria", family_name="Lopez")
    factories.on_roster(campaign=campaign, person=person, organizer=team_organizer)
    return person


def test_it_shows_the_one_on_ones_before_the_detail_cards(client, campaign, team_organizer, maria):
    log(campaign, maria, team_organizer, notes="Talked about the heat.")
    client.force_login(team_organizer)

    page = client.get(page_url(maria)).content.decode()

    history = page.index('id="people-activity-title"')
    assert page.index('id="person-header"') < history
    assert history < page.index('id="person-details"')
    assert history < page.index('id="person-notes"')


def test_it_clamps_a_long_note_behind_show_all_and_leaves_a_short_one_whole(
    client, campaign, team_organizer, maria
):
    long_note = "We talked about wages and the night shift. " * 250  # about 10,000 characters
    PersonNote.objects.create(person=maria, campaign=campaign, text=long_note)
    log(campaign, maria, team_organizer, notes="Short and sweet.")
    log(campaign, maria, team_organizer, notes="\n".join(f"Line {n}" for n in range(20)))
    client.force_login(team_organizer)

    page = client.get(page_url(maria)).content.decode()

    clamped = re.findall(r'<div class="people-clamp">(.*?)</label>', page, re.S)
    assert len(clamped) == 2  # the campaign note and the twenty-line conversation note
    assert all("Show all" in block and 'type="checkbox"' in block for block in clamped)
    assert "Short and sweet." not in "".join(clamped)
    assert page.count("We talked about wages") == 250  # clamped on screen, nothing cut


def test_words_wrap_whole_on_the_person_page():
    """overflow-wrap: anywhere lets a grid squeeze an answer to a letter's width ("Wag/es")."""
    css = (Path(settings.BASE_DIR) / "static" / "css" / "people.css").read_text()

    assert not re.search(r"overflow-wrap:\s*anywhere|word-break:\s*break-all", css)
    assert re.search(r"\.people-facts dd \{[^}]*overflow-wrap: break-word", css)


def test_a_name_mixing_arabic_hebrew_and_latin_is_kept_whole(
    client, campaign, team_organizer, committee
):
    person = factories.person(committee=committee, given_name=MIXED)
    factories.on_roster(campaign=campaign, person=person, organizer=team_organizer)
    log(campaign, person, team_organizer, notes="قال إنه سيأتي to the meeting")
    client.force_login(team_organizer)

    profile = client.get(page_url(person)).content.decode()
    chart = client.get(reverse("campaign_chart", args=[campaign.pk])).content.decode()
    my_list = client.get("/my-list/").content.decode()

    assert f"<h1><bdi>{MIXED}</bdi>" in profile
    assert f'<dd dir="auto">{MIXED}</dd>' in profile
    assert '<div class="people-talk-notes" dir="auto"><p>قال إنه سيأتي' in profile
    assert f"<bdi>{MIXED}</bdi>" in chart
    assert f"<bdi>{MIXED}</bdi>" in my_list
