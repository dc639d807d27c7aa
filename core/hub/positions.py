"""Where a position report says a unit is: metres or degrees in, checked city metres out.

A unit reports either `x`/`y` (metres in the city's frame) or `lat`/`lon` (WGS 84
degrees, when the city has a place on the earth). Either way the point must lie on the
city's map widened by `POSITION_MARGIN_M`: a report of 1e308, of a point on another
continent or of a latitude and longitude swapped is refused with a message naming the
field, before anything is recorded.

The hub keeps only what the check needs (name, bounds, reference), not the city: its
road graph would cost the long-running hub memory for nothing. Nothing heavy (numpy,
networkx) is imported until a city is given.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core.hub.protocol import ProtocolError

if TYPE_CHECKING:
    from core.city.model import City
    from core.store.city_row import CityOutline

FEATURE_LATLON = "position_latlon"
"""Listed in the hub's welcome when it accepts positions in latitude/longitude."""

NO_CITY_LIMIT_M = 1_000_000.0
"""Without a city to check against (a database that holds only units), positions must
still lie within this distance of the origin: no city is 1,000 km across."""


class PositionGate:
    """Turns a checked `position` message into city metres, or raises `ProtocolError`.

    Built once per hub from its city; the per-report work is a few comparisons (and,
    for degrees, one projection), so it stays off the hub's profile. `margin_m`: None
    is the city's `POSITION_MARGIN_M`.
    """

    def __init__(self, city: City | CityOutline | None, margin_m: float | None = None
                 ) -> None:
        self.reference = city.reference if city is not None else None
        self.name = city.name if city is not None else ""
        self._centre_latlon: tuple[float, float] | None = None
        if city is not None:
            from core.city.meta import POSITION_MARGIN_M

            margin = POSITION_MARGIN_M if margin_m is None else margin_m
            x0, y0, x1, y1 = city.bounds
            self._box = (x0 - margin, y0 - margin, x1 + margin, y1 + margin)
            self._where = (f"{city.name} (x {x0:.0f}..{x1:.0f}, y {y0:.0f}..{y1:.0f} m, "
                           f"with a margin of {margin / 1000:g} km)")
            if self.reference is not None:
                lat, lon = self.reference.to_latlon((x0 + x1) / 2.0, (y0 + y1) / 2.0)
                self._centre_latlon = (float(lat), float(lon))
        else:
            lim = NO_CITY_LIMIT_M
            self._box = (-lim, -lim, lim, lim)
            self._where = (f"the hub's reach (no city is stored: x and y within "
                           f"{lim / 1000:g} km of the origin)")

    @property
    def features(self) -> list[str]:
        """The optional protocol features this gate gives (for the welcome)."""
        return [FEATURE_LATLON] if self.reference is not None else []

    def local(self, data: dict[str, Any]) -> tuple[float, float]:
        """(x, y) in city metres of a schema-checked position message."""
        client_id = data.get("id")
        if "lat" in data:
            return self._from_latlon(data["lat"], data["lon"], client_id)
        try:
            x, y = float(data["x"]), float(data["y"])
        except OverflowError:  # an integer of hundreds of digits
            raise ProtocolError("position: x and y must be city coordinates in metres",
                                client_id=client_id) from None
        x0, y0, x1, y1 = self._box
        # `not (a <= v <= b)` is also true for NaN, and inf fails it: one test each.
        if not x0 <= x <= x1:
            raise ProtocolError(f"position.x: ({x:.6g}, {y:.6g}) m is outside {self._where}",
                                client_id=client_id)
        if not y0 <= y <= y1:
            raise ProtocolError(f"position.y: ({x:.6g}, {y:.6g}) m is outside {self._where}",
                                client_id=client_id)
        return x, y

    def _from_latlon(self, lat: Any, lon: Any, client_id: str | None) -> tuple[float, float]:
        if self.reference is None:
            raise ProtocolError("position.lat: this hub's city has no place on the earth; "
                                "report x and y in metres", client_id=client_id)
        lat, lon = float(lat), float(lon)  # the schema bounds them to -90..90, -180..180
        x, y = self.reference.to_local(lat, lon)
        x0, y0, x1, y1 = self._box
        if not (x0 <= x <= x1 and y0 <= y <= y1):  # NaN (far round the earth) fails too
            from core.locate import off_map_message

            assert self._centre_latlon is not None
            raise ProtocolError(
                f"position.lat/lon: {off_map_message(self.name, self._centre_latlon, lat, lon)}",
                client_id=client_id)
        return float(x), float(y)
