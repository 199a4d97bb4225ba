from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals  # connects the feed cache's invalidation

        signals.connect_public_pages()
