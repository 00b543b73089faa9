"""The committee's settings (reminder timing): committee leads only. Organizers and members of
the committee get 403, everyone else 404; an empty POST gives the lead the form again (422)."""

from tests.matrix import LOGIN

ROWS = {
    "committee_settings": {
        "anonymous": (LOGIN, LOGIN),
        "member": (403, 403),
        "organizer_a": (403, 403),
        "organizer_b": (403, 403),
        "lead": (200, 422),
        "outsider": (404, 404),
        "staff": (404, 404),
    },
}
