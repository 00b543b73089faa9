"""The lead's join page settings: open and close the page, see its address, give it a new
one, set its wording per language; and who joined on the form lately, to follow up."""

import pytest
from django.urls import reverse

from campaigns.models import DuesPlan, JoinText
from campaigns.power.join import JoinData, join_page_for, public_join
from members.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db


def settings_url(committee) -> str:
    return reverse("join_settings", args=[committee.pk])


def set_url(committee) -> str:
    return reverse("join_page_set", args=[committee.pk])


def test_a_lead_opens_the_page_and_sees_its_address_then_closes_it(client, committee, lead):
    client.force_login(lead)
    assert "The page is closed" in client.get(settings_url(committee)).content.decode()

    response = client.post(set_url(committee), {"open": "1"}, follow=True)

    page = join_page_for(committee)
    html = response.content.decode()
    assert page.is_open
    assert "The join page is open." in html
    assert f"/join/{page.key}/" in html
    client.post(set_url(committee), {"open": "0"})
    page.refresh_from_db()
    assert not page.is_open
    assert f"/join/{page.key}/" not in client.get(settings_url(committee)).content.decode()
    changes = (
        AuditEvent.objects.filter(kind=AuditEvent.Kind.MEMBER)
        .order_by("pk")
        .values_list("detail__change", flat=True)
    )
    assert list(changes) == ["join_page_opened", "join_page_closed"]


def test_a_new_address_stops_the_old_one_and_keeps_the_page_open(client, committee, lead):
    client.force_login(lead)
    client.post(set_url(committee), {"open": "1"})
    old = join_page_for(committee).key

    client.post(set_url(committee), {"new": "1"})

    page = join_page_for(committee)
    assert page.key != old and page.is_open
    assert client.get(f"/join/{old}/").status_code == 404
    assert client.get(f"/join/{page.key}/").status_code == 200


def test_a_lead_sets_the_spanish_wording_and_empties_it_back_to_the_standard(
    client, committee, lead
):
    client.force_login(lead)

    client.post(settings_url(committee), {"en": "", "es": "  Me uno al comité.  "})

    page = join_page_for(committee)
    assert dict(page.texts.values_list("language", "text")) == {"es": "Me uno al comité."}
    client.post(settings_url(committee), {"en": "", "es": ""})
    assert not JoinText.objects.exists()


def test_a_wording_too_long_is_refused_with_the_text_kept(client, committee, lead):
    client.force_login(lead)

    response = client.post(settings_url(committee), {"en": "x" * 2001, "es": ""})

    assert response.status_code == 422
    assert "at most 2000 characters" in response.content.decode()


def test_who_joined_on_the_form_is_listed_to_follow_up_with_whether_they_are_placed(
    client, committee, lead, campaign
):
    plan = DuesPlan.objects.create(committee=committee, name="Monthly", amount=1000)
    page = join_page_for(committee)
    for name, email in [("Ana Ruiz", "ana@example.org"), ("Bo Chen", "bo@example.org")]:
        data = JoinData(
            name=name,
            email=email,
            phone="",
            language="en",
            email_ok=True,
            sms_ok=False,
            wording="I am joining.",
            plan=plan,
            pay_method="cash",
        )
        public_join(page=page, data=data)
    bo = page.committee.members.get(person__given_name="Bo Chen").person
    factories.on_roster(campaign=campaign, person=bo)
    client.force_login(lead)

    html = client.get(settings_url(committee)).content.decode()

    section = html.split("New from the join form")[1]
    ana_item, bo_item = (
        next(item for item in section.split("<li>") if name in item)
        for name in ["Ana Ruiz", "Bo Chen"]
    )
    assert "not on a roster yet" in ana_item
    assert "not on a roster yet" not in bo_item
