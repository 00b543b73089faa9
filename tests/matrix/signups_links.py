"""Sign-up drives: what a signer opens without logging in, and sending them their links.

The signing link and the revoke link: the opaque token is the key, so everyone who holds it,
signed in or not, sees the page. The world's token is for campaign A's person, who signed on
paper: the signing page says when (a POST signs nothing more), and the revoke page takes the
signature back (then says it was). The public page: an empty form is re-asked with 422.

Sending: the campaign's organizers and the committee's leads; everyone else 404 (members never
see rosters; staff are on no committee). One person's link is a POST that goes back to their
page.
"""

from tests.matrix import LOGIN, every

NOBODY_ELSE = {"member": (404, 404), "organizer_b": (404, 404), "outsider": (404, 404)}

ROWS = {
    "signing_link": every((200, 200)),
    "signature_revoke_link": every((200, 200)),
    "drive_public": every((200, 422)),
    # GET counts who would get a link; POST sends them and comes back to the count.
    "drive_links_send": {
        "anonymous": (LOGIN, LOGIN),
        **NOBODY_ELSE,
        "staff": (404, 404),
        "organizer_a": (200, 302),
        "lead": (200, 302),
    },
    # POST only, back to the person's page.
    "drive_link_send_one": {
        "anonymous": (LOGIN, LOGIN),
        "member": (405, 404),
        "organizer_b": (405, 404),
        "outsider": (405, 404),
        "staff": (405, 404),
        "organizer_a": (405, 302),
        "lead": (405, 302),
    },
}
