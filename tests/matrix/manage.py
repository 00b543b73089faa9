"""Managing campaigns. Campaign A's pages: its committee lead manages (organizer_a is on A's team
as an organizer: 403); organizer_b, the member, the outsider and staff don't see A at all (404).
An empty POST to a form gives the lead 422; to unit_delete, the confirmation (A's unit holds a
person); to campaign_team_remove (organizer_a's user id), the removal."""

from tests.matrix import LOGIN

FORBIDDEN = 403
HIDDEN = 404


def manage(lead_get: int, lead_post: int) -> dict[str, tuple[int, int]]:
    """A page of campaign A that only managers use."""
    return {
        "anonymous": (LOGIN, LOGIN),
        "member": (HIDDEN, HIDDEN),
        "organizer_a": (FORBIDDEN, FORBIDDEN),
        "organizer_b": (HIDDEN, HIDDEN),
        "lead": (lead_get, lead_post),
        "outsider": (HIDDEN, HIDDEN),
        "staff": (HIDDEN, HIDDEN),
    }


def manage_post(lead_post: int) -> dict[str, tuple[int, int]]:
    """A POST-only endpoint of campaign A that only managers use (GET is 405 once logged in)."""
    return {
        persona: (status[0] if persona == "anonymous" else 405, status[1])
        for persona, status in manage(405, lead_post).items()
    }


ROWS = {
    "campaign_list": {
        "anonymous": (LOGIN, LOGIN),
        "member": (200, 405),
        "organizer_a": (200, 405),
        "organizer_b": (200, 405),
        "lead": (200, 405),
        "outsider": (200, 405),
        "staff": (200, 405),
    },
    # Leads start campaigns in the committee they lead (the outsider in theirs); others in a
    # committee are refused, and a user in no committee finds nothing.
    "campaign_create": {
        "anonymous": (LOGIN, LOGIN),
        "member": (FORBIDDEN, FORBIDDEN),
        "organizer_a": (FORBIDDEN, FORBIDDEN),
        "organizer_b": (FORBIDDEN, FORBIDDEN),
        "lead": (200, 422),
        "outsider": (200, 422),
        "staff": (HIDDEN, HIDDEN),
    },
    "campaign_edit": manage(200, 422),
    "campaign_team": manage(200, 422),
    "site_create": manage(200, 422),
    "site_detail": manage(200, 422),
    "unit_create": manage_post(422),
    "unit_update": manage_post(422),
    "unit_move": manage_post(422),
    "unit_delete": manage_post(200),
    "campaign_team_remove": manage_post(302),
}
