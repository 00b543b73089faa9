"""Check-in, walk-ins, turnout and close-out.

The world's action is on campaign A: A's organizer and the committee lead may run it; B's
organizer, members, outsiders and staff get 404 as if it did not exist. GET-only and POST-only
views refuse the other method (405) before anyone is looked up. The world's person (on A's
roster, not invited) can be checked in as a walk-in: without htmx the POST goes back to the
check-in page. Close-out is refused with a message (and a redirect) before the action starts.
"""

from tests.matrix import LOGIN

NOBODY_ELSE = ["member", "organizer_b", "outsider", "staff"]


def inside(
    organizer_a: tuple[int, int], lead: tuple[int, int], others: tuple[int, int] = (404, 404)
) -> dict[str, tuple[int, int]]:
    return {
        "anonymous": (LOGIN, LOGIN),
        **dict.fromkeys(NOBODY_ELSE, others),
        "organizer_a": organizer_a,
        "lead": lead,
    }


ROWS = {
    # GET only: the door's list and its search.
    "action_checkin": inside((200, 405), (200, 405), others=(404, 405)),
    # POST only: checks the world's person in as a walk-in, then back to the check-in page.
    "action_checkin_person": inside((405, 302), (405, 302), others=(405, 404)),
    # An empty form: the given name is missing.
    "action_walk_in": inside((200, 422), (200, 422)),
    # GET only.
    "action_turnout": inside((200, 405), (200, 405), others=(404, 405)),
    # POST only; the world's action starts in a week, so close-out is refused and redirects.
    "action_close_out": inside((405, 302), (405, 302), others=(405, 404)),
}
