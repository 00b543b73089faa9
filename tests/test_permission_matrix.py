"""Every named URL, as every persona, GET and POST with CSRF enforced, against the table in
tests/matrix/. A URL without a row fails: no view ships without deciding who may see it.

The world: one committee with campaigns A and B (organizer_a is on A's team only,
organizer_b on B's), a committee `lead`, a `treasurer` (a lead who keeps the books), a
`member`, an `outsider` leading another committee,
and `staff` (Django staff, on no committee). allauth's own pages (account_*, mfa_*,
usersessions_*) have their rows too (tests/matrix/accounts.py).
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.crypto import get_random_string

from campaigns.actions.services.links import rsvp_link_token
from campaigns.api.tokens import token_create
from campaigns.conversations.services.log import ConversationData, conversation_log
from campaigns.models import (
    Action,
    CalendarFeed,
    FollowUp,
    ImportBatch,
    Member,
    OutboxMessage,
    PendingRsvp,
    PowerTarget,
    Rsvp,
    Signature,
    SignupDrive,
    Site,
    TeamMember,
    Unit,
)
from campaigns.outbox.services.consent import unsubscribe_token
from campaigns.power.join import join_page_for, join_page_set
from campaigns.roster.services import roster_add
from campaigns.signups.links import revoke_link_token, signing_link_token
from campaigns.signups.services import (
    DriveData,
    drive_create,
    drive_public_set,
    signature_record,
)
from members.models import Invitation, Membership, Person, Tag
from members.services import invitation_token
from tests import factories
from tests.matrix import PERSONAS, rows
from tests.matrix.actions import COMMITTEE_WIDE_ROWS

MATRIX = rows()


def named_urls(entries=None, prefix="") -> dict[str, URLPattern]:
    found = {}
    for entry in entries if entries is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{entry.namespace}:" if entry.namespace else ""
            found.update(named_urls(entry.url_patterns, prefix + namespace))
        elif entry.name:
            found[prefix + entry.name] = entry
    return found


def test_every_named_url_has_a_row():
    ours = set(named_urls())

    assert ours - set(MATRIX) == set(), "add a row in tests/matrix/ for each new URL"
    assert set(MATRIX) - ours == set(), "rows for URLs that no longer exist"
    for name, row in MATRIX.items():
        assert set(row) == set(PERSONAS), f"{name}: one entry per persona"


def campaign_objects(campaign, committee, name: str, author) -> dict:
    site = Site.objects.create(campaign=campaign, name=f"{name} site")
    unit = Unit.objects.create(site=site, name=f"{name} unit")
    person = Person.objects.create(committee=committee, given_name=f"{name} person")
    entry = roster_add(campaign=campaign, person=person, unit=unit)
    batch = ImportBatch.objects.create(campaign=campaign, filename=f"{name}.csv", content="a\n")
    # Logged before the follow-up is made: logging closes the person's open follow-ups.
    conversation = conversation_log(
        campaign=campaign,
        person=person,
        organizer=author,
        data=ConversationData(happened_at=timezone.now(), channel="in_person"),
    )
    follow_up = FollowUp.objects.create(
        campaign=campaign, person=person, due_on=timezone.localdate(), description="Call back"
    )
    drive = drive_create(
        campaign=campaign,
        data=DriveData(
            kind=SignupDrive.Kind.CARD,
            title=f"{name} card",
            texts={"en": "I authorize the union to represent me."},
            opens_on=timezone.localdate() - timedelta(days=30),
        ),
        actor=None,
    )
    drive_public_set(drive=drive, open_page=True, actor=None)
    signature = signature_record(
        drive=drive,
        person=person,
        signed_on=timezone.localdate() - timedelta(days=2),
        method=Signature.Method.PAPER,
    ).signature
    # A member of the committee, for the membership pages (campaigns.power).
    Member.objects.create(committee=committee, person=person, joined_on=timezone.localdate())
    return {
        "campaign_id": campaign.pk,
        "site_id": site.pk,
        "unit_id": unit.pk,
        "person_id": person.pk,
        "entry_id": entry.pk,
        "import_id": batch.pk,
        "follow_up_id": follow_up.pk,
        "conversation_id": conversation.pk,
        "drive_id": drive.pk,
        "drive_key": drive.public_key,
        "signature_id": signature.pk,
        "signing_token": signing_link_token(drive=drive, person=person),
        "revoke_token": revoke_link_token(signature=signature),
    }


def action_objects(committee, campaign, member, lead) -> dict:
    """An upcoming public action on campaign A; the member (a person on A's roster with a
    login) is invited to it and has a calendar address."""
    starts = timezone.now() + timedelta(days=7)
    action = Action.objects.create(
        committee=committee,
        campaign=campaign,
        title="Card signing party",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        visibility=Action.Visibility.PUBLIC,
        created_by=lead,
    )
    person = Person.objects.create(committee=committee, given_name="Mia", user=member)
    roster_add(campaign=campaign, person=person)
    Rsvp.objects.create(action=action, person=person, invited_at=timezone.now(), invited_by=lead)
    feed = CalendarFeed.objects.create(person=person)
    pending = PendingRsvp.objects.create(
        action=action, person=person, response="yes", expires_at=action.starts_at
    )
    failed = OutboxMessage.objects.create(
        committee=committee,
        kind=OutboxMessage.Kind.ACTION_INVITATION,
        action=action,
        person=person,
        due_at=timezone.now(),
        next_attempt_at=timezone.now(),
        status=OutboxMessage.Status.FAILED,
        reason="Permanent: bad address",
    )
    return {
        "action_id": action.pk,
        "rsvp_token": rsvp_link_token(action=action, person=person),
        "public_key": action.public_key,
        "feed_key": feed.key,
        "pending_key": pending.key,
        "message_id": failed.pk,
        "unsubscribe_token": unsubscribe_token(person=person),
    }


def committee_wide_action(committee, lead) -> Action:
    starts = timezone.now() + timedelta(days=7)
    return Action.objects.create(
        committee=committee,
        campaign=None,
        title="General meeting",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        created_by=lead,
    )


@pytest.fixture
def world(committee, other_committee, lead, member, outsider):
    organizer_a = factories.member_of(committee, Membership.Role.ORGANIZER)
    organizer_b = factories.member_of(committee, Membership.Role.ORGANIZER)
    campaign_a = factories.campaign(committee=committee, code_name="Harbor")
    campaign_b = factories.campaign(committee=committee, code_name="Oak")
    TeamMember.objects.create(campaign=campaign_a, user=organizer_a, role="organizer")
    TeamMember.objects.create(campaign=campaign_b, user=organizer_b, role="organizer")
    staff = factories.user(email="staff@example.org")
    staff.is_staff = True
    staff.save()
    invitation = Invitation.objects.create(
        committee=committee, email="ana@example.org", role="member", invited_by=lead
    )
    foreign = Invitation.objects.create(
        committee=other_committee, email="bo@example.org", role="member", invited_by=outsider
    )
    tag = Tag.objects.create(committee=committee, name="night shift")
    actions = action_objects(committee, campaign_a, member, lead)
    treasurer = factories.member_of(committee, Membership.Role.LEAD, email="books@example.org")
    Membership.objects.filter(user=treasurer).update(is_treasurer=True)
    target = PowerTarget.objects.create(
        committee=committee,
        measure="members",
        target=100,
        by=timezone.localdate() + timedelta(days=90),
    )
    api_token, _ = token_create(
        committee=committee, name="Sync", access="read", extras=[], campaigns=[], by=lead
    )
    join_page = join_page_for(committee)
    join_page_set(page=join_page, open_page=True, by=lead)
    return {
        "users": {
            "lead": lead,
            "treasurer": treasurer,
            "organizer_a": organizer_a,
            "organizer_b": organizer_b,
            "member": member,
            "outsider": outsider,
            "staff": staff,
        },
        "kwargs": {
            "committee_id": committee.pk,
            "invitation_id": invitation.pk,
            "token": invitation_token(invitation),
            "tag_id": tag.pk,
            "tagging_id": 999999,  # the API's (tests/api/ checks who reaches a real one)
            "token_id": api_token.pk,
            "target_id": target.pk,
            "join_key": join_page.key,
            # OSDI events and attendances: any id, the API answers no persona (401).
            "event_id": "00000000-0000-0000-0000-000000000000",
            "attendance_id": "00000000-0000-0000-0000-000000000000",
            "user_id": organizer_a.pk,
            # allauth's password reset key (a wrong one) and a passkey id (nobody's).
            "uidb36": "zz",
            "key": "not-a-key",
            "pk": 999999,
            "section": "quiet",  # a section of My list
            **campaign_objects(campaign_a, committee, "A", organizer_a),
            **actions,
        },
        "campaign_b": campaign_objects(campaign_b, committee, "B", organizer_b),
        "wide": {**actions, "action_id": committee_wide_action(committee, lead).pk},
        "foreign": {"invitation_id": foreign.pk},
    }


def url_for(name: str, kwargs: dict) -> str:
    """The URL's address with the world's objects; parameters of enclosing patterns (allauth's
    passkey pages) and regular-expression groups (its password reset key) count too."""
    [(possibilities, *_)] = get_resolver().reverse_dict.getlist(name)[:1]
    return reverse(name, kwargs={k: kwargs[k] for k in possibilities[0][1]})


def csrf_client(user=None) -> Client:
    """A client that checks CSRF like a browser does, holding a valid csrftoken cookie."""
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    client.cookies["csrftoken"] = get_random_string(32)
    return client


def get_and_post(client: Client, url: str) -> tuple[int, int]:
    token = client.cookies["csrftoken"].value
    return (
        client.get(url).status_code,
        client.post(url, headers={"X-CSRFToken": token}).status_code,
    )


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_the_status_matches_the_table(world, name, persona):
    client = csrf_client(world["users"].get(persona))

    got = get_and_post(client, url_for(name, world["kwargs"]))

    assert got == MATRIX[name][persona]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(COMMITTEE_WIDE_ROWS))
def test_a_committee_wide_action_is_changed_only_by_a_lead(world, name, persona):
    client = csrf_client(world["users"].get(persona))

    got = get_and_post(client, url_for(name, world["wide"]))

    assert got == COMMITTEE_WIDE_ROWS[name][persona]


def test_a_post_without_the_csrf_token_is_refused(world):
    client = csrf_client(world["users"]["lead"])

    response = client.post(url_for("team", world["kwargs"]), {"email": "x@example.org"})

    assert response.status_code == 403
    assert not Invitation.objects.filter(email="x@example.org").exists()


SWEPT = [
    "site_id",
    "unit_id",
    "entry_id",
    "import_id",
    "follow_up_id",
    "conversation_id",
    "drive_id",
]


@pytest.mark.parametrize(
    "name",
    sorted(
        n
        for n in MATRIX
        if "campaign_id" in named_urls()[n].pattern.converters
        and set(SWEPT) & set(named_urls()[n].pattern.converters)
    ),
)
def test_campaign_b_ids_in_campaign_a_urls_are_404(world, name):
    """The sweep: campaign B's object ids fed into campaign A's URLs, as A's organizer and as
    the committee lead (who may see both campaigns, but not B's objects under A's URL)."""
    kwargs = {**world["kwargs"], **{k: world["campaign_b"][k] for k in SWEPT}}
    for persona in ["organizer_a", "lead"]:
        client = csrf_client(world["users"][persona])

        assert get_and_post(client, url_for(name, kwargs)) in {(404, 404), (405, 404)}


@pytest.mark.parametrize(
    "name", sorted(n for n in MATRIX if "invitation_id" in named_urls()[n].pattern.converters)
)
def test_another_committees_invitation_in_our_urls_is_404(world, name):
    client = csrf_client(world["users"]["lead"])
    kwargs = {**world["kwargs"], "invitation_id": world["foreign"]["invitation_id"]}

    assert get_and_post(client, url_for(name, kwargs))[1] == 404
    assert Invitation.objects.filter(pk=world["foreign"]["invitation_id"]).exists()
