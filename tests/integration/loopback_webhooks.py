"""A test-only Celery app module: meetandcode's app, with the test's loopback receiver allowed
as a webhook address (``celery -A tests.integration.loopback_webhooks``). No installation can do
this: WEBHOOK_ALLOWED_HOSTS is a setting, not an environment variable."""

from celery.signals import worker_process_init

from meetandcode.celery import app  # noqa: F401 (the app celery -A finds here)


@worker_process_init.connect
def allow_loopback(**_kwargs) -> None:
    from django.conf import settings

    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
