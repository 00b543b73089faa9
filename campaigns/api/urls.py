"""The OSDI API (/api/v2/) and the committee's API tokens page."""

from django.urls import path, re_path

from campaigns.api.views import entry, events, people, tokens

COMMITTEE = "committees/<int:committee_id>/api-tokens/"

# Every route answers with and without a trailing slash, with no redirect: Action Network's
# clients POST without one.
API = r"^api/v2"

urlpatterns = [
    re_path(API + r"/?$", entry.EntryPoint.as_view(), name="api_entry"),
    re_path(API + r"/people/?$", people.PeopleView.as_view(), name="api_people"),
    re_path(
        API + r"/people/(?P<person_id>[^/]+)/?$", people.PersonView.as_view(), name="api_person"
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
