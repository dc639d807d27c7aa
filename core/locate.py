"""Where a call is: an address typed by the call-taker or a point picked on the map,
resolved to a point, a grid cell and the grid worker responsible for it."""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

from core.city.model import City
from core.errors import ValidationError

_lock = threading.Lock()
_trees: dict[int, tuple[City, object]] = {}


@dataclass(frozen=True, slots=True)
class Location:
    """A resolved location for a new incident."""

    address: str
    x: float
    y: float
    cell_code: str | None
    cell_name: str
    community_code: str
    worker_unit: str | None


def _location(city: City, address) -> Location:  # noqa: ANN001 - core.city Address
    cell = city.cell_at(address.x, address.y)
    if cell is None and address.cell_code:
        cell = next((c for c in city.cells if c.code == address.cell_code), None)
    return Location(address.text, float(address.x), float(address.y),
                    cell.code if cell else address.cell_code,
                    cell.name if cell else "", cell.community_code if cell else "",
                    cell.worker_unit_code if cell else None)


def resolve_address(city: City, text: str) -> Location | None:
    """The location of an address known to the city (case-insensitive), or None."""
    text = text.strip()
    if not text:
        return None
    address = city.address(text)
    if address is None:
        matches = city.find_addresses(text, 2)
        exact = [a for a in matches if a.text.casefold() == text.casefold()]
        address = exact[0] if exact else None
    return _location(city, address) if address is not None else None


def nearest_address(city: City, x: float, y: float) -> Location | None:
    """The location of the address nearest to a point (a click on the map)."""
    if not city.addresses:
        return None
    with _lock:
        entry = _trees.get(id(city))
        if entry is None or entry[0] is not city:
            from scipy.spatial import cKDTree

            tree = cKDTree([(a.x, a.y) for a in city.addresses])
            _trees[id(city)] = entry = (city, tree)
    _, i = entry[1].query((x, y))  # type: ignore[attr-defined]
    address = city.addresses[int(i)]
    if not math.isfinite(address.x):
        return None
    return _location(city, address)


def point_location(city: City, x: float, y: float, label: str) -> Location:
    """The location of a point given by coordinates (not by an address): its grid cell,
    and as its address `label` followed by the nearest known address, for the crew."""
    near = nearest_address(city, x, y)
    text = f"{label} (near {near.address})" if near is not None else label
    cell = city.cell_at(x, y)
    return Location(text, float(x), float(y), cell.code if cell else None,
                    cell.name if cell else "", cell.community_code if cell else "",
                    cell.worker_unit_code if cell else None)


def latlon_to_local(city: City, lat: float, lon: float, what: str = "position"
                    ) -> tuple[float, float]:
    """A WGS 84 position as city metres; `ValidationError` (naming `what`) when the city
    has no place on the earth or the point is off its map (with the margin)."""
    x, y = city.to_local(lat, lon)
    try:
        city.check_position(x, y)
    except ValidationError:
        raise ValidationError(f"{what}: {off_map(city, lat, lon)}", field=what) from None
    return float(x), float(y)


def latlon_location(city: City, lat: float, lon: float) -> Location:
    """The location of a WGS 84 position on the city's map (see `latlon_to_local`)."""
    x, y = latlon_to_local(city, lat, lon)
    return point_location(city, x, y, f"{lat:.5f}, {lon:.5f}")


def off_map(city: City, lat: float, lon: float) -> str:
    """Why (lat, lon) is not in `city`: how far it is from the city's centre, which is
    usually enough to see a swapped pair, a lost sign or another city's coordinates."""
    x0, y0, x1, y1 = city.bounds
    centre = city.to_latlon((x0 + x1) / 2.0, (y0 + y1) / 2.0)
    return off_map_message(city.name, centre, lat, lon)


def off_map_message(name: str, centre: tuple[float, float], lat: float, lon: float) -> str:
    """`off_map` for a city known by its name and the latitude/longitude of its centre."""
    clat, clon = centre
    away = great_circle_km(lat, lon, clat, clon)
    return (f"({lat:.6f}, {lon:.6f}) is {away:,.0f} km from the centre of {name} "
            f"({clat:.5f}, {clon:.5f}), outside its map (latitude comes first)")


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The distance between two points on the earth (a sphere is close enough to say
    how far off a refused position is)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))
