"""Reads for the people pages: a person's channels, their roster positions as one user may
see them, unit paths, who an entry can be assigned to, people matching a search or a new entry.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import (
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone

from campaigns.access import (
    CampaignAccess,
    campaigns_visible_to,
    can_change_conversation,
    can_read_next_step,
    can_read_notes,
)
from campaigns.models import (
    AskAnswer,
    AssessmentRecord,
    Campaign,
    Conversation,
    FollowUp,
    PersonNote,
    PossibleDuplicate,
    RosterEntry,
    ScheduledOneOnOne,
    TeamMember,
    Unit,
)
from campaigns.roster.units import unit_places
from members.clock import midnight, today_for
from members.models import Membership, Person, PersonEmail, PersonPhone, User
from members.phones import phone_display, phone_normalize

# Fields of a person that a merge asks about when both people have a different value.
MERGE_FIELDS = [
    "given_name",
    "family_name",
    "preferred_name",
    "pronouns",
    "preferred_language",
    "preferred_channel",
    "email_ok",
    "sms_ok",
]


def campaign_units(campaign_id: int) -> list[tuple[Unit, str]]:
    """Every unit of the campaign, across its sites, with its path, for a select: one query."""
    places = unit_places(Unit.objects.filter(site__campaign_id=campaign_id))
    return [(place.unit, place.path) for place in places]


def unit_paths(site_ids: set[int]) -> dict[int, str]:
    """The path of every unit of these sites, by unit id: one query (none without sites)."""
    if not site_ids:
        return {}
    places = unit_places(Unit.objects.filter(site_id__in=site_ids))
    return {place.unit.pk: place.path for place in places}


def assignable_organizers(campaign: Campaign) -> list[User]:
    """Who a roster entry can be assigned to: the campaign's team and the committee's leads."""
    leads = Membership.objects.filter(
        committee_id=campaign.committee_id, role=Membership.Role.LEAD
    ).values("user_id")
    return list(
        User.objects.filter(Q(campaign_roles__campaign=campaign) | Q(pk__in=leads))
        .distinct()
        .order_by(Lower("name"), "email")
    )


def is_committee_lead(user: User, committee_id: int) -> bool:
    return Membership.objects.filter(
        user=user, committee_id=committee_id, role=Membership.Role.LEAD
    ).exists()


def is_on_team(user: User, campaign: Campaign) -> bool:
    return TeamMember.objects.filter(user=user, campaign=campaign).exists()


def person_with_channels(person: Person, *, user: User, is_lead: bool) -> Person:
    """The person with the phones (each with `.display`) and emails `user` may see, and their
    tags: three queries. A committee lead sees every email and phone; anyone else those added
    by a lead or the person (no campaign) and by the teams of campaigns they are on, never
    another campaign's."""
    phones, emails = PersonPhone.objects.all(), PersonEmail.objects.all()
    if not is_lead:
        theirs = Q(campaign_id__isnull=True) | Q(campaign_id__in=_team_campaign_ids(user))
        phones, emails = phones.filter(theirs), emails.filter(theirs)
    prefetch_related_objects(
        [person],
        Prefetch("phones", queryset=phones),
        Prefetch("emails", queryset=emails),
        "tags",
    )
    for phone in person.phones.all():
        phone.display = phone_display(phone.number)
    return person


def _team_campaign_ids(user: User) -> QuerySet:
    return TeamMember.objects.filter(user=user).values("campaign_id")


@dataclass(frozen=True)
class CampaignNote:
    """One campaign's notes about a person (blank: none yet)."""

    campaign: Campaign
    text: str


def person_notes(*, person: Person, user: User, is_lead: bool) -> list[CampaignNote]:
    """The notes `user` may read and write about the person, one per campaign: those of
    campaigns they are on (a lead: every campaign) where the person is on the roster or has
    notes. One query; another campaign's notes are never loaded."""
    has_notes = PersonNote.objects.filter(person=person, campaign=OuterRef("pk"))
    on_roster = RosterEntry.objects.filter(person=person, campaign=OuterRef("pk"), removed_at=None)
    campaigns = Campaign.objects.filter(Exists(has_notes) | Exists(on_roster))
    if not is_lead:
        campaigns = campaigns.filter(pk__in=_team_campaign_ids(user))
    text = Coalesce(Subquery(has_notes.values("text")[:1]), Value(""), output_field=TextField())
    rows = campaigns.annotate(note=text).order_by("code_name", "pk")
    return [CampaignNote(campaign=campaign, text=campaign.note) for campaign in rows]


