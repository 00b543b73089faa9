"""The emailed RSVP link: the signed token is the key, no login needed."""

from django.urls import path

from campaigns.views import rsvp_links as views

urlpatterns = [
    path("r/<str:rsvp_token>/", views.rsvp_link, name="rsvp_link"),
    path("r/<str:rsvp_token>/calendar.ics", views.rsvp_link_ics, name="rsvp_link_ics"),
]
