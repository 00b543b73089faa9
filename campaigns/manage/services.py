"""Writing campaigns, their sites, the unit tree of each site, and the campaign team.

Every rule a lead can break from a form (a duplicate name, thresholds out of order, a unit
moved under itself, a member put on a team) is refused here with a translated
ValidationError keyed by the form field it is about, so the views only show it.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from campaigns.actions.services.reminders import MAX_REMINDERS
from campaigns.conversations.services.asks import asks_defaults_create
from campaigns.conversations.services.reminders import one_on_one_reminders_replan
from campaigns.models import Campaign, RosterEntry, Site, TeamMember, Unit
from campaigns.roster.history import history_changed
from campaigns.roster.units import unit_subtree_ids
from members.audit import audit_record
from members.models import AuditEvent, Committee, Membership, User

CAMPAIGN_FIELDS = (
    "kind",
    "target",
    "code_name",
    "description",
    "status",
    "threshold_interest",
    "threshold_majority",
    "threshold_super",
    "notes_restricted",
    "escalate_after_days",
    "quiet_unit_days",
)
SITE_FIELDS = ("name", "address", "time_zone")


# --- Campaigns -----------------------------------------------------------------------------------


def campaign_create(
    *, committee: Committee, created_by: User, ip: str | None = None, **fields
) -> Campaign:
    """Start a campaign; whoever starts it leads it, so it never begins without a team."""
    campaign = Campaign(committee=committee, **_only(fields, CAMPAIGN_FIELDS))
    _campaign_check(campaign)
    with transaction.atomic():
        _save_unique(campaign, "code_name", _code_name_taken(campaign))
        asks_defaults_create(campaign=campaign)
        team_member_set(
            campaign=campaign,
            user=created_by,
            role=TeamMember.Role.LEAD,
            actor=created_by,
            ip=ip,
        )
    return campaign


def campaign_update(*, campaign: Campaign, **fields) -> Campaign:
    """Change a campaign's settings (kind, target, code name, status, thresholds, notes).

    A refused change leaves the campaign as it was, so the page around the form still shows
    the saved name."""
    for name, value in _only(fields, CAMPAIGN_FIELDS).items():
        setattr(campaign, name, value)
    try:
        _campaign_check(campaign)
        _save_unique(campaign, "code_name", _code_name_taken(campaign))
    except ValidationError:
        campaign.refresh_from_db()
        raise
    return campaign


def _campaign_check(campaign: Campaign) -> None:
    """Thresholds are percentages that climb: interest ≤ majority ≤ supermajority."""
    errors: dict[str, str] = {}
    for name in ("threshold_interest", "threshold_majority", "threshold_super"):
        if not 1 <= getattr(campaign, name) <= 100:
            errors[name] = _("A threshold is a percentage from 1 to 100.")
    if errors:
        raise ValidationError(errors)
    interest, majority, supermajority = campaign.thresholds
    order = _(
        "Thresholds go up in order: showing of interest (%(interest)s%%) ≤ majority "
        "(%(majority)s%%) ≤ supermajority (%(super)s%%)."
    ) % {"interest": interest, "majority": majority, "super": supermajority}
    if interest > majority:
        raise ValidationError({"threshold_interest": order})
    if majority > supermajority:
        raise ValidationError({"threshold_super": order})
    if (
        Campaign.objects.filter(
            committee_id=campaign.committee_id, code_name__iexact=campaign.code_name
        )
        .exclude(pk=campaign.pk)
        .exists()
    ):
        raise ValidationError({"code_name": _code_name_taken(campaign)})


def _code_name_taken(campaign: Campaign) -> str:
    return _(
        "Another campaign of the committee is already called “%(name)s” (capitals don't "
        "count). Pick a different code name."
    ) % {"name": campaign.code_name}


# --- Sites ---------------------------------------------------------------------------------------


def site_create(*, campaign: Campaign, **fields) -> Site:
    """Add a worksite or building to a campaign, after the ones it has."""
    last = campaign.sites.aggregate(last=Max("position"))["last"]
    site = Site(campaign=campaign, position=0 if last is None else last + 1)
    return _site_save(site, fields)


def site_update(*, site: Site, **fields) -> Site:
    """Change a site's name, address or time zone; a refused change leaves it as it was."""
    try:
        return _site_save(site, fields)
    except ValidationError:
        site.refresh_from_db()
        raise


def _site_save(site: Site, fields: dict) -> Site:
    for name, value in _only(fields, SITE_FIELDS).items():
        setattr(site, name, value)
    taken = _("This campaign already has a site called “%(name)s” (capitals don't count).") % {
        "name": site.name
    }
    siblings = Site.objects.filter(campaign_id=site.campaign_id, name__iexact=site.name)
    if siblings.exclude(pk=site.pk).exists():
        raise ValidationError({"name": taken})
    _save_unique(site, "name", taken)
    return site


