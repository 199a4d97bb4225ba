"""The storage of files never served by a public URL (award letters, donation receipts, report
files): ``STORAGES["private"]``, looked up when first used, so tests can point it elsewhere."""

from django.core.files.storage import storages
from django.utils.functional import LazyObject


class _PrivateStorage(LazyObject):
    def _setup(self):
        self._wrapped = storages["private"]


_private_storage = _PrivateStorage()


def private_storage():
    """A callable, so migrations name it instead of freezing its location."""
    return _private_storage
