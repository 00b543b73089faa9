"""Actions, the organizer's side: the list, setting one up, its page, cancelling, inviting."""

from django.urls import path

from campaigns.views import actions as views

urlpatterns = [
    path("actions/", views.action_list, name="action_list"),
    path("actions/new/", views.action_create, name="action_create"),
    path("actions/<int:action_id>/", views.action_detail, name="action_detail"),
    path("actions/<int:action_id>/edit/", views.action_edit, name="action_edit"),
    path("actions/<int:action_id>/cancel/", views.action_cancel, name="action_cancel"),
    path("actions/<int:action_id>/invite/", views.action_invite, name="action_invite"),
    path(
        "actions/<int:action_id>/invite/search/",
        views.action_invite_search,
        name="action_invite_search",
    ),
]
