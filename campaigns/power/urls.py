"""The power base's pages: members and dues on the person page, the committee's dues
settings, the treasury, the join page and the Power page."""

from django.urls import path

from campaigns.power import (
    dues_views,
    join_views,
    payment_import_views,
    views_members,
    views_power,
)
from campaigns.power import views_treasury as treasury

TREASURY = "committees/<int:committee_id>/treasury/"

urlpatterns = [
    path(
        "people/<int:person_id>/membership/",
        views_members.membership_edit,
        name="membership_edit",
    ),
    path(
        "people/<int:person_id>/membership/resign/",
        views_members.membership_resign,
        name="membership_resign",
    ),
    path("people/<int:person_id>/payments/new/", views_members.payment_new, name="payment_new"),
    path("committees/<int:committee_id>/power/", views_power.power, name="power"),
    path(
        "committees/<int:committee_id>/power/targets/",
        views_power.power_target_add,
        name="power_target_add",
    ),
    path(
        "committees/<int:committee_id>/power/targets/<int:target_id>/delete/",
        views_power.power_target_delete,
        name="power_target_delete",
    ),
    # The join page: the lead's settings, and the public form (no login: its key is the access).
    path(
        "committees/<int:committee_id>/join-page/", join_views.join_settings, name="join_settings"
    ),
    path(
        "committees/<int:committee_id>/join-page/open/",
        join_views.join_page_set,
        name="join_page_set",
    ),
    path("join/<slug:join_key>/", join_views.join_public, name="join_public"),
    path("committees/<int:committee_id>/dues/", dues_views.dues_settings, name="dues_settings"),
    path(TREASURY, treasury.treasury, name="treasury"),
    path(f"{TREASURY}report/", treasury.treasury_report, name="treasury_report"),
    path(f"{TREASURY}export.csv", treasury.treasury_export, name="treasury_export"),
    path(f"{TREASURY}<int:entry_id>/reverse/", treasury.treasury_reverse, name="treasury_reverse"),
    path(
        f"{TREASURY}payments/import/",
        payment_import_views.payment_import_new,
        name="payment_import_new",
    ),
    path(
        f"{TREASURY}payments/import/<int:import_id>/",
        payment_import_views.payment_import_detail,
        name="payment_import_detail",
    ),
]
