"""Many map points in a few styles, drawn fast: one scatter item per style.

pyqtgraph draws a `ScatterPlotItem` from a pre-rendered symbol atlas, but with a brush
or pen per point it keys (and at first renders) every point's symbol separately: ~0.6 s
for 11,000 points. Here every style (symbol, size, fill) gets an item of its own with one
pen and one brush, and is given only numpy x / y arrays, and only when its points moved.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyqtgraph as pg

from console.map.tip_scatter import TipScatter


@dataclass(frozen=True, slots=True)
class PointStyle:
    """How one group of points is drawn; `z` orders the groups (higher on top)."""

    symbol: str
    size: float
    colour: str
    z: float


class StyleGroups:
    """Points drawn as one `ScatterPlotItem` per style, added to a view box.

    `set_points` takes every point at once (x, y, id and style number as arrays) and
    updates only the groups whose points changed. `setVisible` / `isVisible` show and
    hide the whole layer, like a graphics item's; a group with no points stays hidden
    (every scatter item costs a little at each paint, points or not).
    """

    def __init__(self, vb: pg.ViewBox, styles: Sequence[PointStyle], pen: Any,
                 tip: Callable[..., str] | None = None) -> None:
        self._styles = list(styles)
        self._visible = True
        self.items: list[pg.ScatterPlotItem] = []
        self._last: list[tuple[np.ndarray, ...] | None] = [None] * len(self._styles)
        for style in self._styles:
            item = TipScatter(pxMode=True, symbol=style.symbol, size=style.size,
                              pen=pen, brush=pg.mkBrush(style.colour),
                              hoverable=tip is not None, tip=tip)
            item.setZValue(style.z)
            item.setVisible(False)  # until it has points
            vb.addItem(item, ignoreBounds=True)
            self.items.append(item)

    def set_pen(self, pen: Any) -> None:
        """Outline every symbol with `pen` (a theme change)."""
        for item in self.items:
            item.setPen(pen)

    def setVisible(self, visible: bool) -> None:  # noqa: N802 (like QGraphicsItem's)
        """Show or hide the layer: every group that has points."""
        self._visible = visible
        for item, n in zip(self.items, self.counts(), strict=True):
            item.setVisible(visible and n > 0)

    def isVisible(self) -> bool:  # noqa: N802 (like QGraphicsItem's)
        """Whether the layer is shown."""
        return self._visible

    def set_points(self, x: np.ndarray, y: np.ndarray, ids: Sequence[str],
                   style: np.ndarray) -> None:
        """Draw point k at (x[k], y[k]) in style number style[k]; ids go to hover tips."""
        order = np.argsort(style, kind="stable")
        bounds = np.searchsorted(style[order], np.arange(len(self._styles) + 1))
        id_array = np.asarray(ids, dtype=object)
        for k, item in enumerate(self.items):
            idx = order[bounds[k]:bounds[k + 1]]
            new = (x[idx], y[idx], id_array[idx])
            last = self._last[k]
            if last is not None and all(np.array_equal(a, b) for a, b in zip(last, new,
                                                                             strict=True)):
                continue  # nothing of this group changed: pyqtgraph keeps what it drew
            self._last[k] = new
            item.setData(x=new[0], y=new[1], data=new[2])
            item.setVisible(self._visible and len(idx) > 0)

    def counts(self) -> list[int]:
        """How many points each group draws."""
        return [0 if last is None else len(last[0]) for last in self._last]

    def styles_drawn(self) -> dict[PointStyle, int]:
        """Points drawn per style (styles with none left out), for tests."""
        return {s: n for s, n in zip(self._styles, self.counts(), strict=True) if n}
