"""Campaign URLs, one module per area (manage, people, chart, imports)."""

from campaigns import (
    urls_chart,
    urls_conversations,
    urls_imports,
    urls_manage,
    urls_mylist,
    urls_people,
)

urlpatterns = [
    *urls_manage.urlpatterns,
    *urls_chart.urlpatterns,
    *urls_people.urlpatterns,
    *urls_imports.urlpatterns,
    *urls_mylist.urlpatterns,
    *urls_conversations.urlpatterns,
]
