"""The committee's join page. The lead's settings page and its open/close button: committee
leads only, like the API tokens page (organizers and members 403, everyone else 404); an
empty POST saves no wording (the standard one stays) and goes back to the page. The public
form, open in the world: every persona alike, an empty POST gives the form back with its
messages (422)."""

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
    "join_settings": {**OTHERS, "lead": (200, 302)},
    # POST only: who may reach it hears 405 for a GET (the anonymous, the login page first).
    "join_page_set": {
        **{p: (LOGIN if p == "anonymous" else 405, s[1]) for p, s in OTHERS.items()},
        "lead": (405, 302),
    },
    "join_public": every((200, 422)),
}
