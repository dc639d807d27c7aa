"""A simulated field unit: takes assignments, drives the road network, reports as it goes.

On an assignment it reports en route, drives the quickest path (edge attribute
`seconds`) to the road node nearest the incident, reporting its position every
`report_every` seconds, reports on scene, stays `on_scene_s`, reports available and
drives back to where it started. If the incident releases it on the way, it turns
back. `speedup` runs the drive faster than real time (drills, tests).

The road network is a `networkx.DiGraph` whose nodes have `x`, `y` (metres) and whose
edges have `seconds`, as `City.roads` of `core.city` provides.
"""

from __future__ import annotations

import asyncio
import bisect
import logging
from typing import Any

import networkx as nx
import numpy as np

from core.errors import UserError
from core.field.client import FieldClient, HubRefused, LinkState

log = logging.getLogger(__name__)


class RoadNet:
    """A road graph with nearest-node lookup and quickest paths."""

    def __init__(self, graph: nx.DiGraph) -> None:
        if graph.number_of_nodes() == 0:
            raise UserError("the road network is empty")
        self.graph = graph
        self._ids = list(graph.nodes)
        self._xy = np.array([(graph.nodes[n]["x"], graph.nodes[n]["y"]) for n in self._ids],
                            dtype=float)

    def nearest(self, x: float, y: float) -> Any:
        """The node closest to (x, y)."""
        d = ((self._xy - (x, y)) ** 2).sum(axis=1)
        return self._ids[int(d.argmin())]

    def xy(self, node: Any) -> tuple[float, float]:
        """Where a node is."""
        data = self.graph.nodes[node]
        return float(data["x"]), float(data["y"])

    def route(self, a: Any, b: Any) -> list[Any] | None:
        """The quickest path from `a` to `b` as nodes, or None when there is none."""
        try:
            return nx.shortest_path(self.graph, a, b, weight="seconds")
        except nx.NetworkXNoPath:
            return None


class Journey:
    """Positions along a path as a function of seconds driven."""

    def __init__(self, roads: RoadNet, path: list[Any]) -> None:
        self.points = [roads.xy(n) for n in path]
        self.times = [0.0]
        for a, b in zip(path, path[1:], strict=False):
            self.times.append(self.times[-1] + float(roads.graph.edges[a, b]["seconds"]))
        self.duration = self.times[-1]

    def at(self, t: float) -> tuple[float, float]:
        """Where the unit is after `t` seconds (clamped to the ends)."""
        if t <= 0 or len(self.points) == 1:
            return self.points[0]
        if t >= self.duration:
            return self.points[-1]
        i = bisect.bisect_right(self.times, t) - 1
        span = self.times[i + 1] - self.times[i]
        f = 0.0 if span <= 0 else (t - self.times[i]) / span
        (x0, y0), (x1, y1) = self.points[i], self.points[i + 1]
        return x0 + (x1 - x0) * f, y0 + (y1 - y0) * f


class UnitSimulator:
    """Drives one unit through its assignments over a `FieldClient`."""

    def __init__(self, client: FieldClient, roads: RoadNet, *, speedup: float = 1.0,
                 report_every: float = 5.0, on_scene_s: float = 120.0) -> None:
        if speedup <= 0 or report_every <= 0 or on_scene_s < 0:
            raise UserError("speedup and report interval must be positive, time on scene "
                            "not negative")
        self.client = client
        self.roads = roads
        self.speedup = speedup
        self.report_every = report_every
        self.on_scene_s = on_scene_s
        self.position: tuple[float, float] | None = None
        self.home: tuple[float, float] | None = None
        self.incident_id: str | None = None
        self.completed = 0  # assignments seen through to available
        self._task: asyncio.Task[None] | None = None

    async def run(self) -> None:
        """Connect and serve assignments until cancelled or the hub refuses the unit."""
        await self.client.start()
        state = await self.client.wait_for_state(LinkState.CONNECTED, LinkState.REFUSED,
                                                 timeout=None)
        if state is LinkState.REFUSED:
            raise self.client.refusal or HubRefused("refused", "the hub refused the unit")
        unit = (self.client.welcome or {}).get("unit") or {}
        if self.position is None:
            self.position = (float(unit.get("x", 0.0)), float(unit.get("y", 0.0)))
        self.home = self.home or self.position
        if unit.get("incident_id") and unit.get("status") in ("dispatched", "en_route"):
            log.info("unit %s resumes its drive to %s", self.client.unit_id, unit["incident_id"])
        try:
            while True:
                message = await self.client.inbox.get()
                self._on_message(message)
        finally:
            if self._task is not None:
                self._task.cancel()

    def _on_message(self, message: dict[str, Any]) -> None:
        kind = message["type"]
        if kind == "assignment":
            self._replace_task(self._respond(message["incident_id"], message["incident"]))
        elif kind == "incident_update" and message.get("released"):
            log.info("unit %s released from %s", self.client.unit_id, message["incident_id"])
            self.incident_id = None
            self._replace_task(self._drive_home())
        elif kind == "message":
            log.info("message for %s: %s", self.client.unit_id, message["text"])

    def _replace_task(self, coro: Any) -> None:
        if self._task is not None:
            self._task.cancel()
        self._task = asyncio.create_task(coro)

    async def _respond(self, incident_id: str, incident: dict[str, Any]) -> None:
        self.incident_id = incident_id
        self.client.report_status("en_route")
        target = (float(incident.get("x", 0.0)), float(incident.get("y", 0.0)))
        if not await self._drive_to(target):
            log.warning("unit %s: no road to incident %s", self.client.unit_id, incident_id)
        self.client.report_status("on_scene")
        await asyncio.sleep(self.on_scene_s / self.speedup)
        try:
            await self.client.report_status("available")
        except HubRefused as exc:  # released meanwhile: already available
            log.info("unit %s: %s", self.client.unit_id, exc)
        self.incident_id = None
        self.completed += 1
        await self._drive_home()

    async def _drive_home(self) -> None:
        if self.home is not None:
            await self._drive_to(self.home)

    async def _drive_to(self, target: tuple[float, float]) -> bool:
        assert self.position is not None
        path = self.roads.route(self.roads.nearest(*self.position), self.roads.nearest(*target))
        if path is None:
            return False
        journey = Journey(self.roads, path)
        driven = 0.0
        while driven < journey.duration:
            step = min(self.report_every * self.speedup, journey.duration - driven)
            await asyncio.sleep(step / self.speedup)
            driven += step
            self.position = journey.at(driven)
            self.client.report_position(*self.position)
        return True
