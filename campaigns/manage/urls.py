"""Managing campaigns: the list, settings, sites and their unit trees, the team."""

from django.urls import path

from campaigns.manage import views

SITE = "campaigns/<int:campaign_id>/sites/<int:site_id>/"
UNIT = SITE + "units/<int:unit_id>/"

urlpatterns = [
    path("campaigns/", views.campaign_list, name="campaign_list"),
    path(
        "committees/<int:committee_id>/settings/",
        views.committee_settings,
        name="committee_settings",
    ),
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
    path("campaigns/<int:campaign_id>/settings/", views.campaign_edit, name="campaign_edit"),
    path("campaigns/<int:campaign_id>/sites/new/", views.site_create, name="site_create"),
    path(SITE, views.site_detail, name="site_detail"),
    path(SITE + "units/new/", views.unit_create, name="unit_create"),
    path(UNIT + "rename/", views.unit_update, name="unit_update"),
    path(UNIT + "move/", views.unit_move, name="unit_move"),
    path(UNIT + "delete/", views.unit_delete, name="unit_delete"),
    path("campaigns/<int:campaign_id>/team/", views.campaign_team, name="campaign_team"),
    path(
        "campaigns/<int:campaign_id>/team/<int:user_id>/remove/",
        views.campaign_team_remove,
        name="campaign_team_remove",
    ),
]
