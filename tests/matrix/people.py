"""People: adding to a roster, the person page and its sections, roster entries, merging.

The world's person is on campaign A only: A's team and the committee lead see them; B's
organizer, members, outsiders and staff get 404 as if they did not exist. Merging is for
committee leads: A's organizer sees the person, so gets 403.
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
    # An empty form: the given name is missing.
    "roster_add": inside((200, 422), (200, 422)),
    # All placement fields are optional: an empty POST saves an unplaced, unassigned entry.
    "roster_entry_edit": inside((200, 302), (200, 302)),
    # The reason is required.
    "roster_entry_remove": inside((200, 422), (200, 422)),
    # GET only: a POST is refused (405) before anyone is looked up.
    "person_detail": {
        "anonymous": (LOGIN, LOGIN),
        **dict.fromkeys(NOBODY_ELSE, (404, 405)),
        "organizer_a": (200, 405),
        "lead": (200, 405),
    },
    "person_edit_details": inside((200, 422), (200, 422)),
    # Empty posts are valid for these sections: nothing ticked, nothing typed.
    "person_edit_contact": inside((200, 302), (200, 302)),
    "person_edit_consent": inside((200, 302), (200, 302)),
    "person_edit_notes": inside((200, 302), (200, 302)),
    "person_edit_tags": inside((200, 302), (200, 302)),
    "person_merge": inside((403, 403), (200, 422)),
    # A person's data is for committee leads only: A's organizer, who sees the person's page,
    # gets the same 404 as everyone else. The export is GET only; erasing needs the box ticked.
    "person_data": {
        "anonymous": (LOGIN, LOGIN),
        **dict.fromkeys([*NOBODY_ELSE, "organizer_a"], (404, 405)),
        "lead": (200, 405),
    },
    "person_data_json": {
        "anonymous": (LOGIN, LOGIN),
        **dict.fromkeys([*NOBODY_ELSE, "organizer_a"], (404, 405)),
        "lead": (200, 405),
    },
    "person_erase": inside((404, 404), (200, 422)),
    # Team organizers and leads close a follow-up; the reason is required.
    "follow_up_close": inside((200, 422), (200, 422)),
}

# Committee leads only: organizers and members 403, everyone else 404. An empty POST names no
# possible duplicate: refused with the page (422).
ROWS["possible_duplicates"] = {
    "anonymous": (LOGIN, LOGIN),
    "member": (403, 403),
    "organizer_a": (403, 403),
    "organizer_b": (403, 403),
    "lead": (200, 422),
    "outsider": (404, 404),
    "staff": (404, 404),
}
