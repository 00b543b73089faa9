"""Nudges: snoozing one from the email's signed link or from My list."""

from django.urls import path

from campaigns.nudges import views

urlpatterns = [
    path("n/snooze/<str:token>/", views.nudge_snooze_link, name="nudge_snooze_link"),
    path(
        "campaigns/<int:campaign_id>/follow-ups/<int:follow_up_id>/snooze/",
        views.follow_up_snooze,
        name="follow_up_snooze",
    ),
]