# --- Units ---------------------------------------------------------------------------------------


def unit_create(*, site: Site, name: str, parent: Unit | None = None) -> Unit:
    """Add a unit under `parent` (or at the top of the site), after its siblings."""
    _unit_parent_check(site=site, parent=parent)
    name = name.strip()
    _unit_name_check(site=site, parent=parent, name=name)
    unit = Unit(site=site, parent=parent, name=name, position=_next_position(site, parent))
    _save_unique(unit, "name", _unit_name_taken(parent, name))
    return unit


def unit_update(*, unit: Unit, name: str) -> Unit:
    """Rename a unit."""
    name = name.strip()
    _unit_name_check(site=unit.site, parent=unit.parent, name=name, exclude=unit)
    unit.name = name
    _save_unique(unit, "name", _unit_name_taken(unit.parent, name), update_fields=["name"])
    return unit


def unit_move(*, unit: Unit, parent: Unit | None) -> Unit:
    """Put a unit (with everything under it) under another parent of the same site, last."""
    _unit_parent_check(site=unit.site, parent=parent)
    if parent is not None and parent.pk in unit_subtree_ids(unit):
        raise ValidationError(
            {"parent": _("A unit can't go under itself or under one of its own units.")}
        )
    if parent == unit.parent:
        return unit
    _unit_name_check(site=unit.site, parent=parent, name=unit.name, field="parent")
    unit.parent = parent
    unit.position = _next_position(unit.site, parent)
    message = _unit_name_taken(parent, unit.name)
    _save_unique(unit, "parent", message, update_fields=["parent", "position"])
    return unit


def unit_reorder(*, unit: Unit, step: int) -> Unit:
    """Move a unit up (step -1) or down (+1) among its siblings; the ends stay put."""
    with transaction.atomic():
        siblings = list(
            Unit.objects.select_for_update()
            .filter(site_id=unit.site_id, parent_id=unit.parent_id)
            .order_by("position", "name", "pk")
        )
        index = next(i for i, sibling in enumerate(siblings) if sibling.pk == unit.pk)
        target = index + step
        if 0 <= target < len(siblings):
            siblings[index], siblings[target] = siblings[target], siblings[index]
        for position, sibling in enumerate(siblings):
            sibling.position = position
        Unit.objects.bulk_update(siblings, ["position"])
    unit.position = next(s.position for s in siblings if s.pk == unit.pk)
    return unit


def unit_delete(
    *,
    unit: Unit,
    move_people_to: Unit | None,
    actor: User | None = None,
    ip: str | None = None,
) -> int:
    """Delete a unit and every unit under it; the people placed there go to `move_people_to`
    (another unit of the site, or no unit), so nobody drops off the chart unnoticed.
    Audited with how many units went and how many people moved.

    Returns how many people were moved.
    """
    doomed = unit_subtree_ids(unit)
    if move_people_to is not None and (
        move_people_to.site_id != unit.site_id or move_people_to.pk in doomed
    ):
        raise ValidationError(
            {"move_to": _("Choose a unit of this site that is not being deleted.")}
        )
    with transaction.atomic():
        moved = RosterEntry.objects.filter(unit_id__in=doomed, removed_at__isnull=True).update(
            unit=move_people_to
        )
        # Everyone counts in their unit today, in every week: the past of the units changed.
        history_changed(campaign=unit.site.campaign, since=None)
        _unit_delete_audit(unit, doomed, moved, move_people_to, actor, ip)
        unit.delete()
    return moved


def _unit_delete_audit(
    unit: Unit,
    doomed: set[int],
    moved: int,
    move_to: Unit | None,
    actor: User | None,
    ip: str | None,
) -> None:
    campaign = Campaign.objects.values("pk", "committee_id").get(sites=unit.site_id)
    audit_record(
        actor=actor,
        kind=AuditEvent.Kind.DELETE,
        committee_id=campaign["committee_id"],
        campaign_id=campaign["pk"],
        subject=unit,
        count=moved,
        detail={"units": len(doomed), "moved_to": move_to.pk if move_to else None},
        ip=ip,
    )


def _unit_parent_check(*, site: Site, parent: Unit | None) -> None:
    if parent is not None and parent.site_id != site.pk:
        raise ValidationError({"parent": _("Choose a unit of this site.")})


def _unit_name_check(
    *, site: Site, parent: Unit | None, name: str, exclude: Unit | None = None, field="name"
) -> None:
    """Names are unique among siblings, capitals aside: two "1A" on one floor confuse."""
    if not name:
        raise ValidationError({field: _("A unit needs a name.")})
    siblings = Unit.objects.filter(site=site, parent=parent, name__iexact=name)
    if exclude is not None:
        siblings = siblings.exclude(pk=exclude.pk)
    if siblings.exists():
        raise ValidationError({field: _unit_name_taken(parent, name)})


