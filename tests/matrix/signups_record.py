"""Recording paper signatures and revocations (campaigns.signups.views.record): the
campaign's team and the committee's leads; a POST with nothing typed is 422. Everyone else
gets 404, as for a campaign that does not exist."""

from tests.matrix import LOGIN

RECORDING = {
    "anonymous": (LOGIN, LOGIN),
    "member": (404, 404),
    "organizer_a": (200, 422),
    "organizer_b": (404, 404),
    "lead": (200, 422),
    "outsider": (404, 404),
    "staff": (404, 404),
}

ROWS = {
    "signature_add": RECORDING,
    "signature_revoke_record": RECORDING,
}
