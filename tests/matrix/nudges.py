"""Nudges: the emailed snooze link and snoozing a follow-up from My list.

The snooze link's signed token is the key, so everyone holding it sees the page; the world's
`token` is an invitation's, signed for another purpose, so it is refused (404) like a tampered
one. Snoozing a follow-up is a POST (GET is 405) for whoever may see its campaign.
"""

from tests.matrix import LOGIN, every

ROWS = {
    "nudge_snooze_link": every((404, 404)),
    "follow_up_snooze": {
        "anonymous": (LOGIN, LOGIN),
        "member": (405, 404),
        "organizer_a": (405, 302),
        "organizer_b": (405, 404),
        "lead": (405, 302),
        "outsider": (405, 404),
        "staff": (405, 404),
    },
}
