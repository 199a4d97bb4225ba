import uuid

import pytest

from tests.api.receiver import receiver  # noqa: F401 (a fixture for the tests here)


@pytest.fixture(autouse=True)
def own_rate_limits(settings):
    """A cache key prefix of the test's own: the API's rate limits count from zero (the address
    is 127.0.0.1 in every test, and a count lives for its whole window)."""
    caches = {name: dict(config) for name, config in settings.CACHES.items()}
    caches["default"]["KEY_PREFIX"] = f"test-{uuid.uuid4().hex}"
    settings.CACHES = caches
