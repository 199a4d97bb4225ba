"""Where a map starts: a centre and zoom per programme country, and what it draws: the country
outlines shipped with the app (Natural Earth, static/vendor/world-atlas/) and, over them, the tiles
of the tile server, if one is set.

Plain data, no models: settings.py imports ``COUNTRY_CENTRES`` as ``MAP_DEFAULT_CENTRES``, and the
maps read the setting, so an installation (or a test) can move a centre without a code change.
"""

from django.conf import settings
from django.templatetags.static import static

# (latitude, longitude, zoom): the country fits a phone-sized map. Keys are ISO 3166-1 alpha-2
# codes; the programme writes "UK" for the United Kingdom, so that spelling finds it too.
COUNTRY_CENTRES = {
    "AT": (47.59, 14.12, 6),
    "BE": (50.64, 4.67, 7),
    "DE": (51.16, 10.45, 5),
    "ES": (40.24, -3.65, 5),
    "FR": (46.60, 2.35, 5),
    "GB": (54.30, -2.50, 5),
    "UK": (54.30, -2.50, 5),
    "IE": (53.41, -8.00, 6),
    "IT": (42.50, 12.50, 5),
    "LU": (49.78, 6.13, 9),
    "NL": (52.21, 5.29, 7),
    "PL": (52.07, 19.48, 5),
    "RO": (45.94, 24.97, 6),
    "UA": (48.96, 31.26, 5),
}
# Europe as a whole, for a country without a centre of its own.
EUROPE = (50.00, 10.00, 4)


def country_centre(code) -> tuple[float, float, int]:
    """The (latitude, longitude, zoom) a map of this country starts at."""
    centres = getattr(settings, "MAP_DEFAULT_CENTRES", COUNTRY_CENTRES)
    return centres.get(str(code or "").upper(), EUROPE)


# Europe's country outlines as TopoJSON, built by .ci/build-world-atlas from the npm package
# world-atlas; drawn under the tiles, so they are the map wherever the tiles do not load.
OUTLINES = "vendor/world-atlas/europe-50m.json"
OUTLINES_ATTRIBUTION = '<a href="https://www.naturalearthdata.com/">Natural Earth</a>'


def map_layers() -> dict:
    """What every map draws: the outlines and their credit, and the tiles with theirs. An empty
    MAP_TILE_URL switches the tiles off: no tile layer, no tile credit, no request elsewhere."""
    tile_url = settings.MAP_TILE_URL or ""
    return {
        "tile_url": tile_url,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION if tile_url else "",
        "outlines_url": static(OUTLINES),
        "outlines_attribution": OUTLINES_ATTRIBUTION,
    }


def venue_map_options(country_code) -> dict:
    """What the venue map of the proposal form needs: its layers and the country centre."""
    latitude, longitude, zoom = country_centre(country_code)
    return {
        **map_layers(),
        "latitude": latitude,
        "longitude": longitude,
        "zoom": zoom,
    }
