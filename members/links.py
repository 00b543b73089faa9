"""Ending the links and logins that grant access, whoever issued them.

Lockdown (every link of a committee) and deactivating a user (the links that let that user in)
must end emailed-link tokens that other areas issue: RSVP links, calendar feeds, snooze links.
members/ knows nothing of those areas, so each registers here what it knows how to revoke.
"""

from collections.abc import Callable

from members.models import Committee, User

# revoke(committee, user) -> how many links it ended; user=None: every link of the committee,
# otherwise only those that let this user in.
Revoker = Callable[[Committee, User | None], int]

REVOKERS: dict[str, Revoker] = {}


def link_revoker_register(name: str, revoke: Revoker) -> None:
    REVOKERS[name] = revoke


def links_revoke(*, committee: Committee, user: User | None = None) -> dict[str, int]:
    """Run every registered revoker; how many links each ended, by its name."""
    return {name: revoke(committee, user) for name, revoke in REVOKERS.items()}
