"""Commands that close and reopen a road of the live centre (`core.roads.closures`): the
whole road, or the stretch of it between two cross streets.

A road is named as the city spells it, in English or in its Chinese name; the command
checks the name against the city stored in the database (read without building the road
graph) and records the English one, so every process applies the same closure. A
database whose city cannot be read (none stored yet) cannot check names: the name is
then recorded as given.
"""

from __future__ import annotations

import difflib
import json
import threading
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.commands.base import Command, Context, Decision, require_text
from core.domain.lifecycle import OPEN_INCIDENT_STATUSES
from core.errors import NotFound, ValidationError
from core.roads.closures import RoadClosureRow, closure_key
from core.store.schema import CityRow

_names_lock = threading.Lock()
_names_cache: dict[int, CityNames | None] = {}


@dataclass(frozen=True, slots=True)
class CityNames:
    """What commands check names against: the stored city's road names, its Chinese road
    names ({chinese: english}) and its grid cell codes."""

    roads: frozenset[str]
    roads_zh: dict[str, str]
    cells: frozenset[str]
    # Each road's directed segments (u, v, length in metres), by the city's node ids.
    edges: dict[str, list[tuple[int, int, float]]]


def stored_city_names(session: Session) -> CityNames | None:
    """The names of the newest stored city, or None when no readable city is stored.
    Read off the stored document without building the road graph; cached per city row
    (a row never changes)."""
    row_id = session.execute(select(CityRow.id).order_by(CityRow.id.desc()).limit(1)
                             ).scalar_one_or_none()
    if row_id is None:
        return None
    with _names_lock:
        if row_id in _names_cache:
            return _names_cache[row_id]
    data = session.execute(select(CityRow.data).where(CityRow.id == row_id)).scalar_one()
    try:
        doc = json.loads(zlib.decompress(data))
        names = [str(n) for n in doc["road_names"]]
        edges: dict[str, list[tuple[int, int, float]]] = {}
        e = doc["edges"]
        for u, v, r, length in zip(e["u"], e["v"], e["road"], e["length_m"], strict=True):
            edges.setdefault(names[r], []).append((int(u), int(v), float(length)))
        found: CityNames | None = CityNames(
            frozenset(n for n in names if n),
            {str(v): str(k) for k, v in dict(doc.get("road_names_zh") or {}).items()},
            frozenset(str(c["code"]) for c in doc.get("cells") or ()), edges)
    except (zlib.error, ValueError, KeyError, TypeError, IndexError):
        found = None
    with _names_lock:
        _names_cache[row_id] = found
    return found


def canonical_road(session: Session, road: str) -> str:
    """The road's name as the city spells it in English; `NotFound` with the nearest
    names when the city has no such road."""
    known = stored_city_names(session)
    if known is None:
        return road
    names, zh = known.roads, known.roads_zh
    if road in names:
        return road
    if road in zh:
        return zh[road]
    folded = {n.casefold(): n for n in names}
    if road.casefold() in folded:
        return folded[road.casefold()]
    near = difflib.get_close_matches(road, sorted(names) + sorted(zh), n=3, cutoff=0.6)
    hint = f" (did you mean {', '.join(near)}?)" if near else ""
    raise NotFound(f"the city has no road named {road!r}{hint}", field="road")


def stretch(session: Session, road: str, a: str, b: str) -> list[list[int]]:
    """The directed segments of `road` between where it meets the roads `a` and `b`
    (names as the city spells them): the shortest way along the road from a junction
    with `a` to one with `b`. `ValidationError` naming what does not meet."""
    import networkx as nx

    known = stored_city_names(session)
    if known is None:
        raise ValidationError("no readable city is stored: a stretch of road cannot be "
                              "found; close the whole road", field="between")
    along = known.edges.get(road, [])
    g = nx.Graph()
    g.add_weighted_edges_from((u, v, length) for u, v, length in along)

    def junctions(other: str) -> set[int]:
        if other == road:
            raise ValidationError(f"name two roads that cross {road}, not {road} itself",
                                  field="between")
        nodes = {n for u, v, _ in known.edges.get(other, []) for n in (u, v)} & set(g)
        if not nodes:
            raise ValidationError(f"{road} does not meet {other}", field="between")
        return nodes

    ends_a, ends_b = junctions(a), junctions(b)
    best: tuple[float, list[int]] | None = None
    for start in sorted(ends_a):
        dist, paths = nx.single_source_dijkstra(g, start)
        for end in sorted(ends_b & set(dist)):
            if end != start and (best is None or dist[end] < best[0]):
                best = (dist[end], paths[end])
    if best is None:
        raise ValidationError(f"{road} has no stretch between {a} and {b}: they meet "
                              f"parts of {road} that do not join (or at one junction)",
                              field="between")
    directed = {(u, v) for u, v, _ in along}
    path = best[1]
    return [[x, y] for p, q in zip(path, path[1:], strict=False)
            for x, y in ((p, q), (q, p)) if (x, y) in directed]


