"""The OSDI API (/api/v2/) and the committee's API tokens page."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import AllowAny

from campaigns.api import schema  # noqa: F401 - registers the token's OpenAPI security scheme
from campaigns.api.views import docs, entry, events, people, tags, tokens

COMMITTEE = "committees/<int:committee_id>/api-tokens/"

# Every route answers with and without a trailing slash, with no redirect: Action Network's
# clients POST without one.
API = r"^api/v2"

urlpatterns = [
    re_path(API + r"/?$", entry.EntryPoint.as_view(), name="api_entry"),
    # The OpenAPI description, generated from these views: public, like the documentation.
    re_path(
        API + r"/schema/?$",
        SpectacularAPIView.as_view(
            authentication_classes=[], permission_classes=[AllowAny], throttle_classes=[]
        ),
        name="api_schema",
    ),
    # The same, for people to read.
    re_path(API + r"/docs/?$", docs.api_docs, name="api_docs"),
    re_path(API + r"/people/?$", people.PeopleView.as_view(), name="api_people"),
    re_path(
        API + r"/people/(?P<person_id>[^/]+)/?$", people.PersonView.as_view(), name="api_person"
    ),
    re_path(
        API + r"/people/(?P<person_id>[^/]+)/taggings/?$",
        tags.PersonTaggingsView.as_view(),
        name="api_person_taggings",
    ),
    re_path(API + r"/tags/?$", tags.TagsView.as_view(), name="api_tags"),
    re_path(API + r"/tags/(?P<tag_id>[^/]+)/?$", tags.TagView.as_view(), name="api_tag"),
    re_path(
        API + r"/tags/(?P<tag_id>[^/]+)/taggings/?$",
        tags.TaggingsView.as_view(),
        name="api_taggings",
    ),
    re_path(
        API + r"/tags/(?P<tag_id>[^/]+)/taggings/(?P<tagging_id>[^/]+)/?$",
        tags.TaggingView.as_view(),
        name="api_tagging",
    ),
    # Events and attendances (issue 24)
    re_path(API + r"/events/?$", events.EventsView.as_view(), name="api_events"),
    re_path(API + r"/events/(?P<event_id>[^/]+)/?$", events.EventView.as_view(), name="api_event"),
    re_path(
        API + r"/events/(?P<event_id>[^/]+)/attendances/?$",
        events.AttendancesView.as_view(),
        name="api_attendances",
    ),
    re_path(
        API + r"/events/(?P<event_id>[^/]+)/attendances/(?P<attendance_id>[^/]+)/?$",
        events.AttendanceView.as_view(),
        name="api_attendance",
    ),
    re_path(
        API + r"/people/(?P<person_id>[^/]+)/attendances/?$",
        events.PersonAttendancesView.as_view(),
        name="api_person_attendances",
    ),
    # End of events and attendances
    path(COMMITTEE, tokens.api_tokens, name="api_tokens"),
    path(COMMITTEE + "<int:token_id>/revoke/", tokens.api_token_revoke, name="api_token_revoke"),
]
