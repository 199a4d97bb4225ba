"""Pieces of HTML rendered once per content and kept in this process (issue 19).

A list's row (a queue row, a proposal on the applicant's dashboard) depends only on the values
it shows, the language and the time zone: those are its key, so a kept row is never out of
date (a status, a title edited: another key). The row's template is given only those values,
as a plain dict, so it cannot show anything the key leaves out.
"""

from collections.abc import Callable, Hashable

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from .memory import ByteLimitedLRU


class KeptFragments:
    """One template's rendered fragments, at most ``limit`` characters of them in all."""

    def __init__(self, template_name: str, limit: int):
        self.template_name = template_name
        self.kept = ByteLimitedLRU(limit, size_of=len)

    def rendered(
        self, values: dict, *, setting: tuple[Hashable, ...] = (), context: Callable[[], dict]
    ) -> SafeString:
        """The fragment for ``values`` (a plain dict of what it shows) and ``setting`` (more of
        its key, such as what the person may do), rendered with ``context()`` when not kept."""
        key = (get_language(), timezone.get_current_timezone_name(), *setting, *values.values())
        fragment = self.kept.get(key)
        if fragment is None:
            fragment = render_to_string(self.template_name, context())
            self.kept.put(key, fragment)
        return fragment
