"""Actions: the organizer's side (list, set-up, inviting, check-in, turnout), a member's side
(My actions, their calendar), the public page and the emailed RSVP link.

`links` are kept apart so the project's URLconf can try them first: a crowd answering one
invitation at once is the busiest traffic the app gets.
"""

from django.urls import path

from campaigns.actions.views import actions, checkin, my_actions, public
from campaigns.actions.views import links as rsvp_links

links = [
    path("r/<str:rsvp_token>/", rsvp_links.rsvp_link, name="rsvp_link"),
    path("r/<str:rsvp_token>/calendar.ics", rsvp_links.rsvp_link_ics, name="rsvp_link_ics"),
]

urlpatterns = [
    path("actions/", actions.action_list, name="action_list"),
    path("actions/new/", actions.action_create, name="action_create"),
    path("actions/<int:action_id>/", actions.action_detail, name="action_detail"),
    path("actions/<int:action_id>/edit/", actions.action_edit, name="action_edit"),
    path("actions/<int:action_id>/cancel/", actions.action_cancel, name="action_cancel"),
    path("actions/<int:action_id>/invite/", actions.action_invite, name="action_invite"),
    path(
        "actions/<int:action_id>/invite/search/",
        actions.action_invite_search,
        name="action_invite_search",
    ),
    # Check-in at the door, walk-ins, turnout and closing out.
    path("actions/<int:action_id>/check-in/", checkin.action_checkin, name="action_checkin"),
    path(
        "actions/<int:action_id>/check-in/<int:person_id>/",
        checkin.action_checkin_person,
        name="action_checkin_person",
    ),
    path("actions/<int:action_id>/walk-in/", checkin.action_walk_in, name="action_walk_in"),
    path("actions/<int:action_id>/turnout/", checkin.action_turnout, name="action_turnout"),
    path("actions/<int:action_id>/close-out/", checkin.action_close_out, name="action_close_out"),
    # A member's invitations and answers, their calendar; public action pages.
    path("my-actions/", my_actions.my_actions, name="my_actions"),
    path("my-actions/<int:action_id>/rsvp/", my_actions.my_rsvp, name="my_rsvp"),
    path("my-actions/<int:action_id>/calendar.ics", my_actions.action_ics, name="action_ics"),
    path(
        "my-actions/calendar/rotate/",
        my_actions.calendar_feed_rotate,
        name="calendar_feed_rotate",
    ),
    path("calendar/<slug:feed_key>.ics", my_actions.calendar_feed, name="calendar_feed"),
    path("a/<slug:public_key>/", public.action_public, name="action_public"),
    path(
        "a/confirm/<slug:pending_key>/",
        public.action_public_confirm,
        name="action_public_confirm",
    ),
]
