"""Where a call is: an address typed by the call-taker or a point picked on the map,
resolved to a point, a grid cell and the grid worker responsible for it."""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

from core.city.model import City

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
