from django.urls import path

from members import audit_views, views

urlpatterns = [
    path("committees/<int:committee_id>/team/", views.team, name="team"),
    path(
        "committees/<int:committee_id>/invitations/<int:invitation_id>/cancel/",
        views.invitation_cancel,
        name="invitation_cancel",
    ),
    path(
        "committees/<int:committee_id>/invitations/<int:invitation_id>/resend/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path("committees/<int:committee_id>/audit/", audit_views.audit_log, name="audit_log"),
    path(
        "committees/<int:committee_id>/audit/csv/",
        audit_views.audit_log_csv,
        name="audit_log_csv",
    ),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
