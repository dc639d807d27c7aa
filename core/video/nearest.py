"""The cameras nearest a point: straight-line distance in the city's local metres."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Protocol, TypeVar

DEFAULT_RADIUS_M = 1500.0


class Placed(Protocol):
    """Anything with a position in local metres and an id."""

    camera_id: str
    x: float
    y: float


T = TypeVar("T", bound=Placed)


def nearest(cameras: Iterable[T], x: float, y: float, *, radius_m: float = DEFAULT_RADIUS_M,
            limit: int | None = None, exclude: Iterable[str] = ()) -> list[tuple[T, float]]:
    """Cameras within `radius_m` of (x, y), nearest first, as (camera, metres).

    Ties are broken by camera id so the same selection always fills the wall the same way.
    """
    skip = set(exclude)
    found = []
    for cam in cameras:
        if cam.camera_id in skip:
            continue
        d = math.hypot(cam.x - x, cam.y - y)
        if d <= radius_m:
            found.append((cam, d))
    found.sort(key=lambda pair: (pair[1], pair[0].camera_id))
    return found if limit is None else found[:limit]
