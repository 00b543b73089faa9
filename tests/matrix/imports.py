"""Rows for the roster import and export: managing a campaign (campaign or committee lead).

organizer_a is on campaign A's team, so gets 403; everyone else outside gets 404. The lead's
POST with no data is a form re-rendered with errors (422): no file, or no column for names.
"""

from tests.matrix import LOGIN

MANAGE = {
    "anonymous": (LOGIN, LOGIN),
    "member": (404, 404),
    "organizer_a": (403, 403),
    "organizer_b": (404, 404),
    "lead": (200, 422),
    "outsider": (404, 404),
    "staff": (404, 404),
}

ROWS = {
    "import_new": MANAGE,
    "import_detail": MANAGE,
    "roster_export": {
        "anonymous": (LOGIN, LOGIN),
        "member": (404, 405),
        "organizer_a": (403, 405),
        "organizer_b": (404, 405),
        "lead": (200, 405),
        "outsider": (404, 405),
        "staff": (404, 405),
    },
}