def person_positions(*, person: Person, user: User) -> list[RosterEntry]:
    """The person's roster entries on campaigns the user may see, active ones first, each with
    its unit path and its assessment history (newest first): three queries at most.

    The privacy heart of the person page: a position on a campaign the user is not on is
    never loaded, so it cannot be shown.
    """
    history = AssessmentRecord.objects.select_related("recorded_by").order_by("-happened_at", "-pk")
    entries = list(
        RosterEntry.objects.filter(person=person, campaign__in=campaigns_visible_to(user))
        .select_related("campaign", "unit__site", "organizer")
        .prefetch_related(Prefetch("assessments", queryset=history))
        .order_by(F("removed_at").desc(nulls_first=True), "campaign__code_name")
    )
    paths = unit_paths({entry.unit.site_id for entry in entries if entry.unit})
    for entry in entries:
        entry.unit_path = paths.get(entry.unit_id, "") if entry.unit_id else ""
    return entries


@dataclass
class CampaignActivity:
    """One campaign's one-on-ones with a person, as one viewer may see them."""

    campaign: Campaign
    time_zone: str
    on_roster: bool
    conversations: list[Conversation] = field(default_factory=list)
    assessments: list[AssessmentRecord] = field(default_factory=list)
    follow_ups: list[FollowUp] = field(default_factory=list)
    scheduled: list[ScheduledOneOnOne] = field(default_factory=list)


def person_activity(
    *, person: Person, user: User, positions: list[RosterEntry], is_committee_lead: bool
) -> list[CampaignActivity]:
    """Per campaign of `positions` (already limited to what the user may see): conversations
    newest first, with notes only where the viewer may read them, the assessment over time,
    open follow-ups and upcoming one-on-ones. Six queries at most, whatever the history's size.

    Only campaigns of `positions` are read, so another campaign's talks are never loaded.
    """
    blocks = _activity_blocks(positions)
    if not blocks:
        return []
    ids = list(blocks)
    led = set(ids) if is_committee_lead else _campaigns_led(user, ids)
    accesses = {
        pk: CampaignAccess(campaign=block.campaign, user=user, can_manage=pk in led)
        for pk, block in blocks.items()
    }
    for conversation in _conversations(person, ids):
        access = accesses[conversation.campaign_id]
        conversation.notes_visible = can_read_notes(access, conversation)
        conversation.can_change = can_change_conversation(access, conversation)
        blocks[conversation.campaign_id].conversations.append(conversation)
    _add_plans(person, blocks, user)
    for pk, block in blocks.items():
        for follow_up in block.follow_ups:
            follow_up.next_step_visible = can_read_next_step(accesses[pk], follow_up)
    return list(blocks.values())


def _campaigns_led(user: User, campaign_ids: list[int]) -> set[int]:
    rows = TeamMember.objects.filter(
        user=user, role=TeamMember.Role.LEAD, campaign_id__in=campaign_ids
    ).values_list("campaign_id", flat=True)
    return set(rows)


def _activity_blocks(positions: list[RosterEntry]) -> dict[int, CampaignActivity]:
    """One block per campaign, its times in the person's site's zone, else the committee's."""
    committee_zone = timezone.get_current_timezone_name()  # the committee's: members/clock.py
    blocks: dict[int, CampaignActivity] = {}
    for entry in positions:
        block = blocks.get(entry.campaign_id)
        if block is None:
            block = blocks[entry.campaign_id] = CampaignActivity(
                campaign=entry.campaign, time_zone=committee_zone, on_roster=False
            )
        if entry.removed_at is None:
            block.on_roster = True
            if entry.unit is not None:
                block.time_zone = entry.unit.site.time_zone
        block.assessments.extend(entry.assessments.all())
    for block in blocks.values():
        block.assessments.sort(key=lambda record: (record.happened_at, record.pk))
    return blocks


