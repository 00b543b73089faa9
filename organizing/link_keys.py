"""The tokens of emailed links (RSVP, snooze, unsubscribe, invitation): opaque sealed values.

A token is the ids it stands for and the moment it was made, encrypted and authenticated with
a key derived from the server's secret (AES-SIV, from `cryptography`): nothing in it is
readable (no id, no JSON), changing any character makes it unreadable, and a token made for
one kind of link never opens another (each kind has its own key). Nothing is stored, so
making a link costs no query: an outbox batch sends thousands of emails.

A link is ended by its row's cutoff (e.g. Rsvp.link_cutoff): a token made before it no longer
works, and the next email carries a new one. Rotating SECRET_KEY (with the old one in
SECRET_KEY_FALLBACKS) keeps links working, as for Django's signed values.
"""

import base64
import binascii
import struct
from datetime import UTC, datetime

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESSIV
from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac


class LinkUnreadable(Exception):
    """Not a token of this kind: tampered with, cut short, or made for another server."""


def _cipher(purpose: str, secret: str | bytes) -> AESSIV:
    key = salted_hmac(f"majority.link.{purpose}", "aes-siv", secret=secret, algorithm="sha256")
    return AESSIV(key.digest())  # a 32-byte key: AES-128-SIV


def link_seal(*values: int, purpose: str) -> str:
    """The token for these ids (non-negative integers), made now."""
    issued = int(timezone.now().timestamp() * 1_000_000)
    plain = struct.pack(f">{1 + len(values)}Q", issued, *values)
    return _encoded(_cipher(purpose, settings.SECRET_KEY).encrypt(plain, None))


def _encoded(sealed: bytes) -> str:
    return base64.urlsafe_b64encode(sealed).decode().rstrip("=")


def link_open(token: str, *, purpose: str, count: int) -> tuple[tuple[int, ...], datetime]:
    """The `count` ids a token stands for, and when it was made; raises LinkUnreadable."""
    try:
        sealed = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError) as error:
        raise LinkUnreadable from error
    if _encoded(sealed) != token:  # one spelling only: a changed last letter never passes
        raise LinkUnreadable
    for secret in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]:
        try:
            plain = _cipher(purpose, secret).decrypt(sealed, None)
        except (InvalidTag, ValueError):
            continue
        if len(plain) != 8 * (1 + count):
            break
        issued, *values = struct.unpack(f">{1 + count}Q", plain)
        return tuple(values), datetime.fromtimestamp(issued / 1_000_000, tz=UTC)
    raise LinkUnreadable
