"""One-on-ones: logging, editing, deleting, and the "Log a one-on-one" search.

The world's conversation on campaign A was logged by organizer_a, so A's organizer (its
author) and the committee lead may change it; everyone else gets 404. Members never see
rosters, so the search is 404 for them (and for staff, who are on no committee).
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


ROWS = {
    # An empty form: when and how are missing.
    "conversation_new": inside((200, 422), (200, 422)),
    "conversation_edit": inside((200, 422), (200, 422)),
    # GET asks to confirm; POST deletes and goes back to the person.
    "conversation_delete": inside((200, 302), (200, 302)),
    # GET only. Organizers and leads search their own campaigns (the outsider, a lead of
    # another committee, finds only that committee's people).
    "log_search": {
        "anonymous": (LOGIN, LOGIN),
        "member": (404, 405),
        "staff": (404, 405),
        "organizer_a": (200, 405),
        "organizer_b": (200, 405),
        "lead": (200, 405),
        "outsider": (200, 405),
    },
}