def _conversations(person: Person, campaign_ids: list[int]) -> list[Conversation]:
    answers = AskAnswer.objects.select_related("ask").order_by("ask__position", "ask_id")
    return list(
        Conversation.objects.filter(person=person, campaign_id__in=campaign_ids)
        .select_related("organizer")
        .prefetch_related("issues", Prefetch("answers", queryset=answers))
        .order_by("-happened_at", "-pk")
    )


def _add_plans(person: Person, blocks: dict[int, CampaignActivity], user: User) -> None:
    """Open follow-ups (soonest due first) and one-on-ones scheduled from today on."""
    follow_ups = FollowUp.objects.filter(
        person=person, campaign_id__in=list(blocks), closed_at=None
    ).select_related("organizer")
    today = midnight(today_for(user), user)  # the viewer's committee is the person's
    for follow_up in follow_ups.order_by("due_on", "pk"):
        follow_up.overdue = follow_up.due_on < today.date()
        blocks[follow_up.campaign_id].follow_ups.append(follow_up)
    scheduled = ScheduledOneOnOne.objects.filter(
        person=person,
        campaign_id__in=list(blocks),
        held_in=None,
        cancelled_at=None,
        starts_at__gte=today,
    ).select_related("organizer")
    for meeting in scheduled.order_by("starts_at", "pk"):
        blocks[meeting.campaign_id].scheduled.append(meeting)


def merge_candidates(*, person: Person, query: str, limit: int = 20) -> list[Person]:
    """The committee's other people whose name, email or phone matches the search."""
    text = query.strip()
    if not text:
        return []
    match = Q(emails__email__icontains=text)
    names = Q()
    for word in text.split():
        names &= (
            Q(given_name__icontains=word)
            | Q(family_name__icontains=word)
            | Q(preferred_name__icontains=word)
        )
    match |= names
    phone = _phone_or_blank(text)
    if phone:
        match |= Q(phones__number=phone)
    people = list(
        Person.objects.filter(match, committee_id=person.committee_id)
        .exclude(pk=person.pk)
        .distinct()
        .prefetch_related("emails", "phones")[:limit]
    )
    for someone in people:
        for number in someone.phones.all():
            number.display = phone_display(number.number)
    return people


def _phone_or_blank(text: str) -> str:
    if sum(ch.isdigit() for ch in text) < 7:
        return ""
    try:
        return phone_normalize(text)
    except ValidationError:
        return ""


def merge_conflicts(survivor: Person, duplicate: Person) -> list[str]:
    """The fields where both people have a value and the values differ: the lead picks."""
    return [
        field
        for field in MERGE_FIELDS
        if _filled(getattr(survivor, field))
        and _filled(getattr(duplicate, field))
        and getattr(survivor, field) != getattr(duplicate, field)
    ]


def _filled(value: object) -> bool:
    return isinstance(value, bool) or bool(value)


def possible_duplicates_open(committee_id: int) -> list[PossibleDuplicate]:
    """The committee's possible duplicates waiting for a lead, oldest first, each with both
    people's emails and phones to compare: four queries."""
    rows = list(
        PossibleDuplicate.objects.filter(
            committee_id=committee_id, status=PossibleDuplicate.Status.OPEN
        )
        .select_related("person", "existing", "campaign", "created_by")
        .prefetch_related(
            "person__emails", "person__phones", "existing__emails", "existing__phones"
        )
        .order_by("created_at", "pk")
    )
    for row in rows:
        for someone in (row.person, row.existing):
            for number in someone.phones.all():
                number.display = phone_display(number.number)
    return rows


def possible_duplicates_of(person: Person) -> list[PossibleDuplicate]:
    """The open possible duplicates this person is in (for a lead on their page)."""
    pair = Q(person=person) | Q(existing=person)
    return list(
        PossibleDuplicate.objects.filter(pair, status=PossibleDuplicate.Status.OPEN)
        .select_related("person", "existing")
        .order_by("created_at", "pk")
    )
