"""A camera as the rest of Beacon sees it (the map, the video wall, `camera list`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Camera:
    """One camera of the registry.

    `url` is MASKED: any credential (user and password, a token in the query) reads
    `***`. Only the tile's player asks for the real one (`core.cameras.query.stream_url`).
    `x`, `y` are city metres; `cell` the grid cell there (None outside every cell).
    `heading_deg` (0 = north, clockwise) and `fov_deg` say what it looks at, if known.
    """

    camera_id: str
    name: str
    x: float
    y: float
    cell: str | None
    url: str
    agency: str
    enabled: bool
    heading_deg: float | None
    fov_deg: float | None
