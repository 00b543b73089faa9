"""Who may see and change a campaign and everything under it.

A campaign is seen by its team (TeamMember rows) and by the committee's leads; everyone else,
members included, gets the same 404 as for a campaign that does not exist. Managing a campaign
(its settings, team, structure, exports, merges) takes a campaign lead or a committee lead;
an organizer on the team gets 403 there.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from campaigns.models import (
    Action,
    Campaign,
    Conversation,
    FollowUp,
    RosterEntry,
    Rsvp,
    Site,
    TeamMember,
    Unit,
)
from members.models import Membership, Person, User


@dataclass(frozen=True)
class CampaignAccess:
    """A campaign as one user may use it."""

    campaign: Campaign
    user: User
    can_manage: bool

    def require_manage(self) -> "CampaignAccess":
        if not self.can_manage:
            raise PermissionDenied
        return self


def campaigns_visible_to(user: User) -> QuerySet[Campaign]:
    """Every campaign the user may see: their teams', and all of their committees' if lead."""
    if not user.is_authenticated:
        return Campaign.objects.none()
    lead_of = Membership.objects.filter(user=user, role=Membership.Role.LEAD).values("committee_id")
    on_team = TeamMember.objects.filter(user=user, campaign=OuterRef("pk"))
    return Campaign.objects.filter(Q(committee_id__in=lead_of) | Q(Exists(on_team)))


@dataclass(frozen=True)
class CampaignRoles:
    """A user's roles on a campaign's committee and on its team (None: none)."""

    committee: str | None
    team: str | None

    @property
    def may_see(self) -> bool:
        """The rule of campaigns_visible_to: a committee lead, or on the team."""
        return self.committee == Membership.Role.LEAD or self.team is not None

    @property
    def may_manage(self) -> bool:
        return self.committee == Membership.Role.LEAD or self.team == TeamMember.Role.LEAD


def campaign_roles(user: User, campaign_id: int) -> CampaignRoles:
    """Both roles in one statement (none for no such campaign, or nobody logged in)."""
    if not user.is_authenticated:
        return CampaignRoles(None, None)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT role FROM {Membership._meta.db_table}"  # noqa: S608 - table names
            "         WHERE user_id = %(user)s AND committee_id = c.committee_id),"
            f"       (SELECT role FROM {TeamMember._meta.db_table}"
            "         WHERE user_id = %(user)s AND campaign_id = c.id)"
            f" FROM {Campaign._meta.db_table} c WHERE c.id = %(campaign)s",
            {"user": user.pk, "campaign": campaign_id},
        )
        return CampaignRoles(*(cursor.fetchone() or (None, None)))


def campaign_for_user(
    user: User, campaign_id: int, *, manage: bool = False, roles: CampaignRoles | None = None
) -> CampaignAccess:
    """The campaign if the user may see it (404 otherwise); with manage=True, 403 unless they
    may also manage it. Every campaign page starts here, so it is two small queries: the
    user's roles (campaign_roles, unless the caller has just read them), then the campaign."""
    roles = roles or campaign_roles(user, campaign_id)
    if not roles.may_see:
        raise Http404
    campaign = get_object_or_404(Campaign.objects.select_related("committee"), pk=campaign_id)
    access = CampaignAccess(campaign=campaign, user=user, can_manage=roles.may_manage)
    return access.require_manage() if manage else access


def site_for_user(access: CampaignAccess, site_id: int) -> Site:
    return get_object_or_404(Site, pk=site_id, campaign=access.campaign)


def unit_for_user(access: CampaignAccess, unit_id: int) -> Unit:
    return get_object_or_404(
        Unit.objects.select_related("site"), pk=unit_id, site__campaign=access.campaign
    )


def roster_entry_for_user(access: CampaignAccess, entry_id: int) -> RosterEntry:
    return get_object_or_404(
        RosterEntry.objects.select_related("person", "unit", "organizer"),
        pk=entry_id,
        campaign=access.campaign,
    )


def people_visible_to(user: User) -> QuerySet[Person]:
    """People on the current roster of a campaign the user may see; a committee lead sees all
    of the committee's people (on no roster yet, or taken off every roster).

    Only the current roster: an entry removed no longer opens the person's record to the
    campaign's team, so putting someone on a roster for a moment cannot be used to read them.
    """
    if not user.is_authenticated:
        return Person.objects.none()
    lead_of = Membership.objects.filter(user=user, role=Membership.Role.LEAD).values("committee_id")
    on_roster = RosterEntry.objects.filter(
        person=OuterRef("pk"), removed_at=None, campaign__in=campaigns_visible_to(user)
    )
    return Person.objects.filter(Q(committee_id__in=lead_of) | Q(Exists(on_roster)))


def person_for_user(user: User, person_id: int) -> Person:
    """A person the user may see, or 404. What of them is shown (which roster positions)
    still goes through campaigns_visible_to."""
    if not user.is_authenticated:
        raise Http404
    return get_object_or_404(people_visible_to(user), pk=person_id)


def conversation_for_user(access: CampaignAccess, conversation_id: int) -> Conversation:
    """A conversation of this campaign (404 otherwise)."""
    return get_object_or_404(
        Conversation.objects.select_related("person", "organizer", "campaign"),
        pk=conversation_id,
        campaign=access.campaign,
    )


def can_change_conversation(access: CampaignAccess, conversation: Conversation) -> bool:
    """Its author or a lead may edit or delete a conversation."""
    return access.can_manage or conversation.organizer_id == access.user.pk


