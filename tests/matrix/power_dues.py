"""The committee's dues page: its treasurer only (an empty POST is the settings form sent
empty: 422). The committee's other users get 403, as on the API tokens page; anyone else 404."""

from tests.matrix import LOGIN

OTHERS = {
    "anonymous": (LOGIN, LOGIN),
    "member": (403, 403),
    "organizer_a": (403, 403),
    "organizer_b": (403, 403),
    "lead": (403, 403),
    "outsider": (404, 404),
    "staff": (404, 404),
}

ROWS = {"dues_settings": {**OTHERS, "treasurer": (200, 422)}}
