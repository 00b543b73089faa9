"""The committee's API tokens: committee leads only. Organizers and members of the committee
get 403, everyone else 404; an empty POST gives the lead the form again (422), and revoking
goes back to the list."""

from tests.matrix import LOGIN

OTHERS = {
    "anonymous": (LOGIN, LOGIN),
    "member": (403, 403),
    "organizer_a": (403, 403),
    "organizer_b": (403, 403),
    "outsider": (404, 404),
    "staff": (404, 404),
}

ROWS = {
    "api_tokens": {**OTHERS, "lead": (200, 422)},
    "api_token_revoke": {**OTHERS, "lead": (200, 302)},
}
