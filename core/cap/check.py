"""What the OASIS schema cannot check about a CAP 1.2 alert Beacon writes.

`check_cap(data, within=...)` first parses and validates the document against the
schema (`core.cap.parse.parse_cap`, which also refuses polygons that are open, have
fewer than four points or points off the globe), then checks what a schema cannot say:

- every `info` has a headline and a description (residents read them);
- `expires` comes after `onset` and after `sent` (an alert that has ended already
  would be published to no purpose, or a typo would make it vanish at once);
- each language appears once;
- an Update or Cancel names what it replaces (`references`), an Alert names nothing;
- with `within` (the city's latitude/longitude box), every polygon lies in it: a
  polygon written "lon,lat" still has numbers in range near the equator, so only the
  place tells that the order is wrong.

Every problem found is returned; `CapError` carries them all, one a line.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from core.cap.parse import CapAlert, CapError, parse_cap


@dataclass(frozen=True, slots=True)
class LatLonBox:
    """A latitude/longitude box (degrees), e.g. the city's bounds with a margin."""

    south: float
    west: float
    north: float
    east: float

    def contains(self, lat: float, lon: float) -> bool:
        """Whether (lat, lon) lies in the box."""
        return self.south <= lat <= self.north and self.west <= lon <= self.east


def cap_problems(alert: CapAlert, within: LatLonBox | None = None) -> list[str]:
    """What is wrong with a schema-valid alert beyond the schema (empty: nothing)."""
    problems: list[str] = []
    if alert.msg_type in ("Update", "Cancel") and not alert.references:
        problems.append(f"a {alert.msg_type} must name the messages it replaces "
                        "(references)")
    if alert.msg_type == "Alert" and alert.references:
        problems.append("an Alert replaces nothing: references must be empty")
    for lang, n in Counter(i.language for i in alert.infos).items():
        if n > 1:
            problems.append(f"language {lang} has {n} info blocks (one per language)")
    if not alert.infos:
        problems.append("no info block: residents would get nothing to read")
    for info in alert.infos:
        where = f"info {info.language}"
        if not info.headline:
            problems.append(f"{where}: the headline is missing")
        if not info.description:
            problems.append(f"{where}: the description is missing")
        if info.expires is not None:
            if info.onset is not None and info.expires <= info.onset:
                problems.append(f"{where}: expires {info.expires.isoformat()} is not after "
                                f"onset {info.onset.isoformat()}")
            if info.expires <= alert.sent:
                problems.append(f"{where}: expires {info.expires.isoformat()} is not after "
                                f"sent {alert.sent.isoformat()}")
        if not info.areas:
            problems.append(f"{where}: no area")
        for area in info.areas:
            if not area.polygons and not area.circles and not area.geocodes:
                problems.append(f"{where}: area {area.description!r} has no polygon, "
                                "circle or geocode")
            for polygon in area.polygons:
                if len(set(polygon)) < 3:
                    problems.append(f"{where}: a polygon of area {area.description!r} "
                                    "encloses nothing (fewer than 3 distinct points)")
                if within is not None:
                    outside = [p for p in polygon if not within.contains(*p)]
                    if outside:
                        lat, lon = outside[0]
                        swapped = within.contains(lon, lat)
                        problems.append(
                            f"{where}: polygon point {lat},{lon} of area "
                            f"{area.description!r} lies outside the city"
                            + (" (latitude and longitude are swapped: CAP writes "
                               "'lat,lon')" if swapped else ""))
    return problems


def check_cap(data: bytes, within: LatLonBox | None = None) -> CapAlert:
    """The alert, when it is valid against the OASIS CAP 1.2 schema and has none of
    `cap_problems`; otherwise `CapError` naming every problem."""
    alert = parse_cap(data)
    problems = cap_problems(alert, within)
    if problems:
        raise CapError("; ".join(problems))
    return alert
