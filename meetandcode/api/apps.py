from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "meetandcode.api"
    label = "api"
    verbose_name = _("API")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from organisations import hooks

        from . import webhooks

        hooks.recorded.register(webhooks.fan_out)
        hooks.purge_steps.register(webhooks.purge_old_deliveries)
