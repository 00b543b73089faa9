"""Setting actions up: creating, editing, rescheduling and cancelling them.

Times arrive as aware datetimes (the form reads them in the action's zone); they are stored in
UTC with the zone's name, so the action shows at the same local time wherever it is read.
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.actions.services.reminders import (
    MAX_REMINDERS,
    reminders_cancel,
    reminders_replan,
)
from campaigns.actions.services.rsvps import waitlist_promote
from campaigns.models import Action, Campaign, OutboxMessage, Site
from members.audit import audit_record
from members.models import AuditEvent, Committee, User


@dataclass
class ActionData:
    """What an organizer sets about an action."""

    title: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    site: Site | None = None
    location: str = ""
    video_url: str = ""
    description: str = ""
    capacity: int | None = None
    visibility: str = Action.Visibility.INVITED
    rsvp_deadline: datetime | None = None
    # Minutes before the start; None: the committee's defaults for a new action, and no
    # change for an edit.
    reminder_offsets: list[int] | None = None


def action_create(
    *, committee: Committee, campaign: Campaign | None, data: ActionData, by: User
) -> Action:
    """A new action of the committee, on a campaign or committee-wide (campaign None)."""
    if campaign is not None and campaign.committee_id != committee.pk:
        raise ValidationError(_("This campaign is not the committee's."), code="committee")
    _check(campaign, data)
    fields = {"reminder_offsets": committee.reminder_offsets, **_fields(data)}
    return Action.objects.create(committee=committee, campaign=campaign, created_by=by, **fields)


def action_update(
    *, action: Action, data: ActionData, by: User | None = None, ip: str | None = None
) -> bool:
    """Change an action's details; returns whether its time moved (a reschedule), so the
    caller can say so. A cancelled action stays as it was, even one cancelled since `action`
    was read: only the fields set here are saved, under the row's lock. The change is
    audited with the names of the fields that changed (never what was typed)."""
    moved = (action.starts_at, action.ends_at) != (data.starts_at, data.ends_at)
    with transaction.atomic():
        if Action.objects.select_for_update().only("cancelled_at").get(pk=action.pk).is_cancelled:
            raise ValidationError(
                _("This action was cancelled: it can no longer change."), "cancelled"
            )
        _check(action.campaign, data)
        fields = _fields(data)
        changed = sorted(name for name, value in fields.items() if getattr(action, name) != value)
        for name, value in fields.items():
            setattr(action, name, value)
        action.save(update_fields=[*fields, "updated_at"])
        if changed:
            _audit(
                action, by=by, ip=ip, change="rescheduled" if moved else "edited", fields=changed
            )
        # More places (or no limit now) let the waitlist in, first come first served.
        waitlist_promote(action=action)
        # Reminders follow the new time and offsets; if it moved, who is coming is told.
        reminders_replan(action=action, moved=moved)
    return moved


def action_is_over(action: Action, now: datetime | None = None) -> bool:
    """The action has ended (as RSVPs see it: services.rsvps.rsvp_open_problem)."""
    return action.ends_at <= (now or timezone.now())


def action_cancel(*, action: Action, by: User | None, ip: str | None = None) -> bool:
    """Cancel an action (`by` None: cancelled in another tool, read by a sync): it stays,
    marked cancelled, and takes no more answers. Messages not
    sent yet will not go out; everyone who said yes or maybe is told it is off. Returns False
    if it was cancelled already.

    Raises ValidationError (code "over") once the action has ended: it happened, so it is
    closed out and its turnout read, not cancelled.
    """
    with transaction.atomic():
        locked = Action.objects.select_for_update().get(pk=action.pk)
        if locked.is_cancelled:
            return False
        if action_is_over(locked):
            raise ValidationError(
                _("This action is over: it can no longer be cancelled. Close it out and read "
                  "its turnout instead."),
                code="over",
            )  # fmt: skip
        action.cancelled_at, action.cancelled_by = timezone.now(), by
        action.save(update_fields=["cancelled_at", "cancelled_by", "updated_at"])
        OutboxMessage.objects.filter(action=action, status=OutboxMessage.Status.PENDING).update(
            status=OutboxMessage.Status.VOID, reason="action cancelled"
        )
        reminders_cancel(action=action)  # and yes and maybe hear it is off
        _audit(action, by=by, ip=ip, change="cancelled", fields=["cancelled_at"])
    return True


def _audit(action: Action, *, by: User | None, ip: str | None, change: str, fields: list) -> None:
    """An edit, a reschedule or a cancellation: who, which action, which fields (names only)."""
    audit_record(
        actor=by,
        kind=AuditEvent.Kind.ACTION_CHANGE,
        committee_id=action.committee_id,
        subject=action,
        campaign_id=action.campaign_id,
        detail={"change": change, "fields": fields},
        ip=ip,
    )


def _check(campaign: Campaign | None, data: ActionData) -> None:
    """The rules the form also checks, kept here so no caller can skip them."""
    if data.site is not None and (campaign is None or data.site.campaign_id != campaign.pk):
        raise ValidationError(_("Pick a site of the action's campaign."), code="site")
    if data.ends_at <= data.starts_at:
        raise ValidationError(_("The end must come after the start."), code="ends_at")
    if data.rsvp_deadline is not None and data.rsvp_deadline > data.starts_at:
        raise ValidationError(_("RSVPs must close before the action starts."), code="deadline")
    offsets = data.reminder_offsets or []
    if len(set(offsets)) != len(offsets) or any(minutes <= 0 for minutes in offsets):
        raise ValidationError(_("Reminders go before the start, each at its own time."), "offsets")
    if len(offsets) > MAX_REMINDERS:
        too_many = _("At most %(count)d reminders.") % {"count": MAX_REMINDERS}
        raise ValidationError(too_many, "offsets")


def _fields(data: ActionData) -> dict:
    offsets = {} if data.reminder_offsets is None else {"reminder_offsets": data.reminder_offsets}
    return offsets | {
        "title": data.title.strip(),
        "kind": data.kind,
        "starts_at": data.starts_at,
        "ends_at": data.ends_at,
        "time_zone": data.time_zone,
        "site": data.site,
        "location": data.location.strip(),
        "video_url": data.video_url.strip(),
        "description": data.description.strip(),
        "capacity": data.capacity,
        "visibility": data.visibility,
        "rsvp_deadline": data.rsvp_deadline,
    }
