from tests.matrix import LOGIN, PERSONAS, every

ORGANIZERS = ["organizer_a", "organizer_b"]

ROWS = {
    "healthz": every((200, 405)),
    "team": {
        "anonymous": (LOGIN, LOGIN),
        "member": (403, 403),
        **dict.fromkeys(ORGANIZERS, (200, 403)),
        "lead": (200, 422),
        "outsider": (404, 404),
        "staff": (404, 404),
    },
    "invitation_cancel": {
        "anonymous": (LOGIN, LOGIN),
        "member": (405, 403),
        **dict.fromkeys(ORGANIZERS, (405, 403)),
        "lead": (405, 302),
        "outsider": (405, 404),
        "staff": (405, 404),
    },
    "invitation_accept": {
        "anonymous": (200, 422),
        **dict.fromkeys(PERSONAS[1:], (200, 200)),
    },
}
ROWS["invitation_resend"] = ROWS["invitation_cancel"]
