"""Many map points in a few styles, changed one point at a time.

`StyleGroups` (console/map/style_groups.py) hands pyqtgraph every point of a style
whenever one of them changes; for units, which all move every second, that is right.
Incidents change one at a time (a call opens one, a unit closes another) while thousands
stay put, and pyqtgraph's `setData` costs ~1 ms per 1,000 points (~4 ms for a P1 group
of 2,500 and ~10 ms for 10,000, more on a busy machine). Here each style is drawn by
scatter items of at most `chunk` points each: a change re-sends one chunk, whatever the
number of points.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np
import pyqtgraph as pg

from console.map.style_groups import PointStyle
from console.map.tip_scatter import TipScatter

CHUNK_POINTS = 1_000


class _Chunk:
    """One scatter item and the points it draws (id -> (x, y), in insertion order)."""

    __slots__ = ("item", "points", "dirty")

    def __init__(self, item: TipScatter) -> None:
        self.item = item
        self.points: dict[str, tuple[float, float]] = {}
        self.dirty = False


class PointChunks:
    """Points in styles, each style drawn by chunks of at most `chunk` points.

    `put(id, x, y, style)` places or moves a point, `drop(id)` removes it; nothing is
    drawn until `flush()`, which re-sends only the chunks that changed. `setVisible` /
    `isVisible` show and hide the whole layer like a graphics item's.
    """

    def __init__(self, vb: pg.ViewBox, styles: Sequence[PointStyle], pen: Any,
                 tip: Callable[..., str] | None = None, chunk: int = CHUNK_POINTS) -> None:
        self._vb = vb
        self._styles = list(styles)
        self._pen = pen
        self._tip = tip
        self._chunk = chunk
        self._visible = True
        self._chunks: list[list[_Chunk]] = [[] for _ in self._styles]
        self._where: dict[str, tuple[int, _Chunk]] = {}  # id -> (style, chunk)
        self._arrays: tuple[list[str], np.ndarray] | None = None
        self.pushes = 0  # setData calls so far: tests see what a change re-sent

    # ------------------------------------------------------------------ changes

    def put(self, point_id: str, x: float, y: float, style: int) -> None:
        """Draw `point_id` at (x, y) in style number `style` (from the next flush)."""
        where = self._where.get(point_id)
        if where is not None:
            old_style, chunk = where
            if old_style == style:
                if chunk.points[point_id] != (x, y):
                    chunk.points[point_id] = (x, y)
                    chunk.dirty = True
                    self._arrays = None
                return
            self.drop(point_id)
        chunk = self._chunk_with_room(style)
        chunk.points[point_id] = (x, y)
        chunk.dirty = True
        self._where[point_id] = (style, chunk)
        self._arrays = None

    def drop(self, point_id: str) -> None:
        """Stop drawing `point_id` (no matter if it was not drawn)."""
        where = self._where.pop(point_id, None)
        if where is not None:
            chunk = where[1]
            del chunk.points[point_id]
            chunk.dirty = True
            self._arrays = None

    def clear(self) -> None:
        """Drop every point."""
        for point_id in list(self._where):
            self.drop(point_id)

    def flush(self) -> None:
        """Send the changed chunks to pyqtgraph."""
        for chunks in self._chunks:
            for chunk in chunks:
                if not chunk.dirty:
                    continue
                chunk.dirty = False
                n = len(chunk.points)
                xy = np.fromiter((c for p in chunk.points.values() for c in p),
                                 dtype=float, count=2 * n).reshape(n, 2)
                ids = np.empty(n, dtype=object)
                ids[:] = list(chunk.points)
                chunk.item.setData(x=xy[:, 0], y=xy[:, 1], data=ids)
                chunk.item.setVisible(self._visible and n > 0)
                self.pushes += 1

    def _chunk_with_room(self, style: int) -> _Chunk:
        chunks = self._chunks[style]
        for chunk in chunks:
            if len(chunk.points) < self._chunk:
                return chunk
        s = self._styles[style]
        item = TipScatter(pxMode=True, symbol=s.symbol, size=s.size, pen=self._pen,
                          brush=pg.mkBrush(s.colour), hoverable=self._tip is not None,
                          tip=self._tip)
        item.setZValue(s.z)
        item.setVisible(False)  # until it has points
        self._vb.addItem(item, ignoreBounds=True)
        chunk = _Chunk(item)
        chunks.append(chunk)
        return chunk

    # ------------------------------------------------------------------ looks

    def set_pen(self, pen: Any) -> None:
        """Outline every symbol with `pen` (a theme change)."""
        self._pen = pen
        for _, chunk in self._all():
            chunk.item.setPen(pen)

    def setVisible(self, visible: bool) -> None:  # noqa: N802 (like QGraphicsItem's)
        """Show or hide the layer: every chunk that has points."""
        self._visible = visible
        for _, chunk in self._all():
            chunk.item.setVisible(visible and bool(chunk.points))

    def isVisible(self) -> bool:  # noqa: N802 (like QGraphicsItem's)
        """Whether the layer is shown."""
        return self._visible

    # ------------------------------------------------------------------ reading

    def point(self, point_id: str) -> tuple[float, float] | None:
        """Where `point_id` is drawn (after the next flush, if just changed), or None."""
        where = self._where.get(point_id)
        return None if where is None else where[1].points[point_id]

    def __len__(self) -> int:
        return len(self._where)

    def arrays(self) -> tuple[list[str], np.ndarray]:
        """Every point's id and (x, y), as a list and an (n, 2) array (for hit tests);
        built again only after a change."""
        if self._arrays is None:
            ids = list(self._where)
            xy = np.array([self._where[i][1].points[i] for i in ids], dtype=float)
            self._arrays = ids, xy.reshape(len(ids), 2)
        return self._arrays

    def items(self) -> list[tuple[PointStyle, pg.ScatterPlotItem]]:
        """Each scatter item with the style it draws."""
        return [(self._styles[k], chunk.item) for k, chunk in self._all()]

    def styles_drawn(self) -> dict[PointStyle, int]:
        """Points per style (styles with none left out), for tests."""
        out: dict[PointStyle, int] = {}
        for k, chunk in self._all():
            if chunk.points:
                style = self._styles[k]
                out[style] = out.get(style, 0) + len(chunk.points)
        return out

    def _all(self) -> Iterator[tuple[int, _Chunk]]:
        for k, chunks in enumerate(self._chunks):
            for chunk in chunks:
                yield k, chunk
