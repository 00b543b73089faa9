"""Actions, the organizer's side: the list, setting one up, its page, editing, cancelling,
inviting and the invite search.

The world's action is on campaign A: A's organizer and the committee lead may run it;
organizer_b (on B only), members, the outsider and staff get 404. The list and the form are
for anyone who leads or organizes in a committee (the outsider leads their own); members and
staff (on no committee) get 404.
"""

from tests.matrix import LOGIN

NOBODY_ELSE = {
    "member": (404, 404),
    "organizer_b": (404, 404),
    "outsider": (404, 404),
    "staff": (404, 404),
}


def inside(organizer_a: tuple[int, int], lead: tuple[int, int]) -> dict[str, tuple[int, int]]:
    return {"anonymous": (LOGIN, LOGIN), **NOBODY_ELSE, "organizer_a": organizer_a, "lead": lead}


def inside_get_only() -> dict[str, tuple[int, int]]:
    """A GET-only page: a POST is 405 for anyone logged in, before any lookup."""
    others = dict.fromkeys(NOBODY_ELSE, (404, 405))
    return {"anonymous": (LOGIN, LOGIN), **others, "organizer_a": (200, 405), "lead": (200, 405)}


def organizers(get: int, post: int) -> dict[str, tuple[int, int]]:
    return {
        "anonymous": (LOGIN, LOGIN),
        "member": (404, 404 if post != 405 else 405),
        "staff": (404, 404 if post != 405 else 405),
        "organizer_a": (get, post),
        "organizer_b": (get, post),
        "lead": (get, post),
        "outsider": (get, post),
    }


ROWS = {
    # GET only.
    "action_list": organizers(200, 405),
    # An empty form: the title and the times are missing.
    "action_create": organizers(200, 422),
    # GET only: the action page with its invitees.
    "action_detail": inside_get_only(),
    "action_edit": inside((200, 422), (200, 422)),
    # GET asks to confirm; POST cancels and goes back to the action.
    "action_cancel": inside((200, 302), (200, 302)),
    # An empty POST invites nobody: whom to invite is missing.
    "action_invite": inside((200, 422), (200, 422)),
    "action_invite_search": inside_get_only(),
}

# A committee-wide action (tests/test_permission_matrix.py makes one): every organizer of the
# committee runs it (its page, check-in, turnout: each naming only their own campaigns'
# people), but only a committee lead edits or cancels it; organizers get 403 there.
WIDE_OUTSIDE = {"member": (404, 404), "outsider": (404, 404), "staff": (404, 404)}


def wide(organizers: tuple[int, int], lead: tuple[int, int]) -> dict[str, tuple[int, int]]:
    return {
        "anonymous": (LOGIN, LOGIN),
        **WIDE_OUTSIDE,
        "organizer_a": organizers,
        "organizer_b": organizers,
        "lead": lead,
        "treasurer": lead,
    }


def wide_get_only() -> dict[str, tuple[int, int]]:
    return {**wide((200, 405), (200, 405)), **dict.fromkeys(WIDE_OUTSIDE, (404, 405))}


COMMITTEE_WIDE_ROWS = {
    "action_detail": wide_get_only(),
    "action_edit": wide((403, 403), (200, 422)),
    "action_cancel": wide((403, 403), (200, 302)),
    "action_checkin": wide_get_only(),
    "action_turnout": wide_get_only(),
    "action_walk_in": wide((200, 422), (200, 422)),
}
