"""The tokens in emailed links open exactly what they were made for, and nothing else.

Each kind of link is tested through its public pair of functions (make a token, resolve it),
never its format, so these hold whatever a token looks like: the RSVP link, the unsubscribe
link, the nudge's snooze link and the invitation. Hypothesis picks the objects and the
changes: a token resolves to its own object; any changed token (a character replaced,
dropped, added, its case flipped, cut short or lengthened) is refused; a token of one kind
opens nothing of another; and any text at all is refused quietly, never with an error.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from hypothesis import assume, given
from hypothesis import strategies as st

from campaigns.actions.services import links
from campaigns.models import Action, FollowUp, OutboxMessage, Rsvp, Signature, SignupDrive
from campaigns.nudges.services import snooze
from campaigns.outbox.services import consent
from campaigns.signups import links as signing_links
from campaigns.signups.services import DriveData, drive_create, signature_record
from members.models import Invitation
from members.selectors import invitation_from_token
from members.services import invitation_token
from tests import factories


@dataclass
class Kind:
    name: str
    objects: list
    make: Callable[[Any], str]
    opens: Callable[[str], Any]  # what the token opens (an identity), or None if refused

    def identity(self, obj: Any) -> Any:
        return self.opens(self.make(obj))


def _refused_as_none(resolve: Callable[[str], Any], *errors: type[Exception]):
    def opens(token: str) -> Any:
        try:
            return resolve(token)
        except errors:
            return None

    return opens


def _rsvp_opens(token: str) -> tuple[int, int]:
    rsvp = links.rsvp_link_resolve(token)
    return (rsvp.action_id, rsvp.person_id)


def _unsubscribe_opens(token: str) -> tuple[int, str]:
    person, channel = consent.unsubscribe_resolve(token)
    return (person.pk, channel)


def _snooze_opens(token: str) -> tuple[int, int | None]:
    message, follow_up = snooze.snooze_link_resolve(token)
    return (message.pk, follow_up.pk if follow_up else None)


def _signing_opens(token: str) -> tuple[int, int]:
    link = signing_links.signing_link_resolve(token)
    return (link.drive.pk, link.person.pk)


def _revoke_opens(token: str) -> int:
    return signing_links.revoke_link_resolve(token).pk


def _invitation_opens(token: str) -> int | None:
    invitation = invitation_from_token(token)
    return invitation.pk if invitation else None


@pytest.fixture
def kinds(committee, lead, organizer, campaign) -> dict[str, Kind]:
    """Three people invited to two actions, two nudges (one about a follow-up), three
    invitations: enough neighbours for a token to open the wrong one, if it could."""
    people = [factories.person(committee=committee) for _ in range(3)]
    starts = timezone.now() + timedelta(days=5)
    actions = [
        Action.objects.create(
            committee=committee,
            campaign=campaign,
            title=f"Meeting {n}",
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
        )
        for n in range(2)
    ]
    rsvps = [Rsvp.objects.create(action=a, person=p) for a in actions for p in people]
    follow_up = FollowUp.objects.create(
        campaign=campaign, person=people[0], due_on=timezone.localdate()
    )
    nudges = [
        OutboxMessage.objects.create(
            committee=committee,
            kind=OutboxMessage.Kind.ORGANIZER_DIGEST,
            user=user,
            due_at=timezone.now(),
            next_attempt_at=timezone.now(),
        )
        for user in (lead, organizer)
    ]
    invitations = [
        Invitation.objects.create(
            committee=committee, email=f"new{n}@example.org", role="member", invited_by=lead
        )
        for n in range(3)
    ]
    drives = [
        drive_create(
            campaign=campaign,
            data=DriveData(
                kind=SignupDrive.Kind.CARD,
                title=f"Card {n}",
                texts={"en": "I authorize the union."},
                opens_on=timezone.localdate() - timedelta(days=3),
            ),
            actor=None,
        )
        for n in range(2)
    ]
    for person in people:
        factories.on_roster(campaign=campaign, person=person)
    signatures = [
        signature_record(
            drive=d, person=p, signed_on=timezone.localdate(), method=Signature.Method.LINK
        ).signature
        for d in drives
        for p in people[:2]
    ]
    found = [
        Kind(
            "signing",
            [(d, p) for d in drives for p in people],
            lambda dp: signing_links.signing_link_token(drive=dp[0], person=dp[1]),
            _refused_as_none(_signing_opens, signing_links.LinkInvalid, signing_links.LinkExpired),
        ),
        Kind(
            "signature_revoke",
            signatures,
            lambda sig: signing_links.revoke_link_token(signature=sig),
            _refused_as_none(_revoke_opens, signing_links.LinkInvalid),
        ),
        Kind(
            "rsvp",
            rsvps,
            lambda r: links.rsvp_link_token(action=r.action, person=r.person),
            _refused_as_none(_rsvp_opens, links.LinkInvalid, links.LinkExpired),
        ),
        Kind(
            "unsubscribe",
            [(p, channel) for p in people for channel in ("email", "sms")],
            lambda pc: consent.unsubscribe_token(person=pc[0], channel=pc[1]),
            _refused_as_none(_unsubscribe_opens, consent.UnsubscribeInvalid),
        ),
        Kind(
            "snooze",
            [(m, f) for m in nudges for f in (None, follow_up)],
            lambda mf: snooze.snooze_link_token(message=mf[0], follow_up=mf[1]),
            _refused_as_none(_snooze_opens, snooze.LinkInvalid),
        ),
        Kind("invitation", invitations, invitation_token, _invitation_opens),
    ]
    return {kind.name: kind for kind in found}


KINDS = ["rsvp", "unsubscribe", "snooze", "invitation", "signing", "signature_revoke"]
EXPECTED = {
    "rsvp": lambda r: (r.action_id, r.person_id),
    "unsubscribe": lambda pc: (pc[0].pk, pc[1]),
    "snooze": lambda mf: (mf[0].pk, mf[1].pk if mf[1] else None),
    "invitation": lambda i: i.pk,
    "signing": lambda dp: (dp[0].pk, dp[1].pk),
    "signature_revoke": lambda sig: sig.pk,
}


def mutations(token: str) -> st.SearchStrategy[str]:
    """The token changed in one place, the ways a link gets mangled or forged."""
    at = st.integers(0, len(token) - 1)
    char = st.characters(exclude_categories=["Cs"])
    return st.one_of(
        st.tuples(at, char).map(lambda ic: token[: ic[0]] + ic[1] + token[ic[0] + 1 :]),
        at.map(lambda i: token[:i] + token[i + 1 :]),
        st.tuples(at, char).map(lambda ic: token[: ic[0]] + ic[1] + token[ic[0] :]),
        at.map(lambda i: token[:i] + token[i].swapcase() + token[i + 1 :]),
        at.map(lambda i: token[:i]),
        st.text(min_size=1, max_size=5).map(lambda tail: token + tail),
    )


@pytest.mark.parametrize("name", KINDS)
def test_a_token_opens_what_it_was_made_for_and_nothing_else(kinds, name):
    kind = kinds[name]

    @given(st.sampled_from(kind.objects))
    def check(obj):
        assert kind.identity(obj) == EXPECTED[name](obj)

    check()


@pytest.mark.parametrize("name", KINDS)
def test_a_changed_token_is_refused(kinds, name):
    kind = kinds[name]

    @given(st.data())
    def check(data):
        token = kind.make(data.draw(st.sampled_from(kind.objects), label="made for"))
        changed = data.draw(mutations(token), label="changed")
        assume(changed != token)

        assert kind.opens(changed) is None

    check()


@pytest.mark.parametrize("name", KINDS)
def test_a_token_of_another_kind_opens_nothing(kinds, name):
    kind = kinds[name]
    others = [other for other in kinds.values() if other.name != name]

    @given(st.sampled_from(others), st.data())
    def check(other, data):
        token = other.make(data.draw(st.sampled_from(other.objects)))

        assert kind.opens(token) is None

    check()


@pytest.mark.parametrize("name", KINDS)
def test_any_text_is_refused_quietly(kinds, name):
    kind = kinds[name]

    @given(st.text(st.characters(exclude_categories=["Cs"]), max_size=200))
    def check(text):
        assert kind.opens(text) is None

    check()
