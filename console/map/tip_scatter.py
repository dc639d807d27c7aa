"""A scatter layer whose hover tip leaves other layers' tips alone.

pyqtgraph's `ScatterPlotItem(tip=...)` writes its tip on the view box while the cursor
is over one of its points and clears the view box's tooltip when the cursor leaves them,
whatever set it. Every scatter spans the map, so every layer sees every hover: moving
from a unit onto a camera, the units' layer could clear the camera's name just written
(the order depends on which item Qt asks first). `TipScatter` clears only a tip it set
itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pyqtgraph as pg

MAX_POINTS_IN_TIP = 3  # as pyqtgraph: a few points, then "(N others...)"


class TipScatter(pg.ScatterPlotItem):
    """`pg.ScatterPlotItem` with `tip(x=, y=, data=) -> str` shown while hovered."""

    def __init__(self, *args: Any, tip: Callable[..., str] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, tip=None, **kwargs)
        self._tip_fn = tip
        self._shown = ""  # the tip this layer wrote on the view box, if still there

    def hoverEvent(self, ev: Any) -> None:  # noqa: N802 (Qt's name)
        super().hoverEvent(ev)  # hover styles; it writes no tip (tip=None)
        vb = self.getViewBox()
        if vb is None or self._tip_fn is None or not self.opts["hoverable"]:
            return
        if ev.exit:
            mask = np.zeros(len(self.data), dtype=bool)
        else:
            mask = self._maskAt(ev.pos())
        points = self.points()[mask][::-1]
        if len(points):
            tips = [self._tip_fn(x=p.pos().x(), y=p.pos().y(), data=p.data())
                    for p in points[:MAX_POINTS_IN_TIP]]
            if len(points) > MAX_POINTS_IN_TIP:
                tips.append(f"({len(points) - MAX_POINTS_IN_TIP} others...)")
            self._shown = "\n\n".join(tips)
            vb.setToolTip(self._shown)
        elif self._shown:
            if vb.toolTip() == self._shown:  # still ours: nobody else wrote since
                vb.setToolTip("")
            self._shown = ""
