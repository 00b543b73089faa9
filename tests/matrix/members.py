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

# A lead's changes to a user of the committee (user_id: organizer_a), each a confirmation page
# (GET) and the change (POST); a POST without a role is refused with the form again.
LEAD_ONLY = {
    "anonymous": (LOGIN, LOGIN),
    "member": (403, 403),
    **dict.fromkeys(ORGANIZERS, (403, 403)),
    "lead": (200, 302),
    "outsider": (404, 404),
    "staff": (404, 404),
}
ROWS["user_deactivate"] = LEAD_ONLY
ROWS["user_reactivate"] = LEAD_ONLY
ROWS["membership_remove"] = LEAD_ONLY
ROWS["membership_role"] = {**LEAD_ONLY, "lead": (200, 422)}
# Making organizer_a treasurer: a POST without the choice is refused with the page again.
ROWS["membership_treasurer"] = ROWS["membership_role"]
ROWS["lockdown"] = {**LEAD_ONLY, "lead": (200, 302)}  # POST redirects to the report
