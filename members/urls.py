from django.urls import path

from members import audit_views, team_views, views

USER = "committees/<int:committee_id>/team/<int:user_id>/"

urlpatterns = [
    path("committees/<int:committee_id>/team/", views.team, name="team"),
    path(USER + "deactivate/", team_views.user_deactivate, name="user_deactivate"),
    path(USER + "reactivate/", team_views.user_reactivate, name="user_reactivate"),
    path(USER + "role/", team_views.membership_role, name="membership_role"),
    path(USER + "treasurer/", team_views.membership_treasurer, name="membership_treasurer"),
    path(USER + "remove/", team_views.membership_remove, name="membership_remove"),
    path("committees/<int:committee_id>/lockdown/", team_views.lockdown, name="lockdown"),
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
    path("account/language/", views.account_language, name="account_language"),
]
