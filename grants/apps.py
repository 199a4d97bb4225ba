from django.apps import AppConfig


class GrantsConfig(AppConfig):
    name = "grants"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # What grants adds to the lower apps' moments (organisations.hooks), without them
        # importing grants. Imported here, once the models are loaded (Django's rule).
        from organisations import hooks

        from . import dashboard, letters, tasks

        hooks.attachments.register(letters.award_letter_attachments)
        hooks.organisation_changed.register(tasks.reissue_letters_of)
        hooks.dashboard_sections.register(dashboard.dashboard_section)
        hooks.proposal_submitted.register(tasks.signals_after_submit)
        hooks.organisation_changed.register(tasks.signals_after_organisation_change)
