"""The open feeds: one address each, the same in every language (partners subscribe to them).

Mounted outside ``i18n_patterns`` (meetandcode/urls.py), so their event links are the default
language's, without a language prefix.
"""

from django.urls import path

from . import views_public

app_name = "feeds"

urlpatterns = [
    path(f"events.{fmt}", views_public.feed, {"fmt": fmt}, name=fmt)
    for fmt in views_public.FEED_TYPES
]
