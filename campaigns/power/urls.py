"""The power base's pages: members and dues on the person page, the committee's dues
settings, the treasury, the join page and the Power page."""

from django.urls import path

from campaigns.power import views_treasury as treasury

TREASURY = "committees/<int:committee_id>/treasury/"

urlpatterns: list = [
    path(TREASURY, treasury.treasury, name="treasury"),
    path(f"{TREASURY}report/", treasury.treasury_report, name="treasury_report"),
    path(f"{TREASURY}export.csv", treasury.treasury_export, name="treasury_export"),
    path(f"{TREASURY}<int:entry_id>/reverse/", treasury.treasury_reverse, name="treasury_reverse"),
]
