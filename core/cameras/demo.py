"""The demo city's cameras: at junctions of main roads, along them and at stations.

Each plays `demo://<camera id>`, which the video wall's demo stream service resolves to
a local test clip on 127.0.0.1. A city imported from a map gets no cameras: a centre
adds its own (`beacon camera add` / `import`).
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import numpy as np

from core.auth import SYSTEM, Actor
from core.city.model import City
from core.commands.cameras import ImportCameras, camera_payload
from core.service import CommandService

MAIN_ROADS = ("arterial", "collector")
DEMO_COUNTS = {"junction": 16, "road": 14, "station": 10}  # 40 on the full demo city
MIN_SPACING_M = 250.0
# Roads along the city's edge are where farthest-point sampling goes first, and where
# nothing happens: candidates this share of the city's span from its edge are left out.
EDGE_SHARE = 0.06


def _spread(points: list[tuple[float, float, Any]], count: int,
            also_avoid: list[tuple[float, float]]) -> list[tuple[float, float, Any]]:
    """Up to `count` of `points`, each as far as possible from those already taken
    (greedy farthest-point, deterministic), none closer than MIN_SPACING_M."""
    if not points or count <= 0:
        return []
    xy = np.array([(p[0], p[1]) for p in points], dtype=float)
    taken: list[int] = []
    if also_avoid:
        avoid = np.array(also_avoid, dtype=float)
        dist = np.min(np.hypot(xy[:, None, 0] - avoid[None, :, 0],
                               xy[:, None, 1] - avoid[None, :, 1]), axis=1)
    else:  # start at the point nearest the middle
        first = int(np.argmin(np.hypot(xy[:, 0] - xy[:, 0].mean(), xy[:, 1] - xy[:, 1].mean())))
        taken.append(first)
        dist = np.hypot(xy[:, 0] - xy[first, 0], xy[:, 1] - xy[first, 1])
    while len(taken) < count:
        best = int(np.argmax(dist))
        if dist[best] <= MIN_SPACING_M:
            break
        taken.append(best)
        dist = np.minimum(dist, np.hypot(xy[:, 0] - xy[best, 0], xy[:, 1] - xy[best, 1]))
    return [points[i] for i in taken]


def _bearing(dx: float, dy: float) -> float:
    """Degrees clockwise from north (y grows northwards in city metres)."""
    return round(math.degrees(math.atan2(dx, dy)) % 360.0, 1)


def demo_cameras(city: City) -> list[dict[str, Any]]:
    """The demo's cameras for `city` (plain dicts as `camera_payload` reads them)."""
    g = city.roads
    roads_at: dict[int, set[str]] = {}
    segments: list[tuple[float, float, Any]] = []
    for u, v, d in g.edges(data=True):
        if d.get("road_class") not in MAIN_ROADS or not d.get("road"):
            continue
        roads_at.setdefault(u, set()).add(d["road"])
        roads_at.setdefault(v, set()).add(d["road"])
        (ux, uy), (vx, vy) = city.node_xy(u), city.node_xy(v)
        segments.append(((ux + vx) / 2, (uy + vy) / 2,
                         (d["road"], _bearing(vx - ux, vy - uy))))
    x0, y0, x1, y1 = city.bounds
    margin = EDGE_SHARE * max(x1 - x0, y1 - y0)

    def inside(x: float, y: float) -> bool:
        return x0 + margin <= x <= x1 - margin and y0 + margin <= y <= y1 - margin

    segments = [s for s in segments if inside(s[0], s[1])]
    junctions = [(*city.node_xy(n), tuple(sorted(names))[:2])
                 for n, names in sorted(roads_at.items())
                 if len(names) >= 2 and inside(*city.node_xy(n))]
    junctions.sort(key=lambda p: (p[0], p[1]))
    segments.sort(key=lambda p: (p[0], p[1]))
    chosen_j = _spread(junctions, DEMO_COUNTS["junction"], [])
    placed = [p[:2] for p in chosen_j]
    chosen_r = _spread(segments, DEMO_COUNTS["road"], placed)
    placed += [p[:2] for p in chosen_r]
    stations = [(s.x, s.y, (s.name, s.agency.value))
                for s in sorted(city.stations, key=lambda s: s.code)]
    chosen_s = _spread(stations, DEMO_COUNTS["station"], placed)
    cameras: list[dict[str, Any]] = []

    def add(x: float, y: float, name: str, agency: str, heading: float | None) -> None:
        camera_id = f"CAM-{len(cameras) + 1:03d}"
        cell = city.cell_at(x, y)
        cameras.append({"camera_id": camera_id, "name": name[:120], "x": round(x, 1),
                        "y": round(y, 1), "cell": cell.code if cell else None,
                        "url": f"demo://{camera_id}", "agency": agency,
                        "heading_deg": heading, "fov_deg": 90.0 if heading is not None
                        else None})

    for x, y, (a, b) in chosen_j:
        add(x, y, f"{a} / {b}", "traffic", None)
    # A road with several cameras numbers them, so each name on the map is its own.
    per_road = Counter(road for _, _, (road, _) in chosen_r)
    seen: Counter[str] = Counter()
    for x, y, (road, bearing) in chosen_r:
        seen[road] += 1
        add(x, y, f"{road} {seen[road]}" if per_road[road] > 1 else road, "traffic", bearing)
    for x, y, (name, agency) in chosen_s:
        add(x, y, name, agency, None)
    return [camera_payload(c) for c in cameras]


def seed_demo_cameras(service: CommandService, city: City, actor: Actor = SYSTEM) -> int:
    """Record the demo's cameras in one event; returns how many."""
    cameras = demo_cameras(city)
    if cameras:
        service.execute(ImportCameras(tuple(cameras), source="demo"), actor)
    return len(cameras)