def _between(ctx: Context, road: str, between: tuple[str, ...]) -> list[str]:
    if not between:
        return []
    if len(between) != 2:
        raise ValidationError("a stretch is between two cross streets", field="between")
    return [canonical_road(ctx.session, require_text(n, "between", max_len=200,
                                                     allow_empty=False, one_line=True))
            for n in between]


def _record(ctx: Context, road: str) -> dict[str, Any] | None:
    if road not in ctx.state.road_closures:
        data = ctx.session.execute(select(RoadClosureRow.data).where(
            RoadClosureRow.road == road)).scalar_one_or_none()
        if data is None:
            return None
        ctx.state.road_closures[road] = dict(data)
    return ctx.state.road_closures[road]


@dataclass(frozen=True, slots=True)
class CloseRoad(Command):
    """Close a road (every segment, both directions): routing goes around it until it
    is reopened. `incident_id` and `proposal` say what it was closed for."""

    road: str
    reason: str
    incident_id: str = ""
    proposal: str = ""
    between: tuple[str, ...] = ()  # two cross streets: only the stretch between them
    permission = "road"

    def incident_ids(self) -> Iterable[str]:
        return (self.incident_id,) if self.incident_id else ()

    def decide(self, ctx: Context) -> Decision:
        road = require_text(self.road, "road", max_len=200, allow_empty=False, one_line=True)
        reason = require_text(self.reason, "reason", max_len=500, allow_empty=False)
        road = canonical_road(ctx.session, road)
        if self.incident_id:
            incident = ctx.incident(self.incident_id)
            if incident.status not in OPEN_INCIDENT_STATUSES:
                raise ValidationError(f"incident {incident.id} is {incident.status.value}",
                                      field="incident_id")
        between = _between(ctx, road, self.between)
        key = closure_key(road, between)
        if len(key) > 200:
            raise ValidationError("the road and its cross streets are too long a name "
                                  "(at most 200 characters in all)", field="between")
        record = _record(ctx, key)
        if record is not None and record["status"] == "closed":
            raise ValidationError(f"{key} is closed already (by {record['closed_by']} at "
                                  f"{record['closed_at']}: {record['reason']})", field="road")
        stretch_of = ({"between": between, "edges": stretch(ctx.session, road, *between)}
                      if between else {})
        return Decision("road_closed", {
            "road": road, **stretch_of, "reason": reason,
            "incident_id": self.incident_id or None, "proposal": self.proposal or None},
            incident_id=self.incident_id or None)


@dataclass(frozen=True, slots=True)
class ReopenRoad(Command):
    """Reopen a closed road."""

    road: str
    reason: str = ""
    between: tuple[str, ...] = ()  # the cross streets of a stretch closed on its own
    permission = "road"

    def decide(self, ctx: Context) -> Decision:
        road = require_text(self.road, "road", max_len=200, allow_empty=False, one_line=True)
        reason = require_text(self.reason, "reason", max_len=500)
        road = canonical_road(ctx.session, road)
        between = _between(ctx, road, self.between)
        key = closure_key(road, between)
        record = _record(ctx, key)
        if record is None or record["status"] != "closed":
            raise NotFound(f"{key} is not closed", field="road")
        return Decision("road_reopened", {"road": road, **(
            {"between": between} if between else {}), "reason": reason},
            incident_id=record["incident_id"] or None)
