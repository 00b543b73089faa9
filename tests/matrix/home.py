"""The home page (campaigns/home): each role is sent where it starts."""

from tests.matrix import LOGIN, PERSONAS

ORGANIZERS = ["organizer_a", "organizer_b"]

ROWS = {
    # Organizers on a campaign's team land on My list, members on My actions; the world's
    # lead is on no team.
    "home": {
        "anonymous": (LOGIN, LOGIN),
        **dict.fromkeys(PERSONAS[1:], (200, 405)),
        **dict.fromkeys([*ORGANIZERS, "member"], (302, 405)),
    },
}
