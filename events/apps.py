from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported here, once the models are loaded (Django's rule for ready()).
        from meetandcode.kernel import page_cache
        from organisations import hooks

        from . import (
            permissions,  # noqa: F401 (its @rule functions register the proposal rules)
            privacy,
            public,
            signals,
        )

        signals.connect_public_pages()  # the feed cache's and the kept pages' invalidation
        page_cache.keyed_by(public.VERSION_KEY)  # an approved event shows on kept pages at once
        hooks.export_sections.register(privacy.export_proposals)
        hooks.purge_steps.register(privacy.purge_old_proposals)
