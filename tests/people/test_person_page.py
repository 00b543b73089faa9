"""The person page: details, channels, consent, notes and tags edited in place, and where they
are on the rosters of the campaigns the viewer may see — and only those.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Assessment, PersonNote
from campaigns.roster.services import assessment_record, roster_remove
from members.models import Person, PersonEmail, PersonPhone, Tag
from members.templatetags.dates import day_short
from tests import factories

HTMX = {"HX-Request": "true"}


def page_url(person) -> str:
    return reverse("person_detail", args=[person.pk])


def edit_url(person, section: str) -> str:
    return reverse(f"person_edit_{section}", args=[person.pk])


@pytest.fixture
def oak(outside_organizer):
    """Campaign "Oak", where outside_organizer is on the team (and not on Harbor's)."""
    return outside_organizer.campaign_roles.get().campaign


@pytest.fixture
def maria(committee, campaign):
    """Maria Lopez, on Harbor's roster, on the night shift of Floor 1, assessed twice."""
    person = factories.person(
        committee=committee,
        given_name="Maria",
        family_name="Lopez",
        pronouns="she/her",
    )
    PersonNote.objects.create(
        person=person, campaign=campaign, text="Talked about the heat on the loading dock."
    )
    PersonPhone.objects.create(person=person, number="+14155552671", is_primary=True)
    PersonEmail.objects.create(person=person, email="maria@example.org", is_primary=True)
    person.tags.add(Tag.objects.create(committee=committee, name="Spanish speaker"))
    site = factories.site(campaign=campaign, name="Warehouse")
    floor = factories.unit(site=site, name="Floor 1")
    entry = factories.on_roster(
        campaign=campaign,
        person=person,
        unit=factories.unit(site=site, name="Dock", parent=floor),
        title="Picker",
        shift="Nights",
        is_leader=True,
    )
    now = timezone.now()
    assessment_record(entry=entry, level=3, happened_at=now - timedelta(days=9), recorded_by=None)
    assessment_record(entry=entry, level=2, happened_at=now - timedelta(days=1), recorded_by=None)
    return person


# --- Reading -------------------------------------------------------------------------------------


def test_it_shows_a_team_organizer_the_person_and_their_place(client, team_organizer, maria):
    client.force_login(team_organizer)

    response = client.get(page_url(maria))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Maria Lopez" in page and "she/her" in page
    assert "(415) 555-2671" in page, "phones are shown as people read them"
    assert "maria@example.org" in page and "Spanish speaker" in page
    assert "heat on the loading dock" in page
    assert "Harbor" in page and "Warehouse › Floor 1 › Dock" in page
    assert "Picker" in page and "Nights" in page and "Leader" in page
    assert "2 · Supporter, will act publicly" in page
    history = page.index("Assessment history")
    assert page.index("2 · Supporter", history) < page.index("3 · Undecided", history)


def test_it_shows_unassessed_never_a_number(client, committee, campaign, team_organizer):
    new = factories.person(committee=committee, given_name="Ana")
    factories.on_roster(campaign=campaign, person=new)
    client.force_login(team_organizer)

    page = client.get(page_url(new)).content.decode()

    assert "Unassessed" in page
    assert not any(str(label) in page for _level, label in Assessment.choices)


def test_it_shows_a_removed_position_with_its_date_and_reason(client, lead, maria):
    entry = maria.roster_entries.get()
    roster_remove(entry=entry, reason="Moved away")
    entry.refresh_from_db()
    client.force_login(lead)

    page = client.get(page_url(maria)).content.decode()

    assert f"Removed on {day_short(entry.removed_at)}: Moved away" in page
    assert "Change placement" not in page


def test_it_warns_about_do_not_contact_before_anything_else(client, team_organizer, maria):
    maria.do_not_contact, maria.do_not_contact_reason = True, "Her manager reads her texts"
    maria.save()
    client.force_login(team_organizer)

    page = client.get(page_url(maria)).content.decode()

    warning = page.index("Her manager reads her texts")
    assert warning < page.index("Details")
    assert 'role="alert"' in page
    assert 'href="tel:' not in page, "no one-tap call to someone who must not be contacted"


def test_it_shows_the_committee_lead_everyone_and_the_merge_link(client, lead, maria):
    client.force_login(lead)

    page = client.get(page_url(maria)).content.decode()

    assert "Harbor" in page
    assert reverse("person_merge", args=[maria.pk]) in page


def test_it_offers_no_merge_to_an_organizer(client, team_organizer, maria):
    client.force_login(team_organizer)

    page = client.get(page_url(maria)).content.decode()

    assert reverse("person_merge", args=[maria.pk]) not in page


def test_it_hides_a_person_only_on_harbor_from_an_organizer_of_oak(
    client, outside_organizer, maria
):
    client.force_login(outside_organizer)

    response = client.get(page_url(maria))

    assert response.status_code == 404
    assert "Maria" not in response.content.decode()


def test_it_shows_an_organizer_of_oak_the_person_but_never_their_harbor_position(
    client, outside_organizer, oak, maria
):
    """The privacy heart of the page: Maria is on Harbor and on Oak. Oak's organizer may see
    Maria, and her place on Oak, but nothing of Harbor: not its name, unit, title,
    organizer, nor her assessment there."""
    factories.on_roster(campaign=oak, person=maria, title="Cashier")
    client.force_login(outside_organizer)

    response = client.get(page_url(maria))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Oak" in page and "Cashier" in page and "Unassessed" in page
    for harbor in ["Harbor", "Warehouse", "Dock", "Picker", "Nights", "Supporter", "Undecided"]:
        assert harbor not in page, f"{harbor!r} of the Harbor roster leaked"
    assert [entry.campaign for entry in response.context["positions"]] == [oak]


def test_it_hides_the_harbor_position_from_oak_even_once_removed(
    client, outside_organizer, oak, maria
):
    roster_remove(entry=factories.on_roster(campaign=oak, person=maria), reason="Quit or left")
    factories.on_roster(campaign=oak, person=maria, title="Cashier")  # back on Oak's roster
    client.force_login(outside_organizer)

    page = client.get(page_url(maria)).content.decode()

    assert "Oak" in page and "Harbor" not in page


def test_it_closes_the_person_to_a_team_once_they_are_off_its_roster(
    client, outside_organizer, oak, maria
):
    """Putting someone on a roster for a moment must not open their record for good."""
    entry = factories.on_roster(campaign=oak, person=maria)
    client.force_login(outside_organizer)
    assert client.get(page_url(maria)).status_code == 200

    roster_remove(entry=entry, reason="Quit or left")

    assert client.get(page_url(maria)).status_code == 404
    assert client.get(edit_url(maria, "contact")).status_code == 404


def test_it_still_shows_a_lead_someone_taken_off_every_roster(client, lead, maria):
    roster_remove(entry=maria.roster_entries.get(), reason="Moved away")
    client.force_login(lead)

    assert client.get(page_url(maria)).status_code == 200


@pytest.mark.parametrize("persona", ["member", "outsider", "outside_organizer"])
def test_it_hides_the_person_and_their_sections_from_outside(client, maria, persona, request):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(page_url(maria)).status_code == 404
    for section in ["details", "contact", "consent", "notes", "tags"]:
        assert client.get(edit_url(maria, section)).status_code == 404
        assert client.post(edit_url(maria, section), {"given_name": "X"}).status_code == 404
    maria.refresh_from_db()
    assert maria.given_name == "Maria"


def test_it_reads_the_page_in_a_fixed_number_of_queries(
    client, committee, campaign, lead, maria, django_assert_max_num_queries
):
    for number in range(5):
        other = factories.campaign(committee=committee, code_name=f"Campaign {number}")
        site = factories.site(campaign=other, name=f"Site {number}")
        unit = factories.unit(site=site, name="Top", parent=factories.unit(site=site, name="Root"))
        entry = factories.on_roster(campaign=other, person=maria, unit=unit, organizer=lead)
        for days in range(3):
            assessment_record(
                entry=entry,
                level=days + 1,
                happened_at=timezone.now() - timedelta(days=days),
                recorded_by=lead,
            )
    client.force_login(lead)

    # 11 for the page and its rosters, 3 for one-on-ones, follow-ups and scheduled talks,
    # 1 for the messages sent to the person, 1 for the open sign-up drives (none here; with
    # any, 2 more: tests/signups/test_person_page_signups.py).
    # a lead's possible duplicates, the notes; the membership (is the viewer the treasurer, the
    # member)
    with django_assert_max_num_queries(20):
        response = client.get(page_url(maria))

    assert len(response.context["positions"]) == 6


# --- Editing in place ----------------------------------------------------------------------------


def test_it_gives_htmx_the_section_form_and_saves_it_back_read_only(client, team_organizer, maria):
    client.force_login(team_organizer)

    form = client.get(edit_url(maria, "details"), headers=HTMX)
    saved = client.post(
        edit_url(maria, "details"),
        {
            "given_name": "Maria",
            "family_name": "López",
            "preferred_name": "Mari",
            "pronouns": "she/her",
            "preferred_language": "es",
            "preferred_channel": "sms",
        },
        headers=HTMX,
    )

    assert form.status_code == 200
    assert form.content.decode().lstrip().startswith('<section class="card people-section')
    assert 'name="given_name"' in form.content.decode()
    assert saved.status_code == 200
    page = saved.content.decode()
    assert 'id="person-details"' in page and 'name="given_name"' not in page
    assert "Mari López" in page, "the header is swapped out of band with the new name"
    assert 'hx-swap-oob="true"' in page and "Saved." in page
    maria.refresh_from_db()
    assert (maria.preferred_name, maria.preferred_language, maria.preferred_channel) == (
        "Mari",
        "es",
        "sms",
    )


def test_it_keeps_what_was_typed_when_a_section_is_invalid(client, team_organizer, maria):
    client.force_login(team_organizer)

    response = client.post(
        edit_url(maria, "details"),
        {"given_name": "", "family_name": "Lopez-Garcia", "pronouns": "she/they"},
        headers=HTMX,
    )

    assert response.status_code == 422
    page = response.content.decode()
    assert 'value="Lopez-Garcia"' in page and 'value="she/they"' in page
    assert "This field is required." in page
    maria.refresh_from_db()
    assert maria.family_name == "Lopez"


def test_it_works_without_htmx_as_a_page_and_a_redirect(client, campaign, team_organizer, maria):
    client.force_login(team_organizer)

    page = client.get(edit_url(maria, "notes"))
    saved = client.post(
        edit_url(maria, "notes"), {f"note_{campaign.pk}": "Wants to host a meeting."}
    )

    assert page.status_code == 200 and "<html" in page.content.decode()
    assert saved.status_code == 302 and saved["Location"] == page_url(maria)
    assert PersonNote.objects.get(person=maria).text == "Wants to host a meeting."


def test_it_adds_a_phone_typed_any_way_and_makes_it_primary(client, lead, team_organizer, maria):
    """The organizer adds it; only a lead makes it the primary (test_person_notes.py)."""
    client.force_login(team_organizer)
    first = maria.phones.get()

    response = client.post(
        edit_url(maria, "contact"),
        {"new_phone": "(212) 555-0199", "new_phone_label": "work", "primary_phone": first.pk},
        headers=HTMX,
    )
    added = maria.phones.get(number="+12125550199")
    client.force_login(lead)
    again = client.post(edit_url(maria, "contact"), {"primary_phone": added.pk}, headers=HTMX)

    assert response.status_code == 200 and "(212) 555-0199" in response.content.decode()
    assert added.label == "work"
    assert again.status_code == 200
    assert dict(maria.phones.values_list("number", "is_primary")) == {
        "+14155552671": False,
        "+12125550199": True,
    }


def test_it_refuses_a_bad_phone_and_keeps_the_other_fields(client, team_organizer, maria):
    client.force_login(team_organizer)

    response = client.post(
        edit_url(maria, "contact"),
        {"new_phone": "call me", "new_phone_label": "home", "new_email": "new@example.org"},
        headers=HTMX,
    )

    assert response.status_code == 422
    page = response.content.decode()
    assert "is not a phone number" in page
    assert 'value="call me"' in page and 'value="home"' in page
    assert 'value="new@example.org"' in page
    assert maria.phones.count() == 1 and maria.emails.count() == 1


def test_it_refuses_a_phone_already_listed_however_typed(client, team_organizer, maria):
    client.force_login(team_organizer)

    response = client.post(edit_url(maria, "contact"), {"new_phone": "415 555 2671"})

    assert response.status_code == 422
    assert "already listed" in response.content.decode()


def test_it_removes_the_primary_email_and_promotes_the_next(client, team_organizer, maria):
    first = maria.emails.get()
    second = PersonEmail.objects.create(person=maria, email="m.lopez@example.org")
    client.force_login(team_organizer)

    response = client.post(
        edit_url(maria, "contact"), {"remove_emails": [first.pk], "primary_email": first.pk}
    )

    assert response.status_code == 302
    assert list(maria.emails.values_list("pk", "is_primary")) == [(second.pk, True)]


def test_it_ignores_channel_ids_of_someone_else(client, committee, team_organizer, maria):
    other = factories.person(committee=committee, given_name="Other")
    theirs = PersonPhone.objects.create(person=other, number="+13125550188")
    client.force_login(team_organizer)

    response = client.post(edit_url(maria, "contact"), {"remove_phones": [theirs.pk]})

    assert response.status_code == 422, "not one of Maria's numbers: an invalid choice"
    assert PersonPhone.objects.filter(pk=theirs.pk).exists()


def test_it_sets_do_not_contact_with_a_reason(client, team_organizer, maria):
    client.force_login(team_organizer)

    response = client.post(
        edit_url(maria, "consent"),
        {"email_ok": "on", "do_not_contact": "on", "do_not_contact_reason": "Asked us to stop"},
        headers=HTMX,
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Asked us to stop" in page and 'id="person-header"' in page
    maria.refresh_from_db()
    assert maria.do_not_contact and maria.email_ok and not maria.sms_ok


def test_it_clears_the_reason_when_do_not_contact_is_lifted(client, team_organizer, maria):
    maria.do_not_contact, maria.do_not_contact_reason = True, "Old reason"
    maria.save()
    client.force_login(team_organizer)

    client.post(edit_url(maria, "consent"), {"do_not_contact_reason": "Old reason"})

    maria.refresh_from_db()
    assert not maria.do_not_contact and maria.do_not_contact_reason == ""


def test_it_tags_with_existing_and_new_tags_case_insensitively(
    client, committee, team_organizer, maria
):
    night = Tag.objects.create(committee=committee, name="Night shift")
    client.force_login(team_organizer)

    response = client.post(
        edit_url(maria, "tags"),
        {"tags": [night.pk], "new_tags": "NIGHT SHIFT, Building captain, building captain"},
        headers=HTMX,
    )

    assert response.status_code == 200
    assert sorted(maria.tags.values_list("name", flat=True)) == ["Building captain", "Night shift"]
    assert Tag.objects.filter(committee=committee).count() == 3, "Spanish speaker stays a tag"
    assert "Spanish speaker" not in response.content.decode()


def test_it_offers_only_the_committees_tags(client, other_committee, team_organizer, maria):
    foreign = Tag.objects.create(committee=other_committee, name="Eastside secret")
    client.force_login(team_organizer)

    form = client.get(edit_url(maria, "tags"), headers=HTMX)
    response = client.post(edit_url(maria, "tags"), {"tags": [foreign.pk]})

    assert "Eastside secret" not in form.content.decode()
    assert response.status_code == 422
    assert not maria.tags.filter(pk=foreign.pk).exists()


def test_it_lets_the_committee_lead_edit_anyone(client, committee, lead):
    loner = factories.person(committee=committee, given_name="Loner")
    client.force_login(lead)

    response = client.post(edit_url(loner, "notes"), {"notes": "Met at the rally."})

    assert response.status_code == 302
    assert Person.objects.get(pk=loner.pk).notes == "Met at the rally."
