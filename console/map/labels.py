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
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QTransform


class LabelLayer(pg.GraphicsObject):
    """Text at city points, drawn in screen pixels, shown from a given zoom on.

    `offset_px` moves every label by so many screen pixels (y down) from its point.
    `min_px_per_m` is the zoom (screen pixels per city metre) from which the labels are
    drawn; below it the layer paints nothing.
    """

    def __init__(self, bounds: tuple[float, float, float, float], min_px_per_m: float,
                 point_size: float = 9.0, bold: bool = False,
                 offset_px: tuple[float, float] = (0.0, 0.0), declutter: bool = False,
                 max_drawn: int = 150) -> None:
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
        self._widths: dict[str, int] = {}
        self._version = 0  # bumped with each set_labels: the placement is redone
        self._placed_key: tuple[float, ...] | None = None
        self._placed: list[tuple[QRectF, str]] = []
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
        self._xy = np.empty((len(self._labels), 2))
        self._xy[:, 0] = [label[0] for label in self._labels]
        self._xy[:, 1] = [label[1] for label in self._labels]
        self._version += 1
        self.update()

    def insert(self, k: int, x: float, y: float, text: str) -> None:
        """Put a label in at position `k` of the order (a new or moved point): cheaper
        than `set_labels` when one label of thousands changes."""
        self._labels.insert(k, (x, y, text))
        self._xy = np.insert(self._xy, k, (x, y), axis=0)
        self._version += 1
        self.update()

    def remove(self, k: int) -> None:
        """Take out the label at position `k` of the order."""
        del self._labels[k]
        self._xy = np.delete(self._xy, k, axis=0)
        self._version += 1
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

    def _paint_decluttered(self, p: QPainter, t: QTransform, view: QRectF,
                           fm: QFontMetrics, h: int) -> None:
        key = (t.m11(), t.m12(), t.m21(), t.m22(), t.dx(), t.dy(), self._version)
        if key != self._placed_key:  # placed again only when the view or labels change
            self._placed_key, self._placed = key, self._place(t, view, fm, h)
        p.setPen(self._text)
        for box, text in self._placed:
            p.fillRect(box, self._halo)
            p.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
        self.drawn_last = len(self._placed)

    def _place(self, t: QTransform, view: QRectF, fm: QFontMetrics,
               h: int) -> list[tuple[QRectF, str]]:
        # Which labels are in view and where on screen, in numpy steps, not per label.
        placed: list[tuple[QRectF, str]] = []
        xy = self._xy
        inside = np.flatnonzero((xy[:, 0] >= view.left()) & (xy[:, 0] <= view.right())
                                & (xy[:, 1] >= view.top()) & (xy[:, 1] <= view.bottom()))
        # Look at a bounded number of candidates: the first ones given matter most.
        inside = inside[: self._max_drawn * 2]
        if not len(inside):
            return placed
        pts = xy[inside]
        sx = (t.m11() * pts[:, 0] + t.m21() * pts[:, 1] + t.dx() + self._dx).tolist()
        sy = (t.m12() * pts[:, 0] + t.m22() * pts[:, 1] + t.dy() + self._dy).tolist()
        # Overlap on a grid of cells a label height tall: a label is drawn only where
        # none of its cells is taken (close enough to the boxes, and cheap).
        cell_w, cell_h = 40.0, float(h + 2)
        taken: set[tuple[int, int]] = set()
        widths = self._widths
        for j, k in enumerate(inside.tolist()):
            text = self._labels[k][2]
            w = widths.get(text)
            if w is None:  # few distinct texts (priority x type): measure each once
                w = widths[text] = fm.horizontalAdvance(text)
            left, top = sx[j] - w / 2 - 3, sy[j] - h / 2 - 1
            cells = [(cx, cy)
                     for cx in range(int(left // cell_w), int((left + w + 6) // cell_w) + 1)
                     for cy in range(int(top // cell_h), int((top + h + 2) // cell_h) + 1)]
            if any(cell in taken for cell in cells):
                continue
            taken.update(cells)
            placed.append((QRectF(left, top, w + 6, h + 2), text))
            if len(placed) >= self._max_drawn:
                break
        return placed
