"""A simulated field unit: takes assignments, drives the road network, reports as it goes.

On an assignment it reports en route, drives the quickest path (edge attribute
`seconds`) to the road node nearest the incident, reporting its position every
`report_every` seconds, reports on scene, stays `on_scene_s`, reports available and
drives back to where it started. If the incident releases it on the way, it turns
back. `speedup` runs the drive faster than real time (drills, tests). A unit that is
already on an incident when it connects (it was dispatched while no simulator ran, or
the last one stopped mid-drive) takes up that incident from the hub's welcome.

It says what it does at INFO on the logger `core.field.simulator`: connecting,
connected, each failed try to connect, a lost and a resumed link, driving to an
incident, arrival, available again. After `tries` failed tries in a row it gives up
with `HubUnreachable` (None: it tries for ever).

The road network is a `networkx.DiGraph` whose nodes have `x`, `y` (metres) and whose
edges have `seconds`, as `City.roads` of `core.city` provides.
"""

from __future__ import annotations

import asyncio
import bisect
import logging
import time
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


class HubUnreachable(UserError):
    """The hub could not be reached in the number of tries allowed."""


class UnitSimulator:
    """Drives one unit through its assignments over a `FieldClient`."""

    def __init__(self, client: FieldClient, roads: RoadNet, *, speedup: float = 1.0,
                 report_every: float = 5.0, on_scene_s: float = 120.0,
                 tries: int | None = None) -> None:
        if speedup <= 0 or report_every <= 0 or on_scene_s < 0:
            raise UserError("speedup and report interval must be positive, time on scene "
                            "not negative")
        if tries is not None and tries < 1:
            raise UserError("tries must be at least 1")
        self.client = client
        self.roads = roads
        self.speedup = speedup
        self.report_every = report_every
        self.on_scene_s = on_scene_s
        self.tries = tries
        self.position: tuple[float, float] | None = None
        self.home: tuple[float, float] | None = None
        self.incident_id: str | None = None
        self.completed = 0  # assignments seen through to available
        self.failed_tries = 0  # failed tries to connect since the last connection
        self._task: asyncio.Task[None] | None = None
        self._up = False
        self._down_since = 0.0
        self._gave_up: asyncio.Future[None] | None = None

    async def run(self) -> None:
        """Connect and serve assignments until cancelled, the hub refuses the unit
        (`HubRefused`) or cannot be reached in `tries` tries (`HubUnreachable`)."""
        self._gave_up = asyncio.get_running_loop().create_future()
        unsubscribe = self.client.on_state(self._on_link_state)
        serving = asyncio.create_task(self._serve())
        try:
            log.info("unit %s connecting to %s", self.client.unit_id, self.client.url)
            await self.client.start()
            await asyncio.wait({serving, self._gave_up}, return_when=asyncio.FIRST_COMPLETED)
            if self._gave_up.done():
                self._gave_up.result()  # raises HubUnreachable
            serving.result()  # raises HubRefused
        finally:
            unsubscribe()
            serving.cancel()
            if self._task is not None:
                self._task.cancel()

    async def _serve(self) -> None:
        state = await self.client.wait_for_state(LinkState.CONNECTED, LinkState.REFUSED,
                                                 timeout=None)
        if state is LinkState.REFUSED:
            raise self.client.refusal or HubRefused("refused", "the hub refused the unit")
        unit = (self.client.welcome or {}).get("unit") or {}
        if self.position is None:
            self.position = (float(unit.get("x", 0.0)), float(unit.get("y", 0.0)))
        self.home = self.home or self.position
        self._take_up(unit)
        while True:
            message = await self.client.inbox.get()
            self._on_message(message)

    def _take_up(self, unit: dict[str, Any]) -> None:
        """Carry on with the incident the welcome says the unit is on. Its assignment may
        never come again: the hub resends only what the unit has not acknowledged."""
        incident_id, status = unit.get("incident_id"), unit.get("status")
        if not incident_id or status not in ("dispatched", "en_route", "on_scene"):
            return
        incident = unit.get("incident")
        if not incident:  # a hub from before welcomes said where the incident is
            log.warning("unit %s is %s for %s, but the hub did not say where it is: "
                        "waiting for an assignment", self.client.unit_id, status, incident_id)
            return
        log.info("unit %s is %s for %s: resuming", self.client.unit_id, status, incident_id)
        self._replace_task(self._respond(incident_id, incident, status))

    def _on_link_state(self, state: LinkState) -> None:
        unit, url = self.client.unit_id, self.client.url
        if state is LinkState.CONNECTED:
            self.failed_tries = 0
            if self.client.connects == 1:
                log.info("unit %s connected as %s to %s", unit, unit, url)
            else:
                log.info("unit %s reconnected as %s after %.1f s; resending %d unacknowledged "
                         "reports", unit, unit, time.monotonic() - self._down_since,
                         self.client.unacknowledged)
            self._up = True
        elif state is LinkState.DISCONNECTED and self._up:
            self._up = False
            self._down_since = time.monotonic()
            log.warning("unit %s lost its link to the hub (%s); reconnecting", unit,
                        self.client.last_error or "closed")
        elif state is LinkState.DISCONNECTED:
            self.failed_tries += 1
            reason = self.client.last_error or "no answer"
            if self.tries is None:
                log.warning("unit %s cannot reach the hub at %s: %s (try %d; retrying for "
                            "ever)", unit, url, reason, self.failed_tries)
            elif self.failed_tries < self.tries:
                log.warning("unit %s cannot reach the hub at %s: %s (try %d of %d)", unit,
                            url, reason, self.failed_tries, self.tries)
            elif self._gave_up is not None and not self._gave_up.done():
                self._gave_up.set_exception(HubUnreachable(
                    f"cannot reach the hub at {url} after {self.tries} tries ({reason}): is "
                    "'beacon hub' running there? (--tries N to try longer, --retry-forever "
                    "never to give up)"))

    def _on_message(self, message: dict[str, Any]) -> None:
        kind = message["type"]
        if kind == "assignment":
            if message["incident_id"] == self.incident_id and self._task is not None \
                    and not self._task.done():
                return  # on it already (taken up from the welcome)
            self._replace_task(self._respond(message["incident_id"], message["incident"]))
        elif kind == "incident_update" and message.get("released"):
            log.info("unit %s released from %s: driving back", self.client.unit_id,
                     message["incident_id"])
            self.incident_id = None
            self._replace_task(self._drive_home())
        elif kind == "relocation" and self.incident_id is None:
            # Moved up to wait elsewhere (or sent home): drive there, stay available.
            target = (float(message["x"]), float(message["y"]))
            log.info("unit %s moved up to %s: driving there", self.client.unit_id,
                     message["station"])
            self._replace_task(self._drive_to(target, f"station {message['station']}"))
        elif kind == "message":
            log.info("message for %s: %s", self.client.unit_id, message["text"])

    def _replace_task(self, coro: Any) -> None:
        if self._task is not None:
            self._task.cancel()
        self._task = asyncio.create_task(coro)
        self._task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task[None]) -> None:
        # A failed drive must say so, not vanish into a task nobody awaits.
        if not task.cancelled() and task.exception() is not None:
            log.error("unit %s: the drive failed", self.client.unit_id,
                      exc_info=task.exception())

    async def _respond(self, incident_id: str, incident: dict[str, Any],
                       status: str = "dispatched") -> None:
        unit = self.client.unit_id
        self.incident_id = incident_id
        target = (float(incident.get("x", 0.0)), float(incident.get("y", 0.0)))
        where = incident.get("address") or f"{target[0]:.0f}, {target[1]:.0f}"
        if status != "on_scene":
            if status == "dispatched":
                self.client.report_status("en_route")
            if not await self._drive_to(target, f"{incident_id} ({where})"):
                log.warning("unit %s: no road to incident %s", unit, incident_id)
            self.client.report_status("on_scene")
            log.info("unit %s arrived at %s (%s): on scene", unit, incident_id, where)
        await asyncio.sleep(self.on_scene_s / self.speedup)
        try:
            await self.client.report_status("available")
            log.info("unit %s available again after %s", unit, incident_id)
        except HubRefused as exc:  # released meanwhile: already available
            log.info("unit %s: %s", unit, exc)
        self.incident_id = None
        self.completed += 1
        await self._drive_home()

    async def _drive_home(self) -> None:
        if self.home is not None:
            await self._drive_to(self.home, "its starting point")

    async def _drive_to(self, target: tuple[float, float], label: str) -> bool:
        assert self.position is not None
        path = self.roads.route(self.roads.nearest(*self.position), self.roads.nearest(*target))
        if path is None:
            return False
        journey = Journey(self.roads, path)
        log.info("unit %s driving to %s: %.0f s by road%s", self.client.unit_id, label,
                 journey.duration, "" if self.speedup == 1 else
                 f" ({journey.duration / self.speedup:.1f} s at {self.speedup:g}x)")
        driven = 0.0
        while driven < journey.duration:
            step = min(self.report_every * self.speedup, journey.duration - driven)
            await asyncio.sleep(step / self.speedup)
            driven += step
            self.position = journey.at(driven)
            self.client.report_position(*self.position)
        return True
