"""The deployment's health. /healthz/system is for an uptime monitor: no login, GET only; the
matrix's database has never seen a worker or a beat, so it answers 503 to everyone. The
System page: the committee's leads only; everyone else gets 404 (organizers and members of
the committee too), GET only. /metrics: a 404 without METRICS_TOKEN (the matrix sets none),
GET only."""

from tests.matrix import LOGIN, every

ROWS = {
    "healthz_system": every((503, 405)),
    "system": {
        "anonymous": (LOGIN, LOGIN),
        "member": (404, 405),
        "organizer_a": (404, 405),
        "organizer_b": (404, 405),
        "lead": (200, 405),
        "outsider": (404, 405),
        "staff": (404, 405),
    },
    "metrics": every((404, 405)),
}
