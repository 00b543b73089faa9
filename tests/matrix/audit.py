"""The audit trail: committee leads only. Organizers and members of the committee get 403,
everyone else 404; both pages are GET only."""

from tests.matrix import LOGIN

LEADS_ONLY = {
    "anonymous": (LOGIN, LOGIN),
    "member": (403, 405),
    "organizer_a": (403, 405),
    "organizer_b": (403, 405),
    "lead": (200, 405),
    "outsider": (404, 405),
    "staff": (404, 405),
}

ROWS = {
    "audit_log": LEADS_ONLY,
    "audit_log_csv": LEADS_ONLY,
}
