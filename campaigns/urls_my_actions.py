"""My actions: a member's invitations and answers, their calendar, and public action pages."""

from django.urls import path

from campaigns.views import my_actions as views
from campaigns.views import public

urlpatterns = [
    path("my-actions/", views.my_actions, name="my_actions"),
    path("my-actions/<int:action_id>/rsvp/", views.my_rsvp, name="my_rsvp"),
    path("my-actions/<int:action_id>/calendar.ics", views.action_ics, name="action_ics"),
    path("my-actions/calendar/rotate/", views.calendar_feed_rotate, name="calendar_feed_rotate"),
    path("calendar/<slug:feed_key>.ics", views.calendar_feed, name="calendar_feed"),
    path("a/<slug:public_key>/", public.action_public, name="action_public"),
]
