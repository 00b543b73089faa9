"""The committee's API tokens: committee leads only. Organizers and members of the committee
get 403, everyone else 404; an empty POST gives the lead the form again (422), and revoking
goes back to the list.

The API itself (/api/v2/) answers only a token: a signed-in session, whoever's, is no token,
so every persona gets 401 (tests/api/ checks what each token's scope reaches)."""

from tests.matrix import LOGIN, every

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
    "api_entry": every((401, 401)),
    "api_schema": every((200, 405)),  # the OpenAPI description: public
    "api_docs": every((200, 405)),  # and the page drawn from it
    "api_people": every((401, 401)),
    "api_person": every((401, 401)),
    "api_person_taggings": every((401, 401)),
    "api_tags": every((401, 401)),
    "api_tag": every((401, 401)),
    "api_taggings": every((401, 401)),
    "api_tagging": every((401, 401)),
    # Events and attendances
    "api_events": every((401, 401)),
    "api_event": every((401, 401)),
    "api_attendances": every((401, 401)),
    "api_attendance": every((401, 401)),
    "api_person_attendances": every((401, 401)),
}
