"""Many map labels drawn by one graphics item, with level of detail.

Hundreds of `TextItem`s each follow every pan and zoom step; one item that paints only the
labels inside the view, and none at all when zoomed out too far to read them, keeps
panning smooth.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter


class LabelLayer(pg.GraphicsObject):
    """Text at city points, drawn in screen pixels, shown from a given zoom on.

    `offset_px` moves every label by so many screen pixels (y down) from its point.
    `min_px_per_m` is the zoom (screen pixels per city metre) from which the labels are
    drawn; below it the layer paints nothing.
    """

    def __init__(self, bounds: tuple[float, float, float, float], min_px_per_m: float,
                 point_size: float = 9.0, bold: bool = False,
                 offset_px: tuple[float, float] = (0.0, 0.0), declutter: bool = False,
                 max_drawn: int = 300) -> None:
        super().__init__()
        # With `declutter`, a label that would overlap one already drawn is left out, in
        # the order the labels were given (put the ones that matter most first), and at
        # most `max_drawn` are drawn: readable at any zoom, and cheap with 10,000 points.
        self._declutter = declutter
        self._max_drawn = max_drawn
        # Screen offset of each label from its point, e.g. below a symbol, never on it.
        self._dx, self._dy = offset_px
        x0, y0, x1, y1 = bounds
        self._bounds = QRectF(x0, y0, max(x1 - x0, 1.0), max(y1 - y0, 1.0))
        self._labels: list[tuple[float, float, str]] = []
        self._xy = np.empty((0, 2))
        self.min_px_per_m = min_px_per_m
        self._font = QFont()
        self._font.setPointSizeF(point_size)
        self._font.setBold(bold)
        self._metrics = QFontMetrics(self._font)
        self._text = QColor("#000000")
        self._halo = QColor(255, 255, 255, 190)
        self.drawn_last = 0  # labels painted by the last paint(); tests and benchmarks read it

    def set_labels(self, labels: Sequence[tuple[float, float, str]]) -> None:
        """Replace the labels: (x, y, text) in city metres."""
        self._labels = list(labels)
        self._xy = np.array([(x, y) for x, y, _ in self._labels], dtype=float).reshape(-1, 2)
        self.update()

    def texts(self) -> list[str]:
        """The labels' texts, in the order given."""
        return [text for _, _, text in self._labels]

    def set_colours(self, text: str, halo: str) -> None:
        """Text colour and the colour of the box behind each label."""
        # pg.mkColor reads "#rrggbbaa"; QColor would read it as "#aarrggbb".
        self._text, self._halo = pg.mkColor(text), pg.mkColor(halo)
        self.update()

    def shown_at(self, px_per_m: float) -> bool:
        """Whether labels are drawn at this zoom."""
        return px_per_m >= self.min_px_per_m

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt API)
        return self._bounds.adjusted(-500, -500, 500, 500)

    def paint(self, p: QPainter, *args: object) -> None:
        self.drawn_last = 0
        t = p.transform()
        px_per_m = abs(t.m11()) + abs(t.m12())
        if not self._labels or not self.shown_at(px_per_m):
            return
        vb = self.getViewBox()
        view = vb.viewRect() if vb is not None else self._bounds
        p.save()
        p.resetTransform()
        p.setFont(self._font)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        fm = self._metrics
        h = fm.height()
        if self._declutter:
            self._paint_decluttered(p, t, view, fm, h)
            p.restore()
            return
        for x, y, text in self._labels:
            if not view.contains(x, y):
                continue
            c = t.map(QPointF(x, y)) + QPointF(self._dx, self._dy)
            w = fm.horizontalAdvance(text)
            box = QRectF(c.x() - w / 2 - 3, c.y() - h / 2 - 1, w + 6, h + 2)
            p.fillRect(box, self._halo)
            p.setPen(self._text)
            p.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
            self.drawn_last += 1
        p.restore()

    def _paint_decluttered(self, p: QPainter, t: object, view: QRectF, fm: QFontMetrics,
                           h: int) -> None:
        # Which labels are in view, in one numpy step rather than a Python loop.
        xy = self._xy
        inside = np.flatnonzero((xy[:, 0] >= view.left()) & (xy[:, 0] <= view.right())
                                & (xy[:, 1] >= view.top()) & (xy[:, 1] <= view.bottom()))
        taken: dict[tuple[int, int], list[QRectF]] = {}
        cell_w, cell_h = 80.0, float(h + 2)
        # Look at a bounded number of candidates: the first ones given matter most.
        for k in inside[: self._max_drawn * 5]:
            x, y, text = self._labels[int(k)]
            c = t.map(QPointF(x, y)) + QPointF(self._dx, self._dy)  # type: ignore[attr-defined]
            w = fm.horizontalAdvance(text)
            box = QRectF(c.x() - w / 2 - 3, c.y() - h / 2 - 1, w + 6, h + 2)
            cells = [(cx, cy)
                     for cx in range(int(box.left() // cell_w), int(box.right() // cell_w) + 1)
                     for cy in range(int(box.top() // cell_h), int(box.bottom() // cell_h) + 1)]
            if any(box.intersects(other) for cell in cells for other in taken.get(cell, ())):
                continue
            for cell in cells:
                taken.setdefault(cell, []).append(box)
            p.fillRect(box, self._halo)
            p.setPen(self._text)
            p.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
            self.drawn_last += 1
            if self.drawn_last >= self._max_drawn:
                break
