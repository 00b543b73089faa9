"""What field mode keeps on a phone: every file My list and the log page load is one the
service worker keeps (field.ASSETS), and the log page holds the person but no one else's
words."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from campaigns.conversations.field import ASSETS
from campaigns.models import Conversation, FollowUp
from campaigns.roster.services import assessment_record
from tests import factories

pytestmark = pytest.mark.django_db

LOADED = re.compile(r'<(?:script|link)[^>]+(?:src|href)="(/static/[^"]+)"')


def loaded(html: str) -> set[str]:
    prefix = "/" + settings.STATIC_URL.lstrip("/")
    return {path.removeprefix(prefix) for path in LOADED.findall(html)}


def test_my_list_and_the_log_page_load_only_what_is_kept_offline(
    client, campaign, committee, team_organizer
):
    person = factories.person(committee=committee, given_name="Maria", family_name="Lopez")
    factories.on_roster(campaign=campaign, person=person, organizer=team_organizer)
    client.force_login(team_organizer)

    for url in (reverse("my_list"), reverse("conversation_new", args=[campaign.pk, person.pk])):
        files = loaded(client.get(url).content.decode())
        assert "js/field.js" in files
        assert files - set(ASSETS) == set(), url


def test_the_log_page_kept_offline_shows_the_person_but_no_one_elses_words(
    client, campaign, committee, team_organizer, outside_organizer
):
    """Assessment, last talked and open follow-ups on top of the log page; a next step shows
    only where this organizer typed it (the page stays on the phone)."""
    factories.on_team(campaign=campaign, user=outside_organizer)
    person = factories.person(committee=committee, given_name="Maria", family_name="Lopez")
    entry = factories.on_roster(campaign=campaign, person=person, organizer=team_organizer)
    assessment_record(entry=entry, level=2, happened_at=timezone.now(), recorded_by=None)
    for organizer, step in [(team_organizer, "Bring a card"), (outside_organizer, "Ask Ana")]:
        talk = Conversation.objects.create(
            campaign=campaign,
            person=person,
            organizer=organizer,
            happened_at=timezone.now(),
            channel="in_person",
        )
        FollowUp.objects.create(
            campaign=campaign,
            person=person,
            organizer=team_organizer,
            conversation=talk,
            description=step,
            due_on=timezone.localdate(),
        )
    client.force_login(team_organizer)

    page = client.get(reverse("conversation_new", args=[campaign.pk, person.pk])).content.decode()

    assert "Open follow-ups" in page and "Last talked" in page and "Assessment" in page
    assert "Bring a card" in page
    assert "Ask Ana" not in page
