"""The power base's pages: members and dues on the person page, the committee's dues
settings, the treasury, the join page and the Power page."""

from django.urls import path

from campaigns.power import dues_views

urlpatterns: list = [
    path("committees/<int:committee_id>/dues/", dues_views.dues_settings, name="dues_settings"),
]
