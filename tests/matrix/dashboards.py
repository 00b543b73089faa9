from tests.matrix import LOGIN

# Leads and the campaign's organizers see its dashboard; the rest get the 404 of a campaign
# that does not exist, whatever the method. They are GET-only pages.
DASHBOARD = {
    "anonymous": (LOGIN, LOGIN),
    "member": (404, 404),
    "organizer_a": (200, 405),
    "organizer_b": (404, 404),
    "lead": (200, 405),
    "outsider": (404, 404),
    "staff": (404, 404),
}

ROWS = {
    "campaign_dashboard": DASHBOARD,
    "campaign_dashboard_export": DASHBOARD,
    # Each organizer sees their own campaigns on it; members and outsiders have no overview.
    "committee_overview": {
        "anonymous": (LOGIN, LOGIN),
        "member": (404, 404),
        "organizer_a": (200, 405),
        "organizer_b": (200, 405),
        "lead": (200, 405),
        "outsider": (404, 404),
        "staff": (404, 404),
    },
}
