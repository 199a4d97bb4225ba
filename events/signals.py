"""What the public sees has changed: the cached feeds and kept public pages are stale.

An event published, changed or cancelled bumps the public events' version (feeds, map, pages);
a staff edit of what the public pages show besides events bumps the pages' version only
(meetandcode.kernel.page_cache).
"""

from django.apps import apps
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from meetandcode.kernel import page_cache

from .models import Event
from .public import bump_version

# Shown on the kept public pages (home, event map, event pages, impact) besides the events.
ON_PUBLIC_PAGES = [
    "programmes.Edition",
    "programmes.CountryProgramme",
    "programmes.CountryInfo",
    "programmes.CountryText",
    "organisations.Partner",
    "events.ReportFile",
    "events.Language",
    "events.FocusGroup",
]


@receiver(post_save, sender=Event)
@receiver(post_delete, sender=Event)
def public_events_changed(sender, **kwargs):
    transaction.on_commit(bump_version)


def public_pages_changed(sender, **kwargs):
    transaction.on_commit(page_cache.bump_version)


def connect_public_pages() -> None:
    # An edition's windows decide the map's default editions (events.public.map_editions):
    # a staff edit of them is a change of the public events too.
    edition = apps.get_model("programmes.Edition")
    post_save.connect(public_events_changed, sender=edition, dispatch_uid="events-edition")
    post_delete.connect(public_events_changed, sender=edition, dispatch_uid="events-edition-del")
    for label in ON_PUBLIC_PAGES:
        model = apps.get_model(label)
        post_save.connect(public_pages_changed, sender=model, dispatch_uid=f"pages-{label}")
        post_delete.connect(public_pages_changed, sender=model, dispatch_uid=f"pages-{label}-del")
