from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")

    def ready(self) -> None:
        self._connect_audit_receivers()
        # The session and two-factor middlewares note the time and the user's standing at
        # login through receivers defined beside them: connect them however the app starts.
        import members.mfa  # noqa: F401
        import members.sessions  # noqa: F401

        # Services queue tasks by name: register them in every process, web as well as worker.
        import members.tasks  # noqa: F401

    @staticmethod
    def _connect_audit_receivers() -> None:
        """Put logins, failed logins, logouts and two-factor changes on the audit trail."""
        from allauth.account.signals import user_logged_in
        from django.contrib.auth.signals import user_logged_out, user_login_failed

        from members import audit_signals as receivers

        uid = "members.audit"
        user_logged_in.connect(receivers.on_logged_in, dispatch_uid=uid)
        user_login_failed.connect(receivers.on_login_failed, dispatch_uid=uid)
        user_logged_out.connect(receivers.on_logged_out, dispatch_uid=uid)
        if not apps.is_installed("allauth.mfa"):
            return
        from allauth.mfa import signals as mfa

        mfa.authenticator_added.connect(receivers.on_authenticator_added, dispatch_uid=uid)
        mfa.authenticator_removed.connect(receivers.on_authenticator_removed, dispatch_uid=uid)
        mfa.authenticator_reset.connect(receivers.on_authenticator_reset, dispatch_uid=uid)
        mfa.authentication_failed.connect(receivers.on_mfa_failed, dispatch_uid=uid)
