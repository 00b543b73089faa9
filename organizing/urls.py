from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from organizing.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # allauth's account, two-factor (accounts/2fa/) and session (accounts/sessions/) pages.
    path("accounts/", include("allauth.urls")),
    # set_language: the switcher on the login and public pages (members/language.py).
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("members.urls")),
    path("", include("campaigns.urls")),
]

if settings.ADMIN_ENABLED:
    # Who may get in is members' to say (members/admin.py: staff with a second factor).
    urlpatterns.append(path("admin/", admin.site.urls))
