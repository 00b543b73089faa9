from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from organizing.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # allauth's account, two-factor (accounts/2fa/) and session (accounts/sessions/) pages.
    path("accounts/", include("allauth.urls")),
    path("", include("members.urls")),
    path("", include("campaigns.urls")),
]

if settings.ADMIN_ENABLED:
    # Who may get in is members' to say (members/admin.py: staff with a second factor).
    urlpatterns.append(path("admin/", admin.site.urls))
