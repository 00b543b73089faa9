"""The OSDI API (/api/v2/) and the committee's API tokens page."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import AllowAny

from campaigns.api.views import entry, people, tokens

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
    re_path(API + r"/people/?$", people.PeopleView.as_view(), name="api_people"),
    re_path(
        API + r"/people/(?P<person_id>[^/]+)/?$", people.PersonView.as_view(), name="api_person"
    ),
    path(COMMITTEE, tokens.api_tokens, name="api_tokens"),
    path(COMMITTEE + "<int:token_id>/revoke/", tokens.api_token_revoke, name="api_token_revoke"),
]
