"""Campaign URLs, one module per area."""

from campaigns import (
    urls_actions,
    urls_chart,
    urls_checkin,
    urls_conversations,
    urls_dashboard,
    urls_imports,
    urls_manage,
    urls_my_actions,
    urls_mylist,
    urls_nudges,
    urls_outbox,
    urls_people,
    urls_rsvp_links,
)

# Django tries the patterns in order, so the busiest come first: the emailed RSVP link (a
# crowd answers one invitation at once) and logging one-on-ones. No two areas share a prefix.
urlpatterns = [
    *urls_rsvp_links.urlpatterns,
    *urls_conversations.urlpatterns,
    *urls_mylist.urlpatterns,
    *urls_manage.urlpatterns,
    *urls_chart.urlpatterns,
    *urls_dashboard.urlpatterns,
    *urls_people.urlpatterns,
    *urls_imports.urlpatterns,
    *urls_actions.urlpatterns,
    *urls_checkin.urlpatterns,
    *urls_my_actions.urlpatterns,
    *urls_nudges.urlpatterns,
    *urls_outbox.urlpatterns,
]
