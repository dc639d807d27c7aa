"""The map's open incidents: a point in its priority's style and a short label each.

A call, a status change or a new priority touches one incident, while thousands stay as
they were; redrawing all of them (~30 ms of the GUI thread at 10,000 open incidents,
twice that on a busy machine) for each would stall the console in a busy hour. So the
layer keeps what it drew, and `update` looks again at only the incidents it is told
changed: their points (`PointChunks`, chunk by chunk) and their place in the labels'
order of urgency (kept sorted, never sorted again).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

import numpy as np
import pyqtgraph as pg

from console.map.labels import LabelLayer
from console.map.live_styles import INCIDENT_STYLES, incident_style_index
from console.map.point_chunks import PointChunks
from core.domain.lifecycle import OPEN_INCIDENT_STATUSES

# More changes than this in one update: the labels are handed over in one go.
BULK_LABELS = 50

# (priority, call time, id): the most urgent first, then the longest waiting.
_UrgencyKey = tuple[int, datetime, str]


class IncidentLayer:
    """Open incidents on the map, updated incident by incident.

    `label(priority, type)` writes an incident's label (asked once per kind until
    `relabel`); `tip(x=, y=, data=)` its hover tip.
    """

    def __init__(self, vb: pg.ViewBox, bounds: tuple[float, float, float, float],
                 pen: Any, label: Callable[[int, str], str],
                 tip: Callable[..., str]) -> None:
        self._label = label
        self.points = PointChunks(vb, INCIDENT_STYLES, pen, tip=tip)
        # What an incident is, written next to it at every zoom: where labels would
        # overlap, the most urgent incidents keep theirs (labels are given P1 first).
        self.labels = LabelLayer(bounds, 0.0, point_size=8.5, bold=True,
                                 offset_px=(0.0, -16.0), declutter=True)
        self.labels.setZValue(21)
        vb.addItem(self.labels, ignoreBounds=True)
        self._order: list[_UrgencyKey] = []
        self._key: dict[str, _UrgencyKey] = {}
        self._text: dict[str, tuple[float, float, str]] = {}
        self._texts: dict[tuple[int, str], str] = {}
        self._bulk = False  # labels given all at once at the end of this update

    def update(self, incidents: dict[str, Any], changed: Iterable[str] | None = None) -> None:
        """Draw again the incidents in `changed` (ids; an id no longer open is taken
        off), or every incident when `changed` is None."""
        # Labels move one by one (a list insert each); a full redraw or a large batch
        # hands the label layer the whole order once instead.
        if changed is None:
            self.points.clear()
            self._order, self._key, self._text = [], {}, {}
            changed = list(incidents)
            self._bulk = True
        else:
            changed = list(changed)
            self._bulk = len(changed) > BULK_LABELS
        for incident_id in changed:
            incident = incidents.get(incident_id)
            if incident is None or incident.status not in OPEN_INCIDENT_STATUSES:
                self._drop(incident_id)
            else:
                self._put(incident)
        self.points.flush()
        if self._bulk:
            self._order = sorted(self._key.values())
            self.labels.set_labels([self._text[key[2]] for key in self._order])
            self._bulk = False

    def relabel(self, incidents: dict[str, Any]) -> None:
        """Write every label again if the language changed their words."""
        texts = {kind: self._label(*kind) for kind in self._texts}
        if texts == self._texts:
            return
        self._texts.clear()
        self.update(incidents)

    def _put(self, incident: Any) -> None:
        iid = incident.id
        self.points.put(iid, incident.x, incident.y, incident_style_index(incident.priority))
        key = (incident.priority, incident.created_at, iid)
        text = self._texts.get((incident.priority, incident.type))
        if text is None:
            text = self._texts[(incident.priority, incident.type)] = self._label(
                incident.priority, incident.type)
        label = (incident.x, incident.y, text)
        if self._key.get(iid) == key and self._text.get(iid) == label:
            return
        self._drop_label(iid)
        self._key[iid], self._text[iid] = key, label
        if not self._bulk:  # else the order is sorted once at the end of the update
            k = bisect_left(self._order, key)
            self._order.insert(k, key)
            self.labels.insert(k, *label)

    def _drop(self, incident_id: str) -> None:
        self.points.drop(incident_id)
        self._drop_label(incident_id)

    def _drop_label(self, incident_id: str) -> None:
        key = self._key.pop(incident_id, None)
        if key is None:
            return
        del self._text[incident_id]
        if not self._bulk:
            k = bisect_left(self._order, key)
            del self._order[k]
            self.labels.remove(k)

    # ------------------------------------------------------------------ reading

    def point(self, incident_id: str) -> tuple[float, float] | None:
        """Where an open incident is drawn (city metres), or None."""
        return self.points.point(incident_id)

    def ids(self) -> list[str]:
        """The ids of the incidents drawn."""
        return self.points.arrays()[0]

    def arrays(self) -> tuple[list[str], np.ndarray]:
        """Ids and an (n, 2) array of points, for hit tests."""
        return self.points.arrays()

    def __len__(self) -> int:
        return len(self.points)
