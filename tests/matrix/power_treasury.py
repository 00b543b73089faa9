"""The treasury (campaigns.power): the committee's treasurer only. Everyone else gets 404
whatever the method, other leads and organizers included (amounts are the treasurer's, and
a 403 would say there are books); anonymous visitors are sent to log in. The treasurer's
empty POST of the ledger's form comes back with its errors (422). The world's `entry_id` is
a roster entry's, no ledger entry: the treasurer gets 404 for it too
(tests/power/test_treasury.py reverses a real one)."""

from tests.matrix import LOGIN, PERSONAS

NOBODY = (404, 404)


def only_the_treasurer(status: tuple[int, int]) -> dict[str, tuple[int, int]]:
    row = dict.fromkeys(PERSONAS, NOBODY)
    return {**row, "anonymous": (LOGIN, LOGIN), "treasurer": status}


ROWS = {
    "treasury": only_the_treasurer((200, 422)),
    "treasury_report": only_the_treasurer((200, 405)),
    "treasury_export": only_the_treasurer((200, 405)),
    "treasury_reverse": only_the_treasurer(NOBODY),
}
