"""The link in an invitation email that lets someone answer without logging in.

The token is opaque (organizing.link_keys: the action's and the person's ids sealed, nothing
readable) and costs no query to make. The link works while the action is not over and the
person is still someone we may ask: not marked do-not-contact, and not taken off the roster
the action is for (for a committee-wide action: off every roster of the committee). People
never on a roster (a public RSVP's new contact) keep their link. Lockdown and deactivating a
user end the links made so far (the RSVP's link_cutoff, rsvp_links_revoke).

Opening it changes nothing (mail scanners open every link); the page it opens asks, and one
POST answers.
"""

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Now
from django.utils import timezone

from campaigns.models import Action, Campaign, RosterEntry, Rsvp
from members.models import Committee, Person, User
from organizing.link_keys import LinkUnreadable, link_open, link_seal

PURPOSE = "rsvp"


class LinkInvalid(Exception):
    """Not a link of ours, or one that no longer works (ended, the person taken off the
    roster or marked do-not-contact): the page says the same for each, and shows nothing."""


class LinkExpired(Exception):
    """One of our links, but the action is over."""


def rsvp_link_token(*, action: Action, person: Person) -> str:
    return link_seal(action.pk, person.pk, purpose=PURPOSE)


def _still_for_them() -> Q:
    """The RSVP's person may still use its link: not do-not-contact, and not taken off the
    roster the action is for (never having been on it is fine)."""
    person = OuterRef("person_id")
    in_campaign = RosterEntry.objects.filter(
        person_id=person, campaign_id=OuterRef("action__campaign_id")
    )
    in_committee = RosterEntry.objects.filter(
        person_id=person, campaign__committee_id=OuterRef("action__committee_id")
    )
    on_campaign = Exists(in_campaign.filter(removed_at=None)) | ~Exists(in_campaign)
    on_committee = Exists(in_committee.filter(removed_at=None)) | ~Exists(in_committee)
    return Q(person__do_not_contact=False) & (
        (Q(action__campaign__isnull=False) & on_campaign)
        | (Q(action__campaign__isnull=True) & on_committee)
    )


def _by_token(token: str) -> QuerySet[Rsvp]:
    """The RSVP a token opens, if it still works (no query yet); raises LinkInvalid."""
    try:
        (action_id, person_id), issued = link_open(token, purpose=PURPOSE, count=2)
    except LinkUnreadable as error:
        raise LinkInvalid from error
    return Rsvp.objects.filter(
        Q(link_cutoff__isnull=True) | Q(link_cutoff__lt=issued),
        _still_for_them(),
        action_id=action_id,
        person_id=person_id,
    )


def rsvp_link_resolve(token: str) -> Rsvp:
    """The invitation a token stands for; raises LinkInvalid or LinkExpired."""
    rsvp = (
        _by_token(token)
        .select_related("action", "action__committee", "action__campaign", "person")
        .first()
    )
    if rsvp is None:
        raise LinkInvalid
    if rsvp.action.ends_at <= timezone.now():
        raise LinkExpired
    return rsvp


def rsvp_link_answer_simple(
    *, token: str, response: str, source: str, guests: int, note: str
) -> bool:
    """The common answer from the link in one statement (as rsvps.rsvp_answer_simple, which
    it mirrors, with the link's own conditions): to an open action without a
    capacity. False, having changed nothing, when the answer is not that simple or the link
    does not work: then the page decides and explains.

    Plain SQL: a crowd answers the same invitation at once, and building the ORM's statement
    (the link's conditions are four subqueries) cost more than running it."""
    if response not in (Rsvp.Response.YES, Rsvp.Response.MAYBE, Rsvp.Response.NO):
        return False
    try:
        (action_id, person_id), issued = link_open(token, purpose=PURPOSE, count=2)
    except LinkUnreadable:
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            ANSWER_SQL,
            {
                "action": action_id,
                "person": person_id,
                "issued": issued,
                "response": response,
                "source": source,
                "guests": guests if response == Rsvp.Response.YES else 0,
                "note": note,
            },
        )
        return cursor.rowcount > 0


RSVP = Rsvp._meta.db_table
ACTION = Action._meta.db_table
PERSON = Person._meta.db_table
ENTRY = RosterEntry._meta.db_table
CAMPAIGN = Campaign._meta.db_table
# _by_token's and the open action's conditions (see _still_for_them), in one statement.
ANSWER_SQL = f"""
UPDATE {RSVP} r SET
    response = %(response)s, responded_at = statement_timestamp(), source = %(source)s,
    guests = %(guests)s, note = %(note)s, waitlisted_at = NULL, reminders_stale = true,
    updated_at = statement_timestamp()
FROM {ACTION} a, {PERSON} p
WHERE r.action_id = %(action)s AND r.person_id = %(person)s
  AND a.id = r.action_id AND p.id = r.person_id
  AND (r.link_cutoff IS NULL OR r.link_cutoff < %(issued)s)
  AND NOT p.do_not_contact
  AND CASE WHEN a.campaign_id IS NOT NULL THEN
        EXISTS (SELECT 1 FROM {ENTRY} e WHERE e.person_id = r.person_id
                AND e.campaign_id = a.campaign_id AND e.removed_at IS NULL)
        OR NOT EXISTS (SELECT 1 FROM {ENTRY} e WHERE e.person_id = r.person_id
                       AND e.campaign_id = a.campaign_id)
      ELSE
        EXISTS (SELECT 1 FROM {ENTRY} e JOIN {CAMPAIGN} c ON c.id = e.campaign_id
                WHERE e.person_id = r.person_id AND c.committee_id = a.committee_id
                  AND e.removed_at IS NULL)
        OR NOT EXISTS (SELECT 1 FROM {ENTRY} e JOIN {CAMPAIGN} c ON c.id = e.campaign_id
                       WHERE e.person_id = r.person_id AND c.committee_id = a.committee_id)
      END
  AND (a.rsvp_deadline IS NULL OR a.rsvp_deadline >= statement_timestamp())
  AND a.cancelled_at IS NULL AND a.capacity IS NULL AND a.ends_at > statement_timestamp()
"""  # noqa: S608 - table names come from the models; values are bound


def rsvp_links_revoke(committee: Committee, user: User | None) -> int:
    """End the RSVP links made so far to the committee's actions not over yet (user=None),
    or those of the user's own person; how many invitations' links ended. Later emails carry
    links that work."""
    rsvps = Rsvp.objects.filter(action__committee=committee, action__ends_at__gt=Now())
    if user is not None:
        rsvps = rsvps.filter(person__user=user)
    return rsvps.update(link_cutoff=timezone.now())
