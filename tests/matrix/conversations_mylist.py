"""My list: organizers and leads with a campaign they may see; GET only (a POST is 405).

The world's lead sees both campaigns without being on a team, so has a (quiet) list; members,
the outsider (whose committee has no campaign) and staff get 404. A section's own pages
(`my_list_section`, the world's `section` is "quiet") follow the list.
"""

from tests.matrix import LOGIN

ROWS = {
    "my_list": {
        "anonymous": (LOGIN, LOGIN),
        "member": (404, 405),
        "organizer_a": (200, 405),
        "organizer_b": (200, 405),
        "lead": (200, 405),
        "outsider": (404, 405),
        "staff": (404, 405),
    },
    "my_list_section": {
        "anonymous": (LOGIN, LOGIN),
        "member": (404, 405),
        "organizer_a": (200, 405),
        "organizer_b": (200, 405),
        "lead": (200, 405),
        "outsider": (404, 405),
        "staff": (404, 405),
    },
}
