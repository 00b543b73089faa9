"""Merging two records of one person: a committee lead folds the duplicate into the person
they keep, and nothing is lost — roster places, assessment history, channels, tags, the
login, the notes."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from campaigns.conversations.services.log import ConversationData, conversation_log
from campaigns.models import (
    Action,
    AssessmentRecord,
    CalendarFeed,
    NudgeSnooze,
    OutboxMessage,
    RosterEntry,
    Rsvp,
)
from campaigns.people.services import MERGED_RELATIONS, person_merge
from campaigns.roster.services import assessment_record, roster_remove
from members.models import AuditEvent, Person, PersonEmail, PersonPhone, Tag
from tests import factories


def merge_url(person) -> str:
    return reverse("person_merge", args=[person.pk])


def days_ago(days: int):
    return timezone.now() - timedelta(days=days)


@pytest.fixture
def elm(committee):
    return factories.campaign(committee=committee, code_name="Elm")


@pytest.fixture
def maria(committee, campaign, lead):
    """Maria Lopez as the Harbor organizers know her: a 3 last week, on Floor 1."""
    person = factories.person(
        committee=committee, given_name="Maria", family_name="Lopez", notes="Works nights."
    )
    PersonEmail.objects.create(person=person, email="maria@example.org", is_primary=True)
    PersonPhone.objects.create(person=person, number="+14155552671", is_primary=True)
    person.tags.add(Tag.objects.create(committee=committee, name="Night shift"))
    floor = factories.unit(site=factories.site(campaign=campaign), name="Floor 1")
    entry = factories.on_roster(campaign=campaign, person=person, unit=floor)
    assessment_record(entry=entry, level=3, happened_at=days_ago(7), recorded_by=lead)
    return person


@pytest.fixture
def mary(committee, campaign, elm, lead, member):
    """The same woman entered again as "Mary Lopez": a 2 yesterday on Harbor, with a title
    and an organizer; also on Elm, and once on Elm before; her own login; other channels."""
    person = factories.person(
        committee=committee,
        given_name="Mary",
        family_name="Lopez",
        pronouns="she/her",
        notes="Brought two coworkers to the meeting.",
        user=member,
        do_not_contact=True,
        do_not_contact_reason="Phone is shared with her husband",
    )
    PersonEmail.objects.create(person=person, email="MARIA@example.org", is_primary=True)
    PersonEmail.objects.create(person=person, email="mary.l@example.org")
    PersonPhone.objects.create(person=person, number="+14155552671")
    PersonPhone.objects.create(person=person, number="+12125550199", label="work", is_primary=True)
    person.tags.add(
        Tag.objects.get(committee=committee, name="Night shift"),
        Tag.objects.create(committee=committee, name="Building captain"),
    )
    harbor = factories.on_roster(
        campaign=campaign, person=person, title="Picker", organizer=lead, is_leader=True
    )
    assessment_record(entry=harbor, level=2, happened_at=days_ago(1), recorded_by=lead)
    roster_remove(entry=factories.on_roster(campaign=elm, person=person), reason="Quit or left")
    factories.on_roster(campaign=elm, person=person, title="Cashier")
    return person


# --- The service ---------------------------------------------------------------------------------


def test_it_loses_nothing(committee, campaign, elm, lead, member, maria, mary):
    records_before = AssessmentRecord.objects.count()

    person_merge(survivor=maria, duplicate=mary, choices={"given_name": "survivor"}, actor=lead)

    assert not Person.objects.filter(pk=mary.pk).exists()
    maria.refresh_from_db()
    assert (maria.given_name, maria.pronouns, maria.user) == ("Maria", "she/her", member)
    assert maria.notes == "Works nights.\n\nBrought two coworkers to the meeting."
    assert maria.do_not_contact
    assert maria.do_not_contact_reason == "Phone is shared with her husband"
    assert sorted(maria.emails.values_list("email", "is_primary")) == [
        ("maria@example.org", True),
        ("mary.l@example.org", False),
    ]
    assert sorted(maria.phones.values_list("number", "is_primary", "label")) == [
        ("+12125550199", False, "work"),
        ("+14155552671", True, ""),
    ]
    assert sorted(maria.tags.values_list("name", flat=True)) == ["Building captain", "Night shift"]
    assert AssessmentRecord.objects.count() == records_before
    harbor = RosterEntry.objects.get(campaign=campaign, person=maria)
    assert harbor.assessments.count() == 2
    assert harbor.assessment == 2, "the latest of both histories is the current assessment"
    assert harbor.unit.name == "Floor 1" and harbor.title == "Picker"
    assert harbor.organizer == lead and harbor.is_leader
    elm_entries = RosterEntry.objects.filter(campaign=elm, person=maria)
    assert elm_entries.count() == 2 and elm_entries.filter(removed_at=None).count() == 1


def test_it_keeps_the_duplicates_one_on_ones_follow_ups_and_scheduled_talks(
    campaign, elm, lead, team_organizer, maria, mary
):
    """Mary's talk on Harbor set her 2: after the merge it is Maria's, on Maria's entry,
    still tied to its assessment record; the open follow-up and the planned talk follow."""
    talk = conversation_log(
        campaign=campaign,
        person=mary,
        organizer=team_organizer,
        data=ConversationData(
            happened_at=timezone.now() - timedelta(hours=2),
            channel="phone",
            assessment=1,
            notes="Ready to sign",
            follow_up_on=timezone.localdate(),
            schedule_at=timezone.now() + timedelta(days=3),
        ),
    )
    conversation_log(
        campaign=elm,
        person=mary,
        organizer=lead,
        data=ConversationData(happened_at=days_ago(3), channel="door"),
    )

    person_merge(survivor=maria, duplicate=mary, choices={})

    assert maria.conversations.count() == 2
    assert maria.follow_ups.filter(closed_at=None).count() == 1
    assert maria.scheduled_one_on_ones.count() == 1
    record = AssessmentRecord.objects.get(conversation=talk)
    assert record.roster_entry == RosterEntry.objects.get(
        campaign=campaign, person=maria, removed_at=None
    )
    assert record.roster_entry.assessment == 1


def test_it_lets_the_lead_choose_whose_value_wins(lead, maria, mary):
    person_merge(survivor=maria, duplicate=mary, choices={"given_name": "duplicate"})

    maria.refresh_from_db()
    assert maria.given_name == "Mary"


def test_it_fills_blanks_from_the_duplicate_without_asking(committee, campaign):
    keep = factories.person(committee=committee, given_name="Ana")
    other = factories.person(committee=committee, given_name="Ana", family_name="Ruiz")

    person_merge(survivor=keep, duplicate=other, choices={})

    keep.refresh_from_db()
    assert keep.family_name == "Ruiz"


def test_it_refuses_two_people_who_both_have_a_login(committee, lead, organizer, maria, mary):
    maria.user = organizer
    maria.save()

    with pytest.raises(ValidationError):
        person_merge(survivor=maria, duplicate=mary, choices={})

    assert Person.objects.filter(pk=mary.pk).exists()
    assert mary.roster_entries.count() == 3


def test_it_refuses_a_person_of_another_committee(other_committee, maria):
    stranger = factories.person(committee=other_committee, given_name="Maria")

    with pytest.raises(ValidationError):
        person_merge(survivor=maria, duplicate=stranger, choices={})


def test_it_records_the_merge(lead, maria, mary):
    merged_id = mary.pk

    person_merge(survivor=maria, duplicate=mary, choices={}, actor=lead)

    event = AuditEvent.objects.get(kind=AuditEvent.Kind.MERGE)
    assert (event.actor, event.subject_id, event.detail) == (
        lead,
        maria.pk,
        {"merged_person_id": merged_id},
    )


# --- The page ------------------------------------------------------------------------------------


def test_it_finds_the_duplicate_by_name_email_or_phone(client, lead, maria, mary):
    client.force_login(lead)

    for query in ["lopez", "Mary L", "mary.l@", "(212) 555-0199"]:
        response = client.get(merge_url(maria), {"q": query})

        assert response.status_code == 200
        assert response.context["candidates"] == [mary], query


def test_it_shows_both_side_by_side_and_asks_only_about_conflicts(client, lead, maria, mary):
    client.force_login(lead)

    response = client.get(merge_url(maria), {"with": mary.pk})

    page = response.content.decode()
    assert "Maria Lopez" in page and "Mary Lopez" in page
    assert "mary.l@example.org" in page and "(212) 555-0199" in page
    fields = set(response.context["form"].fields)
    assert fields == {"duplicate", "choice_given_name"}, "pronouns: only Mary has them"


def test_it_merges_from_the_page(client, campaign, lead, maria, mary):
    client.force_login(lead)

    response = client.post(
        merge_url(maria), {"duplicate": mary.pk, "choice_given_name": "duplicate"}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("person_detail", args=[maria.pk])
    assert "Merged into" in response.content.decode()
    maria.refresh_from_db()
    assert maria.given_name == "Mary"
    assert not Person.objects.filter(pk=mary.pk).exists()


def test_it_explains_why_two_logins_cannot_be_merged(client, lead, organizer, maria, mary):
    maria.user = organizer
    maria.save()
    client.force_login(lead)

    shown = client.get(merge_url(maria), {"with": mary.pk})
    refused = client.post(merge_url(maria), {"duplicate": mary.pk, "choice_given_name": "survivor"})

    assert "Both have their own login" in shown.content.decode()
    assert refused.status_code == 422
    assert "Both people have their own login" in refused.content.decode()
    assert Person.objects.filter(pk=mary.pk).exists()


def test_it_asks_to_pick_someone_first(client, lead, maria):
    client.force_login(lead)

    response = client.post(merge_url(maria), {})

    assert response.status_code == 422
    assert "Pick the person to merge into this one first." in response.content.decode()


def test_it_forbids_an_organizer_who_can_see_the_person(client, team_organizer, maria, mary):
    client.force_login(team_organizer)

    assert client.get(merge_url(maria)).status_code == 403
    assert client.post(merge_url(maria), {"duplicate": mary.pk}).status_code == 403
    assert Person.objects.filter(pk=mary.pk).exists()


@pytest.mark.parametrize("persona", ["outside_organizer", "member", "outsider"])
def test_it_hides_the_merge_from_anyone_who_cannot_see_the_person(
    client, maria, mary, persona, request
):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(merge_url(maria)).status_code == 404
    assert client.post(merge_url(maria), {"duplicate": mary.pk}).status_code == 404
    assert Person.objects.filter(pk=mary.pk).exists()


def test_it_never_merges_in_a_person_of_another_committee(client, other_committee, lead, maria):
    stranger = factories.person(committee=other_committee, given_name="Maria")
    client.force_login(lead)

    assert client.get(merge_url(maria), {"with": stranger.pk}).status_code == 404
    assert client.post(merge_url(maria), {"duplicate": stranger.pk}).status_code == 404
    assert Person.objects.filter(pk=stranger.pk).exists()


# --- Every relation to a person, RSVPs, messages, calendar and snoozes -----------------------


def test_every_relation_to_a_person_is_one_the_merge_handles():
    """A model that gains a link to Person fails here until person_merge moves or folds it
    (and MERGED_RELATIONS names it): a merge must never cascade-delete someone's data."""
    related = {
        f"{relation.related_model._meta.label_lower}.{relation.field.name}"
        for relation in Person._meta.get_fields(include_hidden=True)
        if relation.auto_created and not relation.concrete
    }

    assert related == MERGED_RELATIONS


