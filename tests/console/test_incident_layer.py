"""The map's incident layer, updated incident by incident, draws what a full redraw would."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pyqtgraph as pg
import pytest

from console.map.incident_layer import IncidentLayer
from console.map.live_styles import INCIDENT_STYLES, incident_style_index
from console.map.point_chunks import CHUNK_POINTS
from core.commands import ChangeIncidentStatus, ChangePriority
from core.domain.lifecycle import OPEN_INCIDENT_STATUSES, IncidentStatus
from core.domain.model import Incident

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def label(priority: int, kind: str) -> str:
    return f"P{priority} {kind}"


def tip(x: float, y: float, data: str) -> str:
    return data


@pytest.fixture
def plot(qtbot) -> pg.PlotWidget:  # noqa: ANN001
    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    return widget


def layer_on(plot: pg.PlotWidget) -> IncidentLayer:
    return IncidentLayer(plot.getPlotItem().getViewBox(), (0, 0, 1000, 1000),
                         pg.mkPen("k"), label, tip)


def drawn(layer: IncidentLayer) -> tuple:
    """Everything the layer shows: labels in order, points per style, each point."""
    ids, xy = layer.arrays()
    points = sorted(zip(ids, map(tuple, xy.tolist()), strict=True))
    per_item = sorted((style.z, tuple(item.data["data"]))
                      for style, item in layer.points.items() if len(item.data))
    flat = sorted(i for _, chunk_ids in per_item for i in chunk_ids)
    return layer.labels.texts(), layer.points.styles_drawn(), points, flat


def incidents(n: int, rng: random.Random) -> dict[str, Incident]:
    out = {}
    for k in range(n):
        iid = f"INC-{k:05d}"
        out[iid] = Incident(iid, rng.choice(["medical", "fall", "smoke"]),
                            rng.randint(1, 4), IncidentStatus.NEW,
                            rng.uniform(0, 1000), rng.uniform(0, 1000), "Somewhere", None,
                            T0 + timedelta(seconds=rng.randrange(3600)))
    return out


def test_one_by_one_equals_a_full_redraw(plot: pg.PlotWidget) -> None:
    """Calls open, close, move and change priority in a random order; after each batch
    the incremental layer shows exactly what a layer drawn from scratch shows."""
    rng = random.Random(7)
    state = incidents(2 * CHUNK_POINTS + 50, rng)
    live, fresh = layer_on(plot), layer_on(plot)
    live.update(state)
    next_id = len(state)
    for _ in range(30):
        changed = set()
        for _ in range(rng.choice([1, 3, 10, 25, 60])):  # 60: past BULK_LABELS
            action = rng.random()
            iid = rng.choice(list(state))
            if action < 0.3:  # a new call
                iid = f"INC-{next_id:05d}"
                next_id += 1
                state[iid] = replace(next(iter(state.values())), id=iid,
                                     priority=rng.randint(1, 4), x=rng.uniform(0, 1000),
                                     created_at=T0 + timedelta(seconds=rng.randrange(3600)))
            elif action < 0.55:
                state[iid] = replace(state[iid], status=rng.choice(list(IncidentStatus)))
            elif action < 0.8:
                state[iid] = replace(state[iid], priority=rng.randint(1, 5))
            else:
                state[iid] = replace(state[iid], x=rng.uniform(0, 1000))
            changed.add(iid)
        live.update(state, changed)
        fresh.update(state)
        assert drawn(live) == drawn(fresh)
    open_ids = {i for i, inc in state.items() if inc.status in OPEN_INCIDENT_STATUSES}
    assert set(live.ids()) == open_ids and len(live) == len(open_ids)
    # Labels most urgent first, then longest waiting.
    order = sorted((state[i] for i in open_ids), key=lambda i: (i.priority, i.created_at, i.id))
    assert live.labels.texts() == [label(i.priority, i.type) for i in order]


def test_a_change_resends_one_chunk(plot: pg.PlotWidget) -> None:
    """With thousands of incidents drawn, a new call re-sends one chunk of at most
    CHUNK_POINTS points to pyqtgraph, not its whole priority."""
    rng = random.Random(3)
    state = incidents(5_000, rng)
    layer = layer_on(plot)
    layer.update(state)
    before = layer.points.pushes
    new = replace(state["INC-00000"], id="NEW-1", priority=1)
    state["NEW-1"] = new
    layer.update(state, {"NEW-1"})
    assert layer.points.pushes == before + 1
    assert all(len(item.data) <= CHUNK_POINTS for _, item in layer.points.items())
    assert layer.point("NEW-1") == (new.x, new.y)
    state["NEW-1"] = replace(new, status=IncidentStatus.RESOLVED)
    layer.update(state, {"NEW-1"})
    assert layer.point("NEW-1") is None and layer.points.pushes == before + 2
    assert "NEW-1" not in layer.ids()


def test_map_follows_commands(qtbot, centre, bridge, selection) -> None:  # noqa: ANN001
    """On the real map: a priority change moves the incident to its new style, a close
    takes it off, each with a redraw of its own chunks only."""
    from console.map_view import MapView

    view = MapView(centre, bridge, selection)
    qtbot.addWidget(view)
    state = centre.live.state
    iid = next(i.id for i in state.incidents.values() if i.status in OPEN_INCIDENT_STATUSES)
    new_priority = 4 if state.incidents[iid].priority != 4 else 2
    pushes = view._incidents.points.pushes
    centre.service.execute(ChangePriority(iid, new_priority), centre.actor)
    style = INCIDENT_STYLES[incident_style_index(new_priority)]
    qtbot.waitUntil(lambda: any(style == s and iid in item.data["data"]
                                for s, item in view._incidents.points.items()))
    assert view._incidents.points.pushes - pushes == 2  # out of one chunk, into another
    centre.service.execute(ChangeIncidentStatus(iid, IncidentStatus.CANCELLED, "test"),
                           centre.actor)
    qtbot.waitUntil(lambda: view.incident_point(iid) is None)
    assert iid not in view._incidents.ids()


def test_relabel_only_when_the_words_change(plot: pg.PlotWidget) -> None:
    words = {"medical": "Medical"}
    layer = IncidentLayer(plot.getPlotItem().getViewBox(), (0, 0, 1000, 1000),
                          pg.mkPen("k"), lambda p, t: f"P{p} {words.get(t, t)}", tip)
    state = incidents(20, random.Random(1))
    for iid in state:
        state[iid] = replace(state[iid], type="medical", priority=1)
    layer.update(state)
    assert set(layer.labels.texts()) == {"P1 Medical"}
    pushes = layer.points.pushes
    layer.relabel(state)  # same language: nothing drawn again
    assert layer.points.pushes == pushes
    words["medical"] = "医疗"
    layer.relabel(state)
    assert set(layer.labels.texts()) == {"P1 医疗"} and len(layer.labels.texts()) == 20
    assert len(layer) == 20
