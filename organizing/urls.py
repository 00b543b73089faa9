from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from organizing.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("", include("members.urls")),
    path("", include("campaigns.urls")),
]

if settings.ADMIN_ENABLED:
    urlpatterns.append(path("admin/", admin.site.urls))
