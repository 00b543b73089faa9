"""Recording who came: checking in at the door (and undoing it), walk-ins, and closing out an
action afterwards, when everyone who said yes and was not checked in becomes a no-show."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.actions.services.no_shows import nudge_no_shows
from campaigns.models import Action, Rsvp
from campaigns.roster.matching import channels_add_typed, person_match_for, possible_duplicate_queue
from campaigns.roster.services import roster_add
from members.models import Person, User


def checkin_problem(action: Action) -> str | None:
    """Why nobody can be checked in to this action (a sentence for the organizer), or None."""
    if action.cancelled_at is not None:
        return _("This action was cancelled: there is no check-in.")
    return None


def attendance_set(
    *, action: Action, person: Person, attended: bool | None, by: User | None
) -> Rsvp:
    """Record whether the person came: True checked in now, False a no-show, None not
    recorded (an undo); `by` None when another tool recorded it (a sync). Someone with no
    RSVP gets one, as a walk-in; undoing a walk-in that nothing else explains (no
    invitation, no answer) removes that row again.

    Raises ValidationError (code "cancelled") for a cancelled action.
    """
    problem = checkin_problem(action)
    if problem:
        raise ValidationError(problem, code="cancelled")
    with transaction.atomic():
        # A walk-in remembers who added them: on a committee-wide action they count among
        # that organizer's people (campaigns.access.action_people_named_to).
        rsvp, _created = Rsvp.objects.get_or_create(
            action=action, person=person, defaults={"source": Rsvp.Source.WALK_IN, "added_by": by}
        )
        rsvp = Rsvp.objects.select_for_update().get(pk=rsvp.pk)
        if attended is None and _only_a_walk_in(rsvp):
            rsvp.delete()
            return Rsvp(action=action, person=person, source=Rsvp.Source.WALK_IN)
        rsvp.attended = attended
        rsvp.checked_in_at = timezone.now() if attended else None
        rsvp.checked_in_by = by if attended else None
        rsvp.save(update_fields=["attended", "checked_in_at", "checked_in_by", "updated_at"])
        if attended is False:
            nudge_no_shows(action=action, person_ids=[person.pk])
    return rsvp


def checkin_toggle(*, action: Action, person: Person, by: User) -> Rsvp:
    """The door's one button: check in someone not checked in, undo for someone who is."""
    current = Rsvp.objects.filter(action=action, person=person).values_list("attended", flat=True)
    attended = current.first()
    return attendance_set(action=action, person=person, attended=None if attended else True, by=by)


def walk_in_add(
    *,
    action: Action,
    given_name: str,
    family_name: str = "",
    phone: str = "",
    email: str = "",
    by: User,
) -> Rsvp:
    """Someone not on the list came: find them by email or phone (`phone` in E.164) among the
    committee's people or add them, put them on the campaign's roster for a campaign's action,
    and check them in."""
    problem = checkin_problem(action)
    if problem:
        raise ValidationError(problem, code="cancelled")
    with transaction.atomic():
        # The roster's rule (campaigns.roster.matching): someone `by` may not see is not
        # attached nor revealed; raises MatchingLimited past the hourly limit.
        match = person_match_for(
            user=by,
            committee=action.committee,
            email=email,
            phone=phone,
            campaign_id=action.campaign_id,
        )
        person = match.person
        created = person is None
        if person is None:
            person = Person.objects.create(
                committee=action.committee, given_name=given_name, family_name=family_name
            )
            possible_duplicate_queue(match=match, person=person, campaign=action.campaign, by=by)
        channels_add_typed(
            person=person,
            email=email,
            phone=phone,
            is_new=created,
            campaign_id=action.campaign_id,
        )
        if action.campaign is not None:
            roster_add(campaign=action.campaign, person=person)
        rsvp = attendance_set(action=action, person=person, attended=True, by=by)
        if created and rsvp.source == Rsvp.Source.WALK_IN:
            rsvp.created_person = True
            rsvp.save(update_fields=["created_person", "updated_at"])
    return rsvp


def action_close_out(*, action: Action, by: User, now: datetime | None = None) -> int:
    """After the action: everyone who said yes (and had a place) and was not checked in is a
    no-show. Returns how many. Attendance already recorded is left as it is.

    Raises ValidationError before the action starts or when it was cancelled.
    """
    now = now or timezone.now()
    if action.cancelled_at is not None:
        raise ValidationError(_("This action was cancelled."), code="cancelled")
    if action.starts_at > now:
        raise ValidationError(
            _("Close out after the action has started: no one is a no-show yet."),
            code="not_started",
        )
    no_shows = Rsvp.objects.filter(
        action=action,
        response=Rsvp.Response.YES,
        waitlisted_at__isnull=True,
        attended__isnull=True,
    ).update(attended=False, checked_in_at=None, checked_in_by=None, updated_at=now)
    nudge_no_shows(action=action)
    return no_shows


def _only_a_walk_in(rsvp: Rsvp) -> bool:
    return (
        rsvp.source == Rsvp.Source.WALK_IN
        and rsvp.invited_at is None
        and rsvp.response == Rsvp.Response.NONE
        and not rsvp.created_person
    )