def can_read_notes(access: CampaignAccess, conversation: Conversation) -> bool:
    """A campaign may keep what is typed in a one-on-one (its notes and its next step) to
    their author and the leads."""
    return not access.campaign.notes_restricted or can_change_conversation(access, conversation)


def can_read_next_step(access: CampaignAccess, follow_up: FollowUp) -> bool:
    """A follow-up's next step is typed in a one-on-one too: where notes are restricted, it is
    for the organizer who must do it and the leads (others see that a follow-up is due)."""
    return (
        not access.campaign.notes_restricted
        or access.can_manage
        or follow_up.organizer_id == access.user.pk
    )


def campaigns_managed(user: User, campaigns: list[Campaign]) -> set[int]:
    """The ids of those of `campaigns` the user may manage, in one query."""
    lead_of = Membership.objects.filter(user=user, role=Membership.Role.LEAD).values("committee_id")
    team_lead = TeamMember.objects.filter(
        user=user, role=TeamMember.Role.LEAD, campaign=OuterRef("pk")
    )
    ids = [campaign.pk for campaign in campaigns]
    return set(
        Campaign.objects.filter(
            Q(committee_id__in=lead_of) | Q(Exists(team_lead)), pk__in=ids
        ).values_list("pk", flat=True)
    )


def actions_visible_to(user: User) -> QuerySet[Action]:
    """Actions a user may run (edit, invite, check in, read turnout): those of campaigns they
    see, and committee-wide ones of committees where they lead or organize."""
    if not user.is_authenticated:
        return Action.objects.none()
    organizes_in = Membership.objects.filter(
        user=user, role__in=[Membership.Role.LEAD, Membership.Role.ORGANIZER]
    ).values("committee_id")
    return Action.objects.filter(
        Q(campaign__isnull=True, committee_id__in=organizes_in)
        | Q(campaign__in=campaigns_visible_to(user))
    )


def action_for_user(user: User, action_id: int, *, change: bool = False) -> Action:
    """An action the user may run, or 404: members and outsiders never see the organizer's
    side of an action (who is invited, who said what). With change=True (editing,
    rescheduling, cancelling), 403 unless they may also change it (may_change_action)."""
    action = get_object_or_404(
        actions_visible_to(user).select_related("campaign", "committee", "site"), pk=action_id
    )
    if change and not may_change_action(user, action):
        raise PermissionDenied
    return action


def may_change_action(user: User, action: Action) -> bool:
    """A campaign's action is changed by whoever runs it (its team, the committee's leads).
    A committee-wide one reaches every campaign's people, so only a committee lead changes it:
    an organizer could otherwise move a meeting that emails people of campaigns not theirs."""
    return action.campaign_id is not None or _leads(user, action.committee_id)


def action_people_named_to(user: User, action: Action, *, person: str = "pk") -> Q | None:
    """Whom of an action's people the user sees by name, as a filter on `person` (the
    person's id field of the rows filtered: "pk" for people, "person_id" for RSVPs); None when
    they see everyone: a campaign's action (its team sees its people) or a committee lead.

    Of a committee-wide action, an organizer names only the people "from" their campaigns:
    on the roster of a campaign they are on now, or a walk-in they added to this action. The
    rest show as counts.
    """
    if action.campaign_id is not None or _leads(user, action.committee_id):
        return None
    on_my_rosters = RosterEntry.objects.filter(
        person_id=OuterRef(person),
        removed_at__isnull=True,
        campaign__in=campaigns_visible_to(user),
    )
    added_by_me = Rsvp.objects.filter(
        action_id=action.pk, person_id=OuterRef(person), added_by=user
    )
    return Q(Exists(on_my_rosters)) | Q(Exists(added_by_me))


def _leads(user: User, committee_id: int) -> bool:
    return Membership.objects.filter(
        user=user, committee_id=committee_id, role=Membership.Role.LEAD
    ).exists()


def person_of_user(user: User) -> Person | None:
    """The roster person behind a login (a member answering their own invitations).

    A login not linked yet is linked here to the one person of the user's committees whose
    email is one the user has verified: a member invited by email finds their invitations
    the first time they log in, without an organizer linking them by hand.
    """
    if not user.is_authenticated:
        return None
    person = Person.objects.filter(user=user).select_related("committee").first()
    return person if person is not None else _link_by_verified_email(user)


def _link_by_verified_email(user: User) -> Person | None:
    from allauth.account.models import EmailAddress

    emails = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    same_email = Q()
    for email in emails:
        same_email |= Q(emails__email__iexact=email)
    if not same_email:
        return None
    committees = Membership.objects.filter(user=user).values("committee_id")
    matches = list(
        Person.objects.filter(same_email, user__isnull=True, committee_id__in=committees)
        .select_related("committee")
        .distinct()[:2]
    )
    if len(matches) != 1:
        return None  # nobody, or two people share the address: an organizer decides
    person = matches[0]
    linked = Person.objects.filter(pk=person.pk, user__isnull=True).update(user=user)
    return person if linked else None


def person_for_committee_lead(user: User, person_id: int) -> Person:
    """A person of a committee the user leads, or 404: a person's whole record (their data
    export, their erasure) is for committee leads only. An organizer who may see the person's
    page gets the same 404 as for someone who does not exist."""
    if not user.is_authenticated:
        raise Http404
    lead_of = Membership.objects.filter(user=user, role=Membership.Role.LEAD).values("committee_id")
    return get_object_or_404(
        Person.objects.select_related("committee", "user"), pk=person_id, committee_id__in=lead_of
    )
