"""The city: road network, administrative areas, grid cells, stations, units and addresses.

`core.city.model` holds the data classes, `core.city.demo` builds the deterministic demo
city, `core.city.serialize` turns a city into JSON-able data and back.
"""

from typing import Any

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


def __getattr__(name: str) -> Any:
    # The model (and with it networkx and numpy) loads on first use, so that reading a
    # saved city's metadata (`core.city.document`) stays cheap.
    if name in __all__:
        from core.city import model

        return getattr(model, name)
    raise AttributeError(f"module 'core.city' has no attribute {name!r}")
