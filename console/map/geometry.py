"""Arrays the map draws, built once from the city: road segments per class, cell outlines.

No Qt here: plain numpy, so building them is easy to test and to time. Segments come as
flat x/y arrays in "pairs" order (start, end, start, end, ...), which pyqtgraph draws as
one path of separate lines.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np


class CellLike(Protocol):
    """What the map needs of a grid cell."""

    code: str
    name: str
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True, slots=True)
class Segments:
    """Line segments in pairs order."""

    x: np.ndarray
    y: np.ndarray

    @property
    def count(self) -> int:
        """How many segments."""
        return len(self.x) // 2


def road_segments(roads: Any, classes: Iterable[str]) -> dict[str, Segments]:
    """One `Segments` per road class; a two-way street is drawn once, not twice.

    `roads` is a networkx DiGraph whose nodes have `x`, `y` and whose edges have
    `road_class`. Edges of a class not in `classes` are drawn with the last class.
    """
    classes = tuple(classes)
    known = set(classes)
    xy = {n: (d["x"], d["y"]) for n, d in roads.nodes(data=True)}
    buckets: dict[str, list[tuple[float, float, float, float]]] = {c: [] for c in classes}
    for u, v, d in roads.edges(data=True):
        # A two-way street is two directed edges: keep the one with the smaller start.
        if u > v and roads.has_edge(v, u):
            continue
        cls = d.get("road_class")
        (x0, y0), (x1, y1) = xy[u], xy[v]
        buckets[cls if cls in known else classes[-1]].append((x0, y0, x1, y1))
    out: dict[str, Segments] = {}
    for cls, rows in buckets.items():
        a = np.asarray(rows, dtype=np.float64).reshape(-1, 4)
        out[cls] = Segments(np.ascontiguousarray(a[:, [0, 2]].ravel()),
                            np.ascontiguousarray(a[:, [1, 3]].ravel()))
    return out


def cell_outlines(cells: Iterable[CellLike]) -> Segments:
    """The sides of every cell as segments; a side two cells share is drawn once.

    (Drawn twice, a dashed side would show the two dash patterns on top of each other.)
    """
    seen: set[tuple[float, float, float, float]] = set()
    rows = []
    for c in cells:
        for side in ((c.x0, c.y0, c.x1, c.y0), (c.x1, c.y0, c.x1, c.y1),
                     (c.x0, c.y1, c.x1, c.y1), (c.x0, c.y0, c.x0, c.y1)):
            key = tuple(round(v, 3) for v in side)
            if key not in seen:
                seen.add(key)
                rows.append(side)
    a = np.asarray(rows, dtype=np.float64).reshape(-1, 4)
    return Segments(np.ascontiguousarray(a[:, [0, 2]].ravel()),
                    np.ascontiguousarray(a[:, [1, 3]].ravel()))


def within(xs: np.ndarray, ys: np.ndarray, x: float, y: float,
           max_distance: float) -> list[int]:
    """Indexes of the points within `max_distance` of (x, y), nearest first."""
    if len(xs) == 0:
        return []
    d2 = (xs - x) ** 2 + (ys - y) ** 2
    hits = np.flatnonzero(d2 <= max_distance * max_distance)
    return [int(k) for k in hits[np.argsort(d2[hits], kind="stable")]]


def zoom_box(points: Iterable[tuple[float, float]], min_span: float,
             margin: float = 0.2) -> tuple[float, float, float, float]:
    """(x0, x1, y0, y1): the box around `points` with `margin` of its size added on each
    side (so nothing sits on the map's edge), at least `min_span` wide and tall."""
    pts = list(points)
    if not pts:
        raise ValueError("zoom_box needs at least one point")
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    w = max((max(xs) - min(xs)) * (1 + 2 * margin), min_span)
    h = max((max(ys) - min(ys)) * (1 + 2 * margin), min_span)
    return cx - w / 2, cx + w / 2, cy - h / 2, cy + h / 2
