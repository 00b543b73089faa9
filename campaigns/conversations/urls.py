"""One-on-ones: logging, editing and deleting a conversation, finding whom to log, closing a
follow-up, and My list (the organizer's home across campaigns)."""

from django.urls import path

from campaigns.conversations.views import field, followups, log, mylist

urlpatterns = [
    path(
        "campaigns/<int:campaign_id>/people/<int:person_id>/log/",
        log.conversation_new,
        name="conversation_new",
    ),
    path(
        "campaigns/<int:campaign_id>/conversations/<int:conversation_id>/edit/",
        log.conversation_edit,
        name="conversation_edit",
    ),
    path(
        "campaigns/<int:campaign_id>/conversations/<int:conversation_id>/delete/",
        log.conversation_delete,
        name="conversation_delete",
    ),
    path("log/", log.log_search, name="log_search"),
    path(
        "campaigns/<int:campaign_id>/follow-ups/<int:follow_up_id>/close/",
        followups.follow_up_close,
        name="follow_up_close",
    ),
    path("my-list/", mylist.my_list, name="my_list"),
    path("my-list/<slug:section>/", mylist.my_list_section, name="my_list_section"),
    # Field mode: the service worker keeps My list and the log pages for a phone with no signal
    path("sw.js", field.service_worker, name="service_worker"),
    path("manifest.webmanifest", field.manifest, name="web_manifest"),
    path("field/offline/", field.field_offline, name="field_offline"),
    path("field/session/", field.field_session, name="field_session"),
]
