"""The power base's pages: members and dues on the person page, the committee's dues
settings, the treasury, the join page and the Power page."""

from django.urls import path  # noqa: F401 - the areas' patterns follow

urlpatterns: list = []
