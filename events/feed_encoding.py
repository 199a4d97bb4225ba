"""A feed as the cache keeps it: its bytes and the same bytes gzipped, each with its own ETag.

Browsers and feed readers send ``Accept-Encoding: gzip``; a feed shrinks about ten times
(10,000 events: 3.5 MB, about 0.4 MB gzipped), so it is compressed once, when it is built,
and every answer after that sends the smaller bytes without compressing again. The two
encodings are two representations of the feed: each has its own strong ETag, and every answer
says ``Vary: Accept-Encoding`` so that a shared cache keeps them apart.
"""

import gzip
import hashlib
from typing import NamedTuple

from django.http import HttpRequest
from django.middleware.gzip import re_accepts_gzip

GZIP_LEVEL = 6  # zlib's default: near the smallest, about 10 ms a megabyte here


class StoredFeed(NamedTuple):
    etag: str
    body: bytes
    gzipped: bytes

    @classmethod
    def of(cls, body: bytes) -> "StoredFeed":
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        # mtime=0: the same feed gives the same compressed bytes in every process.
        return cls(etag, body, gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0))

    def encoded(self, gzipped: bool) -> tuple[str, bytes]:
        """The ETag and bytes of one encoding."""
        if gzipped:
            return self.etag[:-1] + '-gzip"', self.gzipped
        return self.etag, self.body


def accepts_gzip(request: HttpRequest) -> bool:
    return bool(re_accepts_gzip.search(request.headers.get("Accept-Encoding", "")))


def encoding_key(key: str, gzipped: bool) -> str:
    """The fast path's key of one encoding of the feed stored under ``key``."""
    return f"{key}:gzip" if gzipped else key
