from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = _("Organisations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .privacy import check_consent_at_login

        # Checked once at login, so the consent middleware costs no query on each page.
        user_logged_in.connect(check_consent_at_login, dispatch_uid="privacy_consent_at_login")
