"""The keys of emailed links (RSVP, snooze, unsubscribe, invitation): opaque, and never stored.

A link's token says nothing: no id, nothing readable, only a random-looking string. Each row a
link opens keeps a random `seed`, from which the token is derived with the server's secret
(an HMAC), and the SHA-256 of the token, by which an incoming token finds its row in one
indexed lookup. So the same row always gives the same token (every email about it carries the
same link), a copy of the database turns into no working link (it has seeds and hashes, not
the secret), and ending a link is clearing its seed and hash (the next email gets a new one).
"""

import base64
import hashlib
import secrets

from django.utils.crypto import salted_hmac

SEED_LENGTH = 32  # the column width: token_urlsafe(18) is 24 characters
HASH_LENGTH = 64  # a SHA-256 in hex
TOKEN_LENGTH = 32  # characters of the HMAC kept (192 bits)


def link_seed_new() -> str:
    return secrets.token_urlsafe(18)


def link_token(seed: str, *, purpose: str) -> str:
    """The token a row with this seed is opened by, for one kind of link (`purpose`)."""
    digest = salted_hmac(f"majority.link.{purpose}", seed, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).decode()[:TOKEN_LENGTH]


def link_hash(token: str) -> str:
    """What is stored and looked up: the token itself never is."""
    return hashlib.sha256(token.encode()).hexdigest()


def link_new(*, purpose: str) -> tuple[str, str, str]:
    """A new key: its seed, its token and the token's hash."""
    seed = link_seed_new()
    token = link_token(seed, purpose=purpose)
    return seed, token, link_hash(token)
