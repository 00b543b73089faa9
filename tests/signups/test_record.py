"""Recording a paper signature and a revocation, as an organizer on the team or a lead:
the form, what a bad date says, a second signature kept as one, a closed drive, and another
campaign's ids refused."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from campaigns.models import Signature, SignatureRevocation
from campaigns.signups.services import drive_close, signature_record
from tests import factories
from tests.signups.record_story import NOW, TODAY, card_drive, in_los_angeles

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def drive(committee, campaign):
    in_los_angeles(committee)
    return card_drive(campaign)


@pytest.fixture
def ana(committee, campaign):
    person = factories.person(committee=committee, given_name="Ana", family_name="Reyes")
    factories.on_roster(campaign=campaign, person=person)
    return person


def add_url(drive, person, campaign=None):
    campaign_id = campaign.pk if campaign else drive.campaign_id
    return reverse("signature_add", args=[campaign_id, drive.pk, person.pk])


def paper(**fields):
    return {"signed_on": "2026-12-03", "paper_kept_at": "Blue binder", **fields}


def test_it_offers_the_committees_today_and_the_organizer_as_collector(
    client, team_organizer, drive, ana
):
    client.force_login(team_organizer)

    page = client.get(add_url(drive, ana)).content.decode()

    assert 'value="2026-12-04"' in page  # Friday in Los Angeles, Saturday in UTC
    assert f'<option value="{team_organizer.pk}" selected>Nina Okafor</option>' in page
    assert "Harbor union card" in page


def test_it_records_a_paper_signature_and_returns_to_the_person(
    client, team_organizer, lead, drive, ana
):
    client.force_login(team_organizer)

    response = client.post(add_url(drive, ana), paper(collected_by=lead.pk), follow=True)

    signature = Signature.objects.get(person=ana)
    assert (signature.signed_on, signature.method) == (date(2026, 12, 3), "paper")
    assert (signature.collected_by, signature.recorded_by) == (lead, team_organizer)
    assert signature.paper_kept_at == "Blue binder"
    assert response.redirect_chain[-1][0] == reverse("person_detail", args=[ana.pk])
    assert "Recorded: Ana Reyes signed on" in response.content.decode()


def test_htmx_answers_with_the_persons_standing_in_place(client, team_organizer, drive, ana):
    client.force_login(team_organizer)

    response = client.post(
        add_url(drive, ana), paper(collected_by=team_organizer.pk), headers={"HX-Request": "true"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert f'id="signup-{drive.pk}-{ana.pk}"' in page
    assert "Signed on" in page and "Record revoked" in page
    assert 'hx-swap-oob="true"' in page  # the message comes with it


@pytest.mark.parametrize(
    ("day", "says"),
    [
        ("2026-12-05", "cannot be dated in the future"),  # UTC's today, not the committee's
        ("2026-10-31", "The drive opened on"),
    ],
)
def test_a_date_that_does_not_fit_is_422_with_the_values_kept(
    client, team_organizer, drive, ana, day, says
):
    client.force_login(team_organizer)

    response = client.post(
        add_url(drive, ana), paper(signed_on=day, collected_by=team_organizer.pk)
    )

    page = response.content.decode()
    assert response.status_code == 422
    assert says in page
    assert f'value="{day}"' in page and 'value="Blue binder"' in page
    assert not Signature.objects.exists()


def test_a_signature_after_the_drive_closed_is_409_with_the_reason(
    client, team_organizer, drive, ana
):
    with time_machine.travel(date(2026, 12, 1), tick=False):
        drive_close(drive=drive, actor=None)
    client.force_login(team_organizer)

    response = client.post(add_url(drive, ana), paper(collected_by=team_organizer.pk))

    assert response.status_code == 409
    assert "This drive closed on" in response.content.decode()
    assert not Signature.objects.exists()


def test_a_second_signature_is_kept_as_one_the_first_date_wins(client, team_organizer, drive, ana):
    signature_record(drive=drive, person=ana, signed_on=date(2026, 11, 20), method="paper")
    client.force_login(team_organizer)

    response = client.post(add_url(drive, ana), paper(collected_by=team_organizer.pk), follow=True)

    assert "Ana Reyes already signed on" in response.content.decode()
    assert "kept as one" in response.content.decode()
    assert list(Signature.objects.values_list("signed_on", flat=True)) == [date(2026, 11, 20)]


def test_the_language_is_asked_when_the_drive_has_several(client, team_organizer, campaign, ana):
    in_los_angeles(campaign.committee)
    drive = card_drive(campaign, title="Two languages", texts={"en": "Yes.", "es": "Sí."})
    client.force_login(team_organizer)
    spanish = drive.texts.get(language="es")

    client.post(add_url(drive, ana), paper(collected_by=team_organizer.pk, text=spanish.pk))

    assert Signature.objects.get().text == spanish


def test_the_collector_must_be_on_the_team(client, team_organizer, outside_organizer, drive, ana):
    client.force_login(team_organizer)

    response = client.post(add_url(drive, ana), paper(collected_by=outside_organizer.pk))

    assert response.status_code == 422
    assert not Signature.objects.exists()


def test_an_organizer_records_a_revocation_and_the_signature_stays(
    client, team_organizer, drive, ana
):
    signature = signature_record(
        drive=drive, person=ana, signed_on=date(2026, 11, 20), method="paper"
    ).signature
    client.force_login(team_organizer)
    url = reverse("signature_revoke_record", args=[drive.campaign_id, drive.pk, signature.pk])

    assert 'value="2026-12-04"' in client.get(url).content.decode()
    response = client.post(url, {"revoked_on": "2026-12-02", "reason": "Scared"}, follow=True)

    revocation = SignatureRevocation.objects.get(signature=signature)
    assert (revocation.revoked_on, revocation.by_signer) == (date(2026, 12, 2), False)
    assert (revocation.reason, revocation.recorded_by) == ("Scared", team_organizer)
    assert "Recorded: Ana Reyes revoked on" in response.content.decode()
    assert Signature.objects.filter(pk=signature.pk).exists()


def test_a_revocation_before_the_signature_is_422(client, team_organizer, drive, ana):
    signature = signature_record(
        drive=drive, person=ana, signed_on=date(2026, 11, 20), method="paper"
    ).signature
    client.force_login(team_organizer)
    url = reverse("signature_revoke_record", args=[drive.campaign_id, drive.pk, signature.pk])

    response = client.post(url, {"revoked_on": "2026-11-19", "reason": "x"})

    assert response.status_code == 422
    assert "cannot be revoked before that" in response.content.decode()
    assert not SignatureRevocation.objects.exists()


def test_someone_off_the_roster_is_404(client, team_organizer, committee, drive):
    stranger = factories.person(committee=committee, given_name="Stranger")
    client.force_login(team_organizer)

    assert client.get(add_url(drive, stranger)).status_code == 404


def test_another_campaigns_drive_person_and_signature_are_404(
    client, lead, committee, campaign, drive, ana
):
    other = factories.campaign(committee=committee, code_name="Oak")
    their_drive = card_drive(other, title="Oak card")
    bo = factories.person(committee=committee, given_name="Bo")
    factories.on_roster(campaign=other, person=bo)
    theirs = signature_record(drive=their_drive, person=bo, signed_on=TODAY, method="paper")
    client.force_login(lead)  # sees both campaigns, but not B's objects under A's address

    for url in [
        reverse("signature_add", args=[campaign.pk, their_drive.pk, ana.pk]),
        reverse("signature_add", args=[campaign.pk, drive.pk, bo.pk]),
        reverse("signature_revoke_record", args=[campaign.pk, drive.pk, theirs.signature.pk]),
        reverse("signature_revoke_record", args=[campaign.pk, their_drive.pk, theirs.signature.pk]),
    ]:
        assert client.get(url).status_code == 404
        assert client.post(url, paper(revoked_on="2026-12-04")).status_code == 404
    assert Signature.objects.count() == 1


def test_an_organizer_not_on_the_team_gets_404(client, outside_organizer, drive, ana):
    client.force_login(outside_organizer)

    assert client.post(add_url(drive, ana), paper()).status_code == 404