def an_action(committee, campaign, title: str, days: int) -> Action:
    starts = timezone.now() + timedelta(days=days)
    return Action.objects.create(
        committee=committee,
        campaign=campaign,
        title=title,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
    )


def test_it_keeps_rsvps_attendance_messages_the_calendar_and_snoozes(
    committee, campaign, lead, organizer, maria, mary
):
    past = an_action(committee, campaign, "Last month's meeting", days=-30)
    picket = an_action(committee, campaign, "Picket", days=7)
    social = an_action(committee, campaign, "Social", days=14)
    # Maria said no to the past meeting early; as "Mary" she said yes later, and came.
    Rsvp.objects.create(action=past, person=maria, response="no", responded_at=days_ago(40))
    Rsvp.objects.create(
        action=past, person=mary, response="yes", responded_at=days_ago(35), attended=True
    )
    Rsvp.objects.create(action=picket, person=mary, response="maybe", responded_at=days_ago(1))
    # Maria said yes to the social last, Mary only was invited: Maria's answer stands.
    Rsvp.objects.create(action=social, person=maria, response="yes", responded_at=days_ago(1))
    Rsvp.objects.create(action=social, person=mary, invited_at=days_ago(3))
    sent = OutboxMessage.objects.create(
        committee=committee,
        kind=OutboxMessage.Kind.ACTION_INVITATION,
        action=picket,
        person=mary,
        due_at=days_ago(2),
        next_attempt_at=days_ago(2),
        status=OutboxMessage.Status.SENT,
    )
    twice = {"kind": OutboxMessage.Kind.ACTION_REMINDER, "action": social, "due_at": days_ago(-13)}
    for person in (maria, mary):
        OutboxMessage.objects.create(
            committee=committee, person=person, next_attempt_at=twice["due_at"], **twice
        )
    feed = CalendarFeed.objects.create(person=mary)
    NudgeSnooze.objects.create(
        user=organizer, kind=OutboxMessage.Kind.NO_SHOW_TWICE, person=mary, until=days_ago(-7)
    )

    person_merge(survivor=maria, duplicate=mary, choices={}, actor=lead)

    answers = {
        rsvp.action.title: (rsvp.response, rsvp.attended, rsvp.invited_at is not None)
        for rsvp in Rsvp.objects.filter(person=maria).select_related("action")
    }
    assert answers == {
        "Last month's meeting": ("yes", True, False),
        "Picket": ("maybe", None, False),
        "Social": ("yes", None, True),
    }
    assert not Rsvp.objects.exclude(person=maria).exists()
    sent.refresh_from_db()
    assert sent.person == maria and sent.status == OutboxMessage.Status.SENT
    assert OutboxMessage.objects.filter(person=maria, **twice).count() == 1  # not sent twice
    feed.refresh_from_db()
    assert feed.person == maria  # her calendar app keeps working
    assert NudgeSnooze.objects.get().person == maria


def test_possible_duplicates_follow_the_merge_once_per_pair(committee, campaign, maria, mary):
    from campaigns.models import PossibleDuplicate

    ana, ben = (factories.person(committee=committee, given_name=n) for n in ("Ana", "Ben"))

    def queued(person, existing):
        PossibleDuplicate.objects.create(
            committee=committee, person=person, existing=existing, matched_on="email"
        )

    queued(mary, ana)  # maria has the same pair: one is kept
    queued(maria, ana)
    queued(ben, mary)  # only mary's: it becomes maria's
    queued(maria, mary)  # the pair itself: the merge settles it

    person_merge(survivor=maria, duplicate=mary, choices={})

    pairs = set(PossibleDuplicate.objects.values_list("person__given_name", "existing__given_name"))
    assert pairs == {("Maria", "Ana"), ("Ben", "Maria")}
