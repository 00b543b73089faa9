"""The dashboards: a campaign's, its unit table as CSV, and the committee overview."""

from django.urls import path

from campaigns.dashboards import views

urlpatterns = [
    path(
        "campaigns/<int:campaign_id>/dashboard/",
        views.campaign_dashboard,
        name="campaign_dashboard",
    ),
    path(
        "campaigns/<int:campaign_id>/dashboard/units.csv",
        views.campaign_dashboard_export,
        name="campaign_dashboard_export",
    ),
    path(
        "committees/<int:committee_id>/overview/",
        views.committee_overview,
        name="committee_overview",
    ),
]
