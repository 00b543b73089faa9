"""A person's membership, from their page: whoever may see the person (the lead, the
treasurer, an organizer of their campaign) records and changes it (an empty POST: the form
again, 422); payments only the treasurer (everyone else 404, as for a page they may not see).
Organizers of another campaign, members and outsiders: 404."""

from tests.matrix import LOGIN

HIDDEN = {
    "anonymous": (LOGIN, LOGIN),
    "member": (404, 404),
    "organizer_b": (404, 404),
    "outsider": (404, 404),
    "staff": (404, 404),
}
SEEN = {"organizer_a": (200, 422), "lead": (200, 422), "treasurer": (200, 422)}

ROWS = {
    "membership_edit": {**HIDDEN, **SEEN},
    "membership_resign": {**HIDDEN, **SEEN},
    "payment_new": {
        **HIDDEN,
        "organizer_a": (404, 404),
        "lead": (404, 404),
        "treasurer": (200, 422),
    },
}

# The Power page: the committee's leads and organizers (money to leads only); members and
# everyone else get the overview's 404. GET only.
ROWS["power"] = {
    "anonymous": (LOGIN, LOGIN),
    "member": (404, 404),
    "organizer_a": (200, 405),
    "organizer_b": (200, 405),
    "lead": (200, 405),
    "outsider": (404, 404),
    "staff": (404, 404),
}

# Targets on the Power page: set and removed by leads (POST only); organizers and members of
# the committee 403, others 404. An empty POST: the Power page with the form's errors (422).
TARGETS = {
    "anonymous": (LOGIN, LOGIN),
    "member": (405, 403),
    "organizer_a": (405, 403),
    "organizer_b": (405, 403),
    "outsider": (405, 404),
    "staff": (405, 404),
}
ROWS["power_target_add"] = {**TARGETS, "lead": (405, 422)}
ROWS["power_target_delete"] = {**TARGETS, "lead": (405, 302)}
