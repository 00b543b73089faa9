"""Changing many roster entries at once from the chart: assign an organizer, add a tag,
record that they joined the committee.

Only active entries of the given campaign are touched, whatever ids come in: ids of another
campaign's entries are ignored, never an error that would tell they exist. Every bulk change
leaves one audit event with how many entries it touched.
"""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import Campaign, Member, RosterEntry, TeamMember
from campaigns.roster.history import power_history_changed
from members.audit import audit_record
from members.clock import today_for
from members.models import AuditEvent, Membership, Person, PersonTag, Tag, User


def roster_bulk_entries(*, campaign: Campaign, entry_ids: Iterable[int]) -> QuerySet[RosterEntry]:
    """The campaign's active entries among `entry_ids`; any other id is dropped."""
    return RosterEntry.objects.filter(
        campaign=campaign, removed_at__isnull=True, pk__in=list(entry_ids)
    )


def organizer_is_eligible(*, campaign: Campaign, user: User) -> bool:
    """People may be assigned to someone on the campaign's team or to a committee lead."""
    return (
        TeamMember.objects.filter(campaign=campaign, user=user).exists()
        or Membership.objects.filter(
            committee_id=campaign.committee_id, user=user, role=Membership.Role.LEAD
        ).exists()
    )


def roster_assign_organizer(
    *,
    campaign: Campaign,
    entry_ids: Iterable[int],
    organizer: User,
    actor: User,
    ip: str | None = None,
) -> int:
    """Make `organizer` the assigned organizer of the selected people; returns how many."""
    if not organizer_is_eligible(campaign=campaign, user=organizer):
        raise ValidationError(_("Choose someone on the campaign's team."), code="not_on_team")
    with transaction.atomic():
        count = roster_bulk_entries(campaign=campaign, entry_ids=entry_ids).update(
            organizer=organizer
        )
        _audit(campaign, actor, "assign_organizer", count, ip, organizer_id=organizer.pk)
    return count


def roster_add_tag(
    *,
    campaign: Campaign,
    entry_ids: Iterable[int],
    tag: Tag | None = None,
    tag_name: str = "",
    actor: User,
    ip: str | None = None,
) -> tuple[Tag, int]:
    """Tag the selected people with a committee tag, or with a new one named `tag_name`
    (an existing tag of that name, in any case, is reused). Returns the tag and how many
    people were selected; people who already had it keep it once."""
    with transaction.atomic():
        tag = _committee_tag(campaign, tag, tag_name)
        person_ids = set(
            roster_bulk_entries(campaign=campaign, entry_ids=entry_ids).values_list(
                "person_id", flat=True
            )
        )
        links = PersonTag
        links.objects.bulk_create(
            [links(person_id=pk, tag_id=tag.pk) for pk in person_ids], ignore_conflicts=True
        )
        # A tag is part of what the API shows of a person: their modified date moves.
        Person.objects.filter(pk__in=person_ids).update(updated_at=timezone.now())
        _audit(campaign, actor, "add_tag", len(person_ids), ip, tag_id=tag.pk)
    return tag, len(person_ids)


def roster_record_members(
    *,
    campaign: Campaign,
    entry_ids: Iterable[int],
    joined_on: date,
    joined_how: str,
    actor: User,
    ip: str | None = None,
) -> int:
    """Record that the selected people joined the committee (a card drive's night, say).
    Someone who is a member already keeps their record as it is (campaigns.power.services
    member_join's rule). Returns how many joined now."""
    if joined_on > today_for(campaign.committee):
        raise ValidationError(_("Joining cannot be dated in the future."), code="future")
    with transaction.atomic():
        person_ids = set(
            roster_bulk_entries(campaign=campaign, entry_ids=entry_ids)
            .exclude(person__member__isnull=False)
            .values_list("person_id", flat=True)
        )
        Member.objects.bulk_create(
            [
                Member(
                    committee_id=campaign.committee_id,
                    person_id=pk,
                    joined_on=joined_on,
                    joined_how=joined_how,
                    recorded_by=actor,
                )
                for pk in person_ids
            ],
            ignore_conflicts=True,  # joined a moment ago through another page
        )
        power_history_changed(committee_id=campaign.committee_id, since=joined_on)
        _audit(campaign, actor, "record_members", len(person_ids), ip)
    return len(person_ids)


def _committee_tag(campaign: Campaign, tag: Tag | None, name: str) -> Tag:
    if tag is not None:
        if tag.committee_id != campaign.committee_id:
            raise ValidationError(_("Choose one of the committee's tags."), code="foreign_tag")
        return tag
    name = " ".join(name.split())
    if not name:
        raise ValidationError(_("Choose a tag or type a new one."), code="no_tag")
    existing = Tag.objects.filter(committee_id=campaign.committee_id, name__iexact=name).first()
    return existing or Tag.objects.create(committee_id=campaign.committee_id, name=name)


def _audit(campaign, actor, action: str, count: int, ip: str | None, **detail) -> None:
    audit_record(
        actor=actor,
        kind=AuditEvent.Kind.BULK,
        committee=campaign.committee,
        campaign_id=campaign.pk,
        count=count,
        detail={"action": action, **detail},
        ip=ip,
    )
