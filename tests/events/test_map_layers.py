"""What the maps draw: the shipped country outlines always, the tile server's tiles only when
MAP_TILE_URL is set. Empty, it leaves no trace of a tile host: not in the Content-Security-Policy,
not in the pages' map settings, no tile credit (docs/configuration.md)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.events.test_venue_pin import draft  # noqa: F401 (a fixture: a draft, author logged in)

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parents[2]
OSM = "openstreetmap.org"
OUTLINES = "vendor/world-atlas/europe-50m.json"
# In a fresh process: settings are read once, so the environment must be set before they are.
SETTINGS_SCRIPT = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "from django.utils.csp import build_policy; from events import geo; "
    "print(json.dumps({'url': s.MAP_TILE_URL, 'csp': build_policy(s.SECURE_CSP), "
    "'venue_map': geo.venue_map_options('LU')}))"
)


def settings_with(tile_url: str) -> dict:
    """The settings a process started with MAP_TILE_URL=<tile_url> ends up with."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "meetandcode.settings", "MAP_TILE_URL": tile_url}
    result = subprocess.run(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-c", SETTINGS_SCRIPT],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def img_src(policy: str) -> str:
    return next(part for part in policy.split(";") if part.strip().startswith("img-src"))


def test_an_empty_tile_url_in_the_environment_leaves_the_tile_host_out_everywhere():
    with_tiles = settings_with("https://tiles.example.org/{z}/{x}/{y}.png")
    without = settings_with("")

    assert "https://tiles.example.org" in img_src(with_tiles["csp"])
    assert without["url"] == ""  # set but empty: not the OpenStreetMap default
    assert img_src(without["csp"]).split() == ["img-src", "'self'", "data:"]
    assert OSM not in json.dumps(without)  # nor the tile credit
    assert without["venue_map"]["tile_url"] == ""
    assert without["venue_map"]["tile_attribution"] == ""
    assert without["venue_map"]["outlines_url"].endswith(OUTLINES)
    assert "Natural Earth" in without["venue_map"]["outlines_attribution"]


def test_without_a_tile_url_the_event_map_gets_outlines_and_no_tile_settings(client, settings):
    settings.MAP_TILE_URL = ""

    page = client.get(reverse("events:list")).content.decode()

    assert 'data-tile-url=""' in page
    assert 'data-tile-attribution=""' in page
    assert OSM not in page
    assert f'data-outlines-url="/static/{OUTLINES}"' in page
    assert "Natural Earth" in page
    assert "/static/vendor/topojson-client/topojson-client.min.js" in page


def test_without_a_tile_url_the_venue_map_gets_outlines_and_no_tile_settings(
    client,
    draft,  # noqa: F811
    settings,
):
    settings.MAP_TILE_URL = ""

    page = client.get(reverse("events:edit", args=[draft.pk])).content.decode()

    venue_map = page[page.index('id="venue-map"') :]
    assert 'data-tile-url=""' in venue_map
    assert OSM not in page
    assert f'data-outlines-url="/static/{OUTLINES}"' in venue_map
    assert "/static/js/map-outlines.js" in page


def test_with_a_tile_url_the_tiles_and_their_credit_come_with_the_outlines(client, settings):
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"

    page = client.get(reverse("events:list")).content.decode()

    assert 'data-tile-url="https://tiles.example.org/{z}/{x}/{y}.png"' in page
    assert OSM in page  # the default credit, shown with the tiles
    assert f'data-outlines-url="/static/{OUTLINES}"' in page


def test_the_outlines_are_europes_countries_as_topojson():
    topology = json.loads(Path(finders.find(OUTLINES)).read_text())

    countries = topology["objects"]["countries"]["geometries"]
    assert topology["type"] == "Topology"
    assert len(countries) > 40
    west, south = topology["arcs"][0][0]  # the first point of an arc is absolute
    scale = topology["transform"]["scale"][0]
    assert -35 < west * scale < 55
    assert 25 < south * scale < 73
