"""The feeds' fast path: a feed's answer kept in this process's memory, served before sessions,
authentication, CSRF, locale and consent run, which cost far more than the feed itself once
it is cached (bench/results.md).

The key is the feed view's own (``events.public.feed_cache_key``), one per encoding (plain
and gzip, events.feed_encoding), so it holds the public
events' version read from Redis on each request: an approved, changed or cancelled event bumps
the version and no older answer is reachable any more; old ones age out of the memory. It also
holds the default editions and the day, decided afresh on each request from the editions kept
in Redis next to the version, so a feed without filters follows the calendar. Redis
stays the second level shared by all processes (a new worker does not rebuild a feed). Without
a version (Redis down, or not set yet) the request goes the whole way to the view.
"""

import os
from dataclasses import dataclass
from typing import BinaryIO

from django.conf import settings
from django.core.cache import cache
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe

from meetandcode.kernel.memory import ByteLimitedLRU

from .feed_encoding import accepts_gzip, encoding_key
from .public import EDITIONS_KEY, VERSION_KEY, feed_cache_key
from .views_public import FEED_TYPES

# Recomputed for each answer, or never to be shared between people.
NOT_KEPT = {"content-length", "set-cookie"}


def in_memory_file(body: bytes) -> BinaryIO | None:
    """The body in an anonymous file in memory (Linux), which gunicorn hands to the socket with
    sendfile(), as whitenoise's static files, instead of copying megabytes through Python; None
    where there is no such file. It is freed when the answer holding it is dropped."""
    if not hasattr(os, "memfd_create"):
        return None
    file = os.fdopen(os.memfd_create("feed", os.MFD_CLOEXEC), "w+b")
    file.write(body)
    file.flush()
    return file


@dataclass(frozen=True)
class KeptAnswer:
    length: int
    headers: tuple[tuple[str, str], ...]
    etag: str | None
    last_modified: int | None
    body: bytes | None = None  # where there is no in-memory file
    file: BinaryIO | None = None

    @classmethod
    def of(cls, response: HttpResponse) -> "KeptAnswer":
        headers = tuple((k, v) for k, v in response.items() if k.lower() not in NOT_KEPT)
        modified = response.get("Last-Modified")
        file = in_memory_file(response.content)
        return cls(
            length=len(response.content),
            headers=headers,
            etag=response.get("ETag"),
            last_modified=parse_http_date_safe(modified) if modified else None,
            body=None if file else response.content,
            file=file,
        )

    @property
    def size(self) -> int:
        return self.length + sum(len(k) + len(v) for k, v in self.headers)

    def _response(self, request: HttpRequest) -> HttpResponseBase:
        if request.method == "HEAD":
            return HttpResponse(b"")
        if self.file is None:
            return HttpResponse(self.body)
        # A file of its own for this answer (its own offset), closed when the answer is sent.
        fd = os.open(f"/proc/self/fd/{self.file.fileno()}", os.O_RDONLY | os.O_CLOEXEC)
        return FileResponse(os.fdopen(fd, "rb"))

    def answer(self, request: HttpRequest) -> HttpResponseBase:
        """The view's answer again: 304 (or 412) when the request's conditions say so, the
        headers without the body for HEAD."""
        conditional = get_conditional_response(
            request, etag=self.etag, last_modified=self.last_modified
        )
        if conditional is not None:
            for name, value in self.headers:
                if name.lower() not in ("content-type", "content-encoding"):
                    conditional[name] = value
            return conditional
        response = self._response(request)
        for name, value in self.headers:
            response[name] = value
        response["Content-Length"] = str(self.length)
        return response


class FeedFastPathMiddleware:
    """Answers /events.geojson, .ics, .rss and .csv from memory when this process has the
    current version's answer; otherwise lets the request through and keeps the view's answer.

    Placed after SecurityMiddleware, CSP and whitenoise, so their headers (nosniff, HSTS,
    Referrer-Policy, the policy) are on these answers as on every other."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.store = ByteLimitedLRU(settings.FEED_MEMORY_CACHE_BYTES)
        self.paths = {reverse(f"feeds:{fmt}"): fmt for fmt in FEED_TYPES}

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        fmt = self.paths.get(request.path_info)
        if fmt is None or request.method not in ("GET", "HEAD") or self.store.limit <= 0:
            return self.get_response(request)
        request.get_host()  # the host is checked as CommonMiddleware would (400 when not allowed)
        # Both in one round trip; None when Redis is down or the editions have aged out: the
        # view decides (and keeps the editions again).
        kept = cache.get_many([VERSION_KEY, EDITIONS_KEY])
        changed_at, editions = kept.get(VERSION_KEY), kept.get(EDITIONS_KEY)
        if changed_at is not None and editions is not None:
            key = feed_cache_key(fmt, request.GET, changed_at, editions)
            entry = self.store.get(encoding_key(key, accepts_gzip(request)))
            if entry is not None:
                return entry.answer(request)
        response = self.get_response(request)
        if changed_at is not None:  # without Redis the view's key is "now": never asked again
            self._keep(response)
        return response

    def _keep(self, response: HttpResponseBase) -> None:
        # The view names the key it used; only a whole 200 answer, which sets no cookie, is kept.
        key = getattr(response, "feed_cache_key", None)
        if key and response.status_code == 200 and not response.streaming and not response.cookies:
            self.store.put(key, KeptAnswer.of(response))
