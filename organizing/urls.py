from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.contrib.admin import AdminSite
from django.urls import include, path

from members.mfa import staff_with_two_factor
from organizing.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # allauth's account, two-factor (accounts/2fa/) and session (accounts/sessions/) pages.
    path("accounts/", include("allauth.urls")),
    path("", include("members.urls")),
    path("", include("campaigns.urls")),
]

if settings.ADMIN_ENABLED:
    # The admin shows every row: only active staff with a second factor get in, and they log
    # in through allauth's login, code step included.
    admin.site.has_permission = staff_with_two_factor
    admin.site.login = secure_admin_login(AdminSite.login.__get__(admin.site))
    urlpatterns.append(path("admin/", admin.site.urls))
