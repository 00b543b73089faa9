"""The sealed tokens of emailed links (organizing.link_keys): they read back only as what they
were made for, and any change to one, however small, makes it unreadable."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from organizing.link_keys import LinkUnreadable, link_open, link_seal

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def test_it_reads_back_the_ids_and_when_it_was_made():
    made = timezone.now()
    with time_machine.travel(made, tick=False):
        token = link_seal(12, 34, purpose="rsvp")

    assert link_open(token, purpose="rsvp", count=2) == ((12, 34), made)


def test_every_single_character_changed_is_refused():
    token = link_seal(12, 34, purpose="rsvp")

    for position, letter in enumerate(token):
        for other in {ALPHABET[(ALPHABET.index(letter) + step) % 64] for step in (1, 32)}:
            changed = token[:position] + other + token[position + 1 :]
            with pytest.raises(LinkUnreadable):
                link_open(changed, purpose="rsvp", count=2)


@pytest.mark.parametrize(
    "mangle",
    [lambda t: t[:-1], lambda t: t + "A", lambda t: t[1:], lambda t: "", lambda t: t + "=="],
)
def test_a_cut_or_padded_token_is_refused(mangle):
    with pytest.raises(LinkUnreadable):
        link_open(mangle(link_seal(12, 34, purpose="rsvp")), purpose="rsvp", count=2)


def test_a_token_of_one_kind_never_opens_another():
    token = link_seal(12, 34, purpose="rsvp")

    for purpose in ["nudge-snooze", "unsubscribe", "invitation"]:
        with pytest.raises(LinkUnreadable):
            link_open(token, purpose=purpose, count=2)


def test_the_same_ids_made_twice_look_nothing_alike():
    """Made a moment apart, two tokens for the same ids share nothing a reader could use."""
    first = link_seal(12, 34, purpose="rsvp")
    with time_machine.travel(timezone.now() + timedelta(seconds=1)):
        second = link_seal(12, 34, purpose="rsvp")

    assert first != second
    assert first[:8] != second[:8] and first[-8:] != second[-8:]


@pytest.mark.django_db  # changing the secret is heard by receivers that read the database
def test_it_survives_a_rotated_secret_but_not_a_foreign_one(settings):
    token = link_seal(7, purpose="invitation")

    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789abcdefghijklmnop"
    assert link_open(token, purpose="invitation", count=1)[0] == (7,)

    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(LinkUnreadable):
        link_open(token, purpose="invitation", count=1)
