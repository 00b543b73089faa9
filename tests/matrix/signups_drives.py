"""Sign-up drives' pages. Campaign A's drive list and counting page: its team and the
committee lead (organizer_a reads them); the rest take a manager (organizer_a 403). Everyone
else gets 404: organizer_b, the member, the outsider, staff. A GET-only page answers a POST
from who may read it with 405, and a POST-only endpoint a GET, once logged in. An empty POST
to a drive form gives the lead 422; closing, or closing the public page, redirects to the
drive."""

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


def get_only(row: dict[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
    """Access comes before the method: only who may read the page hears 405 for a POST."""
    return {p: (s[0], 405 if s[0] == 200 else s[1]) for p, s in row.items()}


def post_only(row: dict[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
    return {p: (s[0] if p == "anonymous" else 405, s[1]) for p, s in row.items()}


TEAM = get_only({**manage(200, 200), "organizer_a": (200, 200)})

ROWS = {
    "drive_list": TEAM,
    "drive_detail": TEAM,
    "drive_create": manage(200, 422),
    "drive_edit": manage(200, 422),
    "drive_new_version": manage(200, 422),
    "drive_close": manage(200, 302),
    "drive_public_set": post_only(manage(200, 302)),
    "drive_signatures_csv": get_only(manage(200, 200)),
    "drive_signatures_print": get_only(manage(200, 200)),
}
