from tests.matrix import LOGIN

CHART = {
    "anonymous": (LOGIN, LOGIN),
    "member": (404, 404),
    "organizer_a": (200, 405),
    "organizer_b": (404, 404),
    "lead": (200, 405),
    "outsider": (404, 404),
    "staff": (404, 404),
}

ROWS = {
    "campaign_chart": CHART,
    "site_chart": CHART,
    "roster_bulk": {
        "anonymous": (LOGIN, LOGIN),
        "member": (405, 404),
        "organizer_a": (405, 422),
        "organizer_b": (405, 404),
        "lead": (405, 422),
        "outsider": (405, 404),
        "staff": (405, 404),
    },
}