def _unit_name_taken(parent: Unit | None, name: str) -> str:
    if parent is None:
        return _("The site already has a top-level unit called “%(name)s”.") % {"name": name}
    return _("“%(parent)s” already has a unit called “%(name)s”.") % {
        "parent": parent.name,
        "name": name,
    }


def _next_position(site: Site, parent: Unit | None) -> int:
    last = Unit.objects.filter(site=site, parent=parent).aggregate(last=Max("position"))["last"]
    return 0 if last is None else last + 1


# --- The team ------------------------------------------------------------------------------------


def team_member_set(
    *,
    campaign: Campaign,
    user: User,
    role: str,
    actor: User,
    ip: str | None = None,
) -> TeamMember:
    """Put someone on the campaign's team with a role, or change their role.

    Only the committee's organizers and leads may join a team: a member would otherwise see a
    roster. Every change is audited; an unchanged role records nothing.
    """
    if role not in TeamMember.Role.values:
        raise ValidationError({"role": _("Choose campaign lead or organizer.")})
    eligible = Membership.objects.filter(
        committee_id=campaign.committee_id,
        user=user,
        role__in=[Membership.Role.ORGANIZER, Membership.Role.LEAD],
    )
    if not eligible.exists():
        raise ValidationError(
            {"user": _("Only the committee's organizers and leads can join a campaign team.")}
        )
    with transaction.atomic():
        member = TeamMember.objects.select_for_update().filter(campaign=campaign, user=user).first()
        if member is not None and member.role == role:
            return member
        change = "added" if member is None else "role"
        member = member or TeamMember(campaign=campaign, user=user)
        member.role = role
        member.save()
        _team_audit(campaign, member, role, change, actor, ip)
    return member


def team_member_remove(
    *, campaign: Campaign, user: User, actor: User, ip: str | None = None
) -> bool:
    """Take someone off the campaign's team (their assigned people stay assigned to them
    until reassigned). Returns False if they were not on it."""
    with transaction.atomic():
        member = TeamMember.objects.select_for_update().filter(campaign=campaign, user=user).first()
        if member is None:
            return False
        member.delete()
        _team_audit(campaign, user, member.role, "removed", actor, ip)
    return True


def _team_audit(campaign, subject, role: str, change: str, actor, ip: str | None) -> None:
    audit_record(
        actor=actor,
        kind=AuditEvent.Kind.TEAM_CHANGE,
        committee=campaign.committee,
        campaign_id=campaign.pk,
        subject=subject,
        detail={"role": role, "change": change},
        ip=ip,
    )


# --- The committee's reminder timing ------------------------------------------------------------

COMMITTEE_REMINDER_FIELDS = (
    "reminder_offsets",
    "one_on_one_reminder_minutes",
    "quiet_hours_start",
    "quiet_hours_end",
)


def committee_reminders_set(*, committee: Committee, **fields) -> None:
    """Set when reminders go: the reminders new actions start with (actions made before keep
    theirs), the lead time of one-on-one reminders (the ones not sent yet move to it), and
    the quiet hours of text messages (read when each text is about to go)."""
    _only(fields, COMMITTEE_REMINDER_FIELDS)
    _reminder_timing_check(fields)
    lead_time_moved = fields["one_on_one_reminder_minutes"] != committee.one_on_one_reminder_minutes
    with transaction.atomic():
        for name, value in fields.items():
            setattr(committee, name, value)
        committee.save(update_fields=list(fields))
        if lead_time_moved:
            one_on_one_reminders_replan(committee=committee)


def _reminder_timing_check(fields: dict) -> None:
    """The rules the form also checks, kept here so no caller can skip them."""
    offsets = fields["reminder_offsets"]
    if (
        len(offsets) > MAX_REMINDERS
        or len(set(offsets)) != len(offsets)
        or min(offsets, default=1) <= 0
    ):
        message = _("Reminders go before the start, each at its own time.")
        raise ValidationError({"reminders": message})
    if fields["one_on_one_reminder_minutes"] <= 0:
        raise ValidationError({"one_on_one_amount": _("Enter a number above 0.")})
    if fields["quiet_hours_start"] == fields["quiet_hours_end"]:
        message = _("Quiet hours end at another time than they start, e.g. 21:00 to 08:00.")
        raise ValidationError({"quiet_hours_end": message})


# --- Helpers -------------------------------------------------------------------------------------


def _only(fields: dict, allowed: tuple[str, ...]) -> dict:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    return fields


def _save_unique(obj, field: str, message: str, update_fields: list[str] | None = None) -> None:
    """Save, turning a lost race on a unique constraint into the same error a check gives."""
    try:
        with transaction.atomic():
            obj.save(update_fields=update_fields) if update_fields else obj.save()
    except IntegrityError as error:
        raise ValidationError({field: message}) from error
