"""The Celery app. Configured from Django settings (CELERY_*): Redis as broker, or in-process."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meetandcode.settings")

app = Celery("meetandcode")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
