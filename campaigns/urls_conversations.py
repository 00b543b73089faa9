"""One-on-ones: logging, editing and deleting a conversation, and finding whom to log."""

from django.urls import path

from campaigns.views import conversations as views

urlpatterns = [
    path(
        "campaigns/<int:campaign_id>/people/<int:person_id>/log/",
        views.conversation_new,
        name="conversation_new",
    ),
    path(
        "campaigns/<int:campaign_id>/conversations/<int:conversation_id>/edit/",
        views.conversation_edit,
        name="conversation_edit",
    ),
    path(
        "campaigns/<int:campaign_id>/conversations/<int:conversation_id>/delete/",
        views.conversation_delete,
        name="conversation_delete",
    ),
    path("log/", views.log_search, name="log_search"),
]
