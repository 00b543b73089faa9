"""A committee lead makes another lead the treasurer (who keeps the books) from the Team page,
or stops them; only a lead can be treasurer, and a treasurer who stops being a lead stops
keeping the books. Each change is audited; the Team page says who the treasurer is."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from members.audit import audit_events, audit_lines
from members.models import AuditEvent, Membership
from members.team_services import treasurer_set
from tests import factories


@pytest.fixture
def ines(committee):
    return factories.member_of(
        committee, Membership.Role.LEAD, email="ines@example.org", name="Ines Books"
    )


def treasurer_url(committee, user) -> str:
    return reverse("membership_treasurer", args=[committee.pk, user.pk])


def is_treasurer(user) -> bool:
    return Membership.objects.get(user=user).is_treasurer


def treasurer_events(committee) -> list[dict]:
    events = AuditEvent.objects.filter(committee=committee, kind=AuditEvent.Kind.TREASURER)
    return [event.detail for event in events.order_by("at")]


def audit_text(committee) -> list[str]:
    events = list(audit_events(committee=committee))
    return [line.text for line in audit_lines(events, committee=committee, campaigns={})]


def test_a_lead_makes_another_lead_treasurer_and_it_is_audited(client, committee, lead, ines):
    client.force_login(lead)

    asked = client.get(treasurer_url(committee, ines)).content.decode()
    response = client.post(treasurer_url(committee, ines), {"treasurer": "yes"})

    assert "Make Ines Books the treasurer?" in asked
    assert response.status_code == 302
    assert is_treasurer(ines)
    assert treasurer_events(committee) == [{"treasurer": True}]
    assert "Made Ines Books the treasurer" in audit_text(committee)
    page = client.get(reverse("team", args=[committee.pk])).content.decode()
    assert "Ines Books is now the treasurer." in page
    assert "badge-treasurer" in page


def test_a_lead_stops_the_treasurer_keeping_the_books(client, committee, lead, ines):
    Membership.objects.filter(user=ines).update(is_treasurer=True)
    client.force_login(lead)

    asked = client.get(treasurer_url(committee, ines)).content.decode()
    response = client.post(treasurer_url(committee, ines), {"treasurer": "no"})

    assert "Stop Ines Books keeping the books?" in asked
    assert response.status_code == 302
    assert not is_treasurer(ines)
    assert treasurer_events(committee) == [{"treasurer": False}]
    assert "Ines Books is no longer the treasurer" in audit_text(committee)


def test_the_same_choice_sent_twice_changes_and_records_it_once(client, committee, lead, ines):
    client.force_login(lead)

    client.post(treasurer_url(committee, ines), {"treasurer": "yes"})
    client.post(treasurer_url(committee, ines), {"treasurer": "yes"})

    assert is_treasurer(ines)
    assert treasurer_events(committee) == [{"treasurer": True}]


def test_an_organizer_cannot_be_made_treasurer(client, committee, lead, organizer):
    client.force_login(lead)

    asked = client.get(treasurer_url(committee, organizer)).content.decode()
    response = client.post(treasurer_url(committee, organizer), {"treasurer": "yes"})

    assert "Only a committee lead can be the treasurer: change their role first." in asked
    assert "Make treasurer" not in asked  # no button: it would be refused
    assert response.status_code == 422
    assert "Only a committee lead can be the treasurer." in response.content.decode()
    assert not is_treasurer(organizer)
    assert treasurer_events(committee) == []


def test_the_service_refuses_a_member_too(committee, lead, member):
    with pytest.raises(ValidationError, match="Only a committee lead"):
        treasurer_set(membership=Membership.objects.get(user=member), is_treasurer=True, by=lead)


def test_a_post_without_the_choice_is_refused(client, committee, lead, ines):
    client.force_login(lead)

    response = client.post(treasurer_url(committee, ines))

    assert response.status_code == 422
    assert "Choose whether they keep the books." in response.content.decode()
    assert not is_treasurer(ines)


def test_a_treasurer_who_stops_being_a_lead_stops_being_treasurer(client, committee, lead, ines):
    Membership.objects.filter(user=ines).update(is_treasurer=True)
    client.force_login(lead)

    response = client.post(
        reverse("membership_role", args=[committee.pk, ines.pk]), {"role": "organizer"}
    )

    assert response.status_code == 302
    assert Membership.objects.get(user=ines).role == "organizer"
    assert not is_treasurer(ines)
    assert treasurer_events(committee) == [{"treasurer": False}]


def test_the_team_page_shows_the_treasurer_and_offers_it_to_leads_only(
    client, committee, lead, ines, organizer
):
    Membership.objects.filter(user=ines).update(is_treasurer=True)
    client.force_login(lead)

    page = client.get(reverse("team", args=[committee.pk])).content.decode()

    assert treasurer_url(committee, ines) in page  # to stop them
    assert treasurer_url(committee, lead) in page  # to make them
    assert treasurer_url(committee, organizer) not in page
    assert page.count('class="badge badge-treasurer"') == 1


def test_an_organizer_sees_who_the_treasurer_is_but_cannot_change_it(
    client, committee, lead, ines, team_organizer
):
    Membership.objects.filter(user=ines).update(is_treasurer=True)
    client.force_login(team_organizer)

    page = client.get(reverse("team", args=[committee.pk])).content.decode()
    response = client.post(treasurer_url(committee, lead), {"treasurer": "yes"})

    assert 'class="badge badge-treasurer"' in page
    assert treasurer_url(committee, ines) not in page
    assert response.status_code == 403
    assert not is_treasurer(lead)
