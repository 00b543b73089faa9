from django.urls import path

from campaigns.imports import views as imports

urlpatterns = [
    path("campaigns/<int:campaign_id>/imports/new/", imports.import_new, name="import_new"),
    path(
        "campaigns/<int:campaign_id>/imports/<int:import_id>/",
        imports.import_detail,
        name="import_detail",
    ),
    path("campaigns/<int:campaign_id>/export.csv", imports.roster_export, name="roster_export"),
]
