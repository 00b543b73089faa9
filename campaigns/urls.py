"""Campaign URLs, one module per area (manage, people, chart, imports)."""

from campaigns import urls_chart, urls_imports, urls_manage, urls_people

urlpatterns = [
    *urls_manage.urlpatterns,
    *urls_chart.urlpatterns,
    *urls_people.urlpatterns,
    *urls_imports.urlpatterns,
]
