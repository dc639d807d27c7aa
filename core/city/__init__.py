"""The city: road network, administrative areas, grid cells, stations, units and addresses.

`core.city.model` holds the data classes, `core.city.demo` builds the deterministic demo
city, `core.city.serialize` turns a city into JSON-able data and back.
"""

from core.city.model import (
    Address,
    Area,
    City,
    Community,
    District,
    GridCell,
    Station,
    Street,
    UnitSpec,
)

__all__ = [
    "Address",
    "Area",
    "City",
    "Community",
    "District",
    "GridCell",
    "Station",
    "Street",
    "UnitSpec",
]
