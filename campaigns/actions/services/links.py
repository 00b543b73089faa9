"""The signed link in an invitation email that lets someone answer without logging in.

The token names only ids (the action and the person), is signed with the server's secret, and
stops working once the action is over. Opening it changes nothing (mail scanners open every
link); the page it opens asks, and one POST answers.
"""

from django.core import signing
from django.utils import timezone

from campaigns.models import Action, Rsvp
from members.models import Person

SALT = "majority.rsvp-link"


class LinkInvalid(Exception):
    """Tampered with, or made for another server."""


class LinkExpired(Exception):
    """Signed by us, but the action is over (or gone)."""


def rsvp_link_token(*, action: Action, person: Person) -> str:
    return signing.dumps([action.pk, person.pk], salt=SALT, compress=False)


def rsvp_link_ids(token: str) -> tuple[int, int]:
    """The action's and the person's ids a token names (no database); raises LinkInvalid."""
    try:
        action_id, person_id = signing.loads(token, salt=SALT)
        return int(action_id), int(person_id)
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise LinkInvalid from error


def rsvp_link_resolve(token: str) -> Rsvp:
    """The invitation a token stands for; raises LinkInvalid or LinkExpired."""
    action_id, person_id = rsvp_link_ids(token)
    rsvp = (
        Rsvp.objects.select_related("action", "action__committee", "action__campaign", "person")
        .filter(action_id=action_id, person_id=person_id)
        .first()
    )
    if rsvp is None or rsvp.action.ends_at <= timezone.now():
        raise LinkExpired
    return rsvp
