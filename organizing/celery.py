"""The Celery app: configured from Django settings under the CELERY_ namespace."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "organizing.settings")

app = Celery("organizing")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_configure.connect
def _settings_or_one_line(sender: Celery, **kwargs) -> None:
    """A worker or beat with a bad setting prints what to fix, like manage.py does."""
    from organizing.config import load_settings_or_exit

    load_settings_or_exit()
