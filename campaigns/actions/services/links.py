"""The link in an invitation email that lets someone answer without logging in.

The token is opaque (organizing.link_keys): a key kept, as a seed and a hash, on the person's
RSVP, so it names no one and no id, every email about the same invitation carries the same
link, and a copy of the database makes no working link. The link works while the action is
not over and the person is still someone we may ask: not marked do-not-contact, and not taken
off the roster the action is for (for a committee-wide action: off every roster of the
committee). People never on a roster (a public RSVP's new contact) keep their link. Lockdown
and deactivating a user end links by clearing their keys (rsvp_links_revoke).

Opening it changes nothing (mail scanners open every link); the page it opens asks, and one
POST answers.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Now
from django.utils import timezone

from campaigns.models import Action, RosterEntry, Rsvp
from members.models import Committee, Person, User
from organizing.link_keys import link_hash, link_new, link_token

PURPOSE = "rsvp"


class LinkInvalid(Exception):
    """Not a link of ours, or one that no longer works (ended, the person taken off the
    roster or marked do-not-contact): the page says the same for each, and shows nothing."""


class LinkExpired(Exception):
    """One of our links, but the action is over."""


def rsvp_link_token(*, action: Action, person: Person) -> str:
    """The token of the person's invitation to the action, its key made the first time.

    For someone with no invitation, a token that opens nothing (the link says it does not
    work): an email never fails for want of a link."""
    row = Rsvp.objects.filter(action=action, person=person).values("pk", "link_seed").first()
    if row is None:
        return link_new(purpose=PURPOSE)[1]
    seed = row["link_seed"]
    if not seed:
        seed, _token, digest = link_new(purpose=PURPOSE)
        # Conditional, so two emails sent at once end up with the same key.
        if not Rsvp.objects.filter(pk=row["pk"], link_seed="").update(
            link_seed=seed, link_hash=digest
        ):
            seed = Rsvp.objects.values_list("link_seed", flat=True).get(pk=row["pk"])
    return link_token(seed, purpose=PURPOSE)


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
    return Rsvp.objects.filter(_still_for_them(), link_hash=link_hash(token))


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
    it mirrors, but finding the row by the link's key): to an open action without a
    capacity. False, having changed nothing, when the answer is not that simple or the link
    does not work: then the page decides and explains."""
    if response not in (Rsvp.Response.YES, Rsvp.Response.MAYBE, Rsvp.Response.NO):
        return False
    open_actions = _by_token(token).filter(
        Q(action__rsvp_deadline__isnull=True) | Q(action__rsvp_deadline__gte=Now()),
        action__cancelled_at__isnull=True,
        action__capacity__isnull=True,
        action__ends_at__gt=Now(),
    )
    return bool(
        open_actions.update(
            response=response,
            responded_at=Now(),
            source=source,
            guests=guests if response == Rsvp.Response.YES else 0,
            note=note,
            waitlisted_at=None,
            reminders_stale=True,
            updated_at=Now(),
        )
    )


def rsvp_links_revoke(committee: Committee, user: User | None) -> int:
    """End the RSVP links of the committee's actions (user=None), or those of the user's own
    person; how many ended. Later emails carry new links."""
    rsvps = Rsvp.objects.filter(action__committee=committee, link_hash__isnull=False)
    if user is not None:
        rsvps = rsvps.filter(person__user=user)
    return rsvps.update(link_seed="", link_hash=None)
