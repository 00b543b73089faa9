"""The emailed RSVP link: the signed token is the key, so everyone who holds it, signed in or
not, sees the page; a POST without an answer is re-asked with 422."""

from tests.matrix import every

ROWS = {
    "rsvp_link": every((200, 422)),
    # The action for a calendar app, from the same link: GET only.
    "rsvp_link_ics": every((200, 405)),
}
