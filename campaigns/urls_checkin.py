"""URLs: checking people in at an action, walk-ins, turnout and closing out."""

from django.urls import path

from campaigns.views import checkin as views

urlpatterns = [
    path("actions/<int:action_id>/check-in/", views.action_checkin, name="action_checkin"),
    path(
        "actions/<int:action_id>/check-in/<int:person_id>/",
        views.action_checkin_person,
        name="action_checkin_person",
    ),
    path("actions/<int:action_id>/walk-in/", views.action_walk_in, name="action_walk_in"),
    path("actions/<int:action_id>/turnout/", views.action_turnout, name="action_turnout"),
    path("actions/<int:action_id>/close-out/", views.action_close_out, name="action_close_out"),
]
