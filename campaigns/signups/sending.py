"""Sending people their personal signing links, through the outbox.

The outbox decides how each message goes (email, or a text for who chose texts) and whether it
may go at all (consent, do-not-contact, an address on file). Here: who is asked. Everyone on
the roster with no fresh signature on the drive (never signed, revoked, or a card gone stale:
a new one counts from its day) who may be asked (campaigns.signups.links.askable), narrowed
to a site or a unit and the units under it, leaving out who got a link in the last week (a
send to one person, from their page, may repeat it).
"""

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from campaigns.models import OutboxMessage, SignupDrive, Site, Unit
from campaigns.outbox.services.plan import outbox_plan_many
from campaigns.roster.signatures import REVOKED, STALE, UNSIGNED, signature_rows
from campaigns.roster.units import unit_subtree_ids
from campaigns.signups.links import askable
from campaigns.signups.services import drive_open_problem
from members.clock import today_for
from members.models import Person, User

WAITING = [OutboxMessage.Status.PENDING, OutboxMessage.Status.SENDING]
RECENT = timedelta(days=7)  # a send to everyone skips who got a link this recently


@dataclass(frozen=True)
class Audience:
    """Who a send would ask, and who it leaves out and why (the page's preview)."""

    people: list[Person]  # to be sent a link
    do_not_contact: int  # not signed, but never to be messaged
    recent: int  # not signed, a link on its way or sent in the last RECENT
    stale: int  # of those asked, how many signed a card that has gone stale

    @property
    def count(self) -> int:
        return len(self.people)


def signing_audience(
    drive: SignupDrive, *, site: Site | None = None, unit: Unit | None = None
) -> Audience:
    """Who on the roster today would be sent a link (see the module's docstring)."""
    rows = signature_rows(drive)
    if unit is not None:
        units = unit_subtree_ids(unit)
        rows = [row for row in rows if row.unit_id in units]
    elif site is not None:
        units = set(Unit.objects.filter(site=site).values_list("pk", flat=True))
        rows = [row for row in rows if row.unit_id in units]
    unsigned = [row.person_id for row in rows if row.status in (UNSIGNED, REVOKED, STALE)]
    stale = {row.person_id for row in rows if row.status == STALE}
    people = list(Person.objects.filter(pk__in=unsigned, erased_at__isnull=True).order_by("pk"))
    recent = set(_links_recent(drive).values_list("person_id", flat=True))
    asked = [p for p in people if not p.do_not_contact and p.pk not in recent]
    return Audience(
        people=asked,
        do_not_contact=sum(p.do_not_contact for p in people),
        recent=sum(not p.do_not_contact and p.pk in recent for p in people),
        stale=sum(p.pk in stale for p in asked),
    )


def _links_waiting(drive: SignupDrive) -> QuerySet[OutboxMessage]:
    return OutboxMessage.objects.filter(
        kind=OutboxMessage.Kind.SIGNING_LINK, drive=drive, status__in=WAITING
    )


def _links_recent(drive: SignupDrive) -> QuerySet[OutboxMessage]:
    """Links on their way, or sent lately: a second send to everyone does not repeat them."""
    since = timezone.now() - RECENT
    sent = OutboxMessage.objects.filter(
        kind=OutboxMessage.Kind.SIGNING_LINK,
        drive=drive,
        status=OutboxMessage.Status.SENT,
        sent_at__gte=since,
    )
    return _links_waiting(drive) | sent


def link_waiting(drive: SignupDrive, person: Person) -> bool:
    """Whether a signing link to the person is on its way (planned, not yet sent)."""
    return _links_waiting(drive).filter(person=person).exists()


def signing_links_send(*, drive: SignupDrive, people: list[Person], actor: User | None) -> int:
    """Plan a signing link to each of these people who may be asked and has none on its way;
    how many. Raises ValidationError ("closed") when the drive takes no signature today."""
    committee = drive.campaign.committee
    problem = drive_open_problem(drive, today_for(committee))
    if problem:
        raise ValidationError(problem, code="closed")
    waiting = set(
        _links_waiting(drive)
        .filter(person__in=[p.pk for p in people])
        .values_list("person_id", flat=True)
    )
    asked = list(
        Person.objects.filter(askable(drive), pk__in=[p.pk for p in people])
        .exclude(pk__in=waiting)
        .order_by("pk")
    )
    if not asked:
        return 0  # (planning for no one would plan one message about no one)
    outbox_plan_many(
        kind=OutboxMessage.Kind.SIGNING_LINK,
        committee=committee,
        drive=drive,
        people=asked,
        due_at=timezone.now(),
    )
    return len(asked)
