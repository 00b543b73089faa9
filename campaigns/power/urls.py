"""The power base's pages: members and dues on the person page, the committee's dues
settings, the treasury, the join page and the Power page."""

from django.urls import path

from campaigns.power import join_views

urlpatterns: list = [
    # The join page: the lead's settings, and the public form (no login: its key is the access).
    path(
        "committees/<int:committee_id>/join-page/", join_views.join_settings, name="join_settings"
    ),
    path(
        "committees/<int:committee_id>/join-page/open/",
        join_views.join_page_set,
        name="join_page_set",
    ),
    path("join/<slug:join_key>/", join_views.join_public, name="join_public"),
]
