"""The deployment's health: for an uptime monitor, for leads, for Prometheus."""

from django.urls import path

from campaigns.system import views

urlpatterns = [
    path("healthz/system", views.healthz_system, name="healthz_system"),
    path("committees/<int:committee_id>/system/", views.system, name="system"),
    path("metrics", views.metrics, name="metrics"),
]
