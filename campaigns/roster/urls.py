"""The chart of a campaign and of one site, and bulk changes made from it."""

from django.urls import path

from campaigns.roster import views

urlpatterns = [
    path("campaigns/<int:campaign_id>/", views.campaign_chart, name="campaign_chart"),
    path(
        "campaigns/<int:campaign_id>/sites/<int:site_id>/chart/",
        views.site_chart,
        name="site_chart",
    ),
    path("campaigns/<int:campaign_id>/roster/bulk/", views.roster_bulk, name="roster_bulk"),
]
