"""Dues reminders: a member who falls behind on dues hears of it once, through the outbox.

The beat (`dues_reminders_plan`, every five minutes) looks, for each committee whose local
clock has passed REMIND_AT today, for members *behind* today (campaigns.power.standing: past
the grace period, not yet lapsed) and plans one reminder to each, due at REMIND_AT local time.

"Once" is kept by the outbox rows themselves, one per behind episode: a member reminded
before is reminded again only when they were in good standing at some time since (they paid
up, then fell behind again). Standing only gets worse between payments, so looking at the day
of the last reminder and at each day a payment was made since is enough; a partial payment
that leaves them behind starts no new episode. Whatever became of the last reminder (sent,
suppressed for a do-not-contact person, voided) it counts: the outbox decides at send time
whether and how it goes (consent, channel, language, quiet hours), not this module.

A lapsed member gets no reminder (they were reminded while behind, or went past it in one
step): their organizer sees them on My list and in the Monday email instead.
"""

from datetime import UTC, date, datetime, time

from django.db.models import Max
from django.utils import timezone

from campaigns.models import Member, OutboxMessage, Payment
from campaigns.outbox.services.plan import outbox_plan_many
from campaigns.power.standing import Kind, Standing, standing_on, standings
from members.clock import day_of, today_for, zone_for
from members.models import Committee

REMIND_AT = time(10, 0)  # on the committee's clock: after the organizers' 09:00 digest
DUES_REMINDER = OutboxMessage.Kind.DUES_REMINDER


def remind_time(committee: Committee, day: date) -> datetime:
    """REMIND_AT on `day` on the committee's wall clock, as a UTC instant (right across DST)."""
    return datetime.combine(day, REMIND_AT, tzinfo=zone_for(committee)).astimezone(UTC)


def dues_reminders_plan(*, now: datetime | None = None) -> int:
    """Plan today's dues reminders of every committee past REMIND_AT; returns how many."""
    now = now or timezone.now()
    planned = 0
    for committee in Committee.objects.filter(members__isnull=False).distinct():
        today = today_for(committee, at=now)
        due = remind_time(committee, today)
        if now >= due:
            planned += _plan_committee(committee, today, due)
    return planned


def _plan_committee(committee: Committee, today: date, due: datetime) -> int:
    members = Member.objects.filter(committee=committee)
    found = standings(members, committee=committee, day=today)
    behind = [pk for pk, standing in found.items() if standing.kind == Kind.BEHIND]
    if not behind:
        return 0
    people = dict(Member.objects.filter(pk__in=behind).values_list("pk", "person_id"))
    last = _last_reminders(list(people.values()))
    paid = _paid_since(committee, people, last)
    to_remind = [
        member_id
        for member_id, person_id in people.items()
        if person_id not in last
        or member_id in paid
        and _good_since(committee, member_id, day_of(last[person_id], committee), today)
    ]
    chosen = list(Member.objects.filter(pk__in=to_remind).select_related("person"))
    if chosen:
        outbox_plan_many(
            kind=DUES_REMINDER,
            committee=committee,
            people=[member.person for member in chosen],
            due_at=due,
        )
    return len(chosen)


def _paid_since(
    committee: Committee, people: dict[int, int], last: dict[int, datetime]
) -> set[int]:
    """The reminded members with a payment made on or after the day of their last reminder,
    or recorded since it (a payment entered late, dated before): only they can have been in
    good standing since. One query, so that the beat's every run is cheap."""
    reminded = {member_id for member_id, person_id in people.items() if person_id in last}
    rows = (
        Payment.objects.filter(member_id__in=reminded)
        .values("member_id")
        .annotate(paid_on=Max("paid_on"), recorded_at=Max("recorded_at"))
    )
    found = set()
    for row in rows:
        when = last[people[row["member_id"]]]
        if row["recorded_at"] >= when or row["paid_on"] >= day_of(when, committee):
            found.add(row["member_id"])
    return found


def _last_reminders(person_ids: list[int]) -> dict[int, datetime]:
    """person id -> when their last dues reminder was due."""
    rows = (
        OutboxMessage.objects.filter(kind=DUES_REMINDER, person_id__in=person_ids)
        .values("person_id")
        .annotate(last=Max("due_at"))
    )
    return {row["person_id"]: row["last"] for row in rows}


def _good_since(committee: Committee, member_id: int, since: date, today: date) -> bool:
    """Whether the member was in good standing on `since` or on any day a payment was made
    after it, up to today (each read with the payments made by that day)."""
    member = Member.objects.get(pk=member_id)
    payments = list(
        Payment.objects.filter(member_id=member_id, paid_on__lte=today).values_list(
            "paid_on", "covers"
        )
    )
    days = {since} | {paid_on for paid_on, _covers in payments if since < paid_on}
    for day in days:
        ends = [covers.upper for paid_on, covers in payments if paid_on <= day]
        found = standing_on(
            day,
            joined_on=member.joined_on,
            resigned_on=member.resigned_on,
            has_plan=member.plan_id is not None,
            paid_until=max(ends) if ends else None,
            grace=committee.dues_grace_months,
            lapse=committee.dues_lapse_months,
        )
        if found is not None and found.in_good_standing:
            return True
    return False


def member_standing(person_id: int, committee: Committee, day: date) -> Standing | None:
    """A person's standing as a member of the committee on `day` (None: not a member then)."""
    members = Member.objects.filter(person_id=person_id)
    return next(iter(standings(members, committee=committee, day=day).values()), None)
