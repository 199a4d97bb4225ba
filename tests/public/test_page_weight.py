"""The event map page stays light on a phone: less than 250 KB of compressed JS and CSS, with the
country outlines its script fetches (data-outlines-url) counted too."""

import gzip
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db

BUDGET_BYTES = 250 * 1024
ASSET = re.compile(
    r'<(?:script[^>]+src|link[^>]+rel="stylesheet"[^>]+href)="([^"]+)"|data-outlines-url="([^"]+)"'
)


def _compressed_size(url: str) -> int:
    path = finders.find(url.removeprefix(settings.STATIC_URL))
    assert path, f"{url} is not a static file of the app (nothing may come from elsewhere)"
    return len(gzip.compress(Path(path).read_bytes(), compresslevel=9))


def test_the_event_map_sends_less_than_250_kb_of_compressed_js_and_css(client):
    page = client.get(reverse("events:list")).content.decode()

    assets = [script_or_style or outlines for script_or_style, outlines in ASSET.findall(page)]
    sizes = {url: _compressed_size(url) for url in assets}

    assert any("leaflet.js" in url for url in assets)
    assert any("markercluster" in url for url in assets)
    assert any("world-atlas" in url for url in assets)
    assert sum(sizes.values()) < BUDGET_BYTES, sizes
