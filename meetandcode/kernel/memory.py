"""What a process keeps in its own memory, bounded: the feeds' answers (events.feed_cache)
and the review queue's rendered rows (grants.queue_rows)."""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any


class ByteLimitedLRU:
    """Least recently used entries first out, once their sizes pass ``limit`` bytes in all;
    ``size_of`` tells an entry's size (its ``size`` attribute unless told otherwise)."""

    def __init__(self, limit: int, size_of: Callable[[Any], int] = lambda entry: entry.size):
        self.limit = limit
        self.size = 0
        self._size_of = size_of
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()  # gunicorn may run threads (gthread workers)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key: Hashable, entry: Any) -> None:
        size = self._size_of(entry)
        if size > self.limit:
            return  # would push out everything else and still not fit
        with self._lock:
            old = self._entries.pop(key, None)
            self.size += size - (self._size_of(old) if old is not None else 0)
            self._entries[key] = entry
            while self.size > self.limit:
                _key, gone = self._entries.popitem(last=False)
                self.size -= self._size_of(gone)
