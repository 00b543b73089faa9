"""The outbox page and its retries: committee leads only (organizers and members 403, everyone
else 404; the page is GET only, a retry POST only, and the method a URL does not take is 405 to
anyone logged in). The unsubscribe links from members' emails: the signed token is the key, so
everyone who holds it gets the page and a POST opts out; the one-click URL refuses a POST
without the body "List-Unsubscribe=One-Click" (400)."""

from tests.matrix import LOGIN, every

PAGE = {
    "anonymous": (LOGIN, LOGIN),
    "member": (403, 405),
    "organizer_a": (403, 405),
    "organizer_b": (403, 405),
    "lead": (200, 405),
    "outsider": (404, 405),
    "staff": (404, 405),
}
RETRY = {
    "anonymous": (LOGIN, LOGIN),
    "member": (405, 403),
    "organizer_a": (405, 403),
    "organizer_b": (405, 403),
    "lead": (405, 302),
    "outsider": (405, 404),
    "staff": (405, 404),
}

ROWS = {
    "outbox": PAGE,
    "outbox_retry": RETRY,
    "outbox_retry_failed": RETRY,
    "unsubscribe": every((200, 200)),
    "unsubscribe_one_click": every((200, 400)),
}
