from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Areas that register kinds of message with the outbox, and areas with Celery tasks. Loaded
# when the app is ready, in the web process as in a worker, so the outbox knows every kind and
# every task named in campaigns is registered before anything queues it.
MESSAGES = ("actions", "conversations", "nudges", "power", "signups")
TASKS = ("dashboards", "imports", "nudges", "outbox", "power")


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("Campaigns")

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import pre_delete

        from campaigns.audit import audit_register
        from campaigns.links import links_register
        from campaigns.manage.teams import teams_register
        from campaigns.roster.history import on_user_delete

        pre_delete.connect(on_user_delete, sender=get_user_model(), dispatch_uid="trends-user")
        audit_register()
        links_register()
        teams_register()
        for area in MESSAGES:
            import_module(f"campaigns.{area}.messages")
        for area in TASKS:
            import_module(f"campaigns.{area}.tasks")
