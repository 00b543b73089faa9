"""Every file My list and the log page load is one the service worker keeps (field.ASSETS):
a stylesheet or script missing there would not load on a phone with no signal."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from campaigns.conversations.field import ASSETS
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
