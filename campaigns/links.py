"""How campaigns' emailed links end (members.links): registered when the app is ready, since
members knows nothing of campaigns. Lockdown ends every one of a committee; deactivating a
user ends those that let that user in."""

from campaigns.actions.services.calendar import calendar_feeds_revoke
from campaigns.actions.services.links import rsvp_links_revoke
from campaigns.actions.services.public import pending_rsvps_end
from campaigns.nudges.services.snooze import snooze_links_revoke
from campaigns.signups.services import drive_links_end
from members.links import link_revoker_register


def links_register() -> None:
    link_revoker_register("rsvp_links", rsvp_links_revoke)
    link_revoker_register("calendar_feeds", calendar_feeds_revoke)
    link_revoker_register("snooze_links", snooze_links_revoke)
    link_revoker_register("public_answer_confirmations", pending_rsvps_end)
    link_revoker_register("signing_links", drive_links_end)
