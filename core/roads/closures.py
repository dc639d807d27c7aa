"""Road closures of a live centre: the record, its table, how events change it, and how a
road network is brought in line with it.

A closure is decided by people (`beacon road close`, or an accepted joint decision to
close a road: `core.decisions.effects`) and recorded as a `road_closed` event; a
`road_reopened` event ends it. `State.road_closures` keeps one record per road ever
closed (the table cannot delete rows written from the projection, and the history is
worth keeping), keyed by the road's name as the city spells it, or for a stretch of it
"<road> between <cross street> and <cross street>" (`closure_key`):

    {"road", "between": [] | [a, b], "edges": [] | [[u, v], ...] (the stretch's
     directed segments, by the city's node ids), "status": "closed"|"open", "reason",
     "incident_id", "proposal", "closed_by", "closed_at", "reopened_by", "reopened_at",
     "reopen_reason"}

Every process that follows the log (console, hub, headless services) applies these
events to its state; whoever routes calls `sync_network` with `closures_in_force(state)`
before searching, so the dispatch recommendation and its ETAs route around the closed
roads at once (closing a segment bumps the network's version, which drops travel
caches).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from core.events import Event, iso
from core.store.schema import Base

if TYPE_CHECKING:
    from core.roads.network import RoadNetwork


class RoadClosureRow(Base):
    """A road closed now or once (written only from the projection)."""

    __tablename__ = "road_closures"
    road: Mapped[str] = mapped_column(String(200), primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


def closure_key(road: str, between: list[str] | tuple[str, ...] = ()) -> str:
    """What a closure is known by: the road's name, or the stretch of it."""
    return f"{road} between {between[0]} and {between[1]}" if between else road


def _closed(state: Any, e: Event) -> None:
    p = e.payload
    between = list(p.get("between") or [])
    state.road_closures[closure_key(p["road"], between)] = {
        "road": p["road"], "between": between,
        "edges": [list(edge) for edge in p.get("edges") or []],
        "status": "closed", "reason": p.get("reason", ""),
        "incident_id": p.get("incident_id") or "", "proposal": p.get("proposal") or "",
        "closed_by": e.actor, "closed_at": iso(e.at),
        "reopened_by": "", "reopened_at": "", "reopen_reason": ""}


def _reopened(state: Any, e: Event) -> None:
    p = e.payload
    record = state.road_closures.get(closure_key(p["road"], p.get("between") or []))
    if record is None:  # a follower that never saw the closure: nothing to reopen here
        return
    record.update(status="open", reopened_by=e.actor, reopened_at=iso(e.at),
                  reopen_reason=p.get("reason", ""))


HANDLERS = {"road_closed": _closed, "road_reopened": _reopened}


def table_values(record: dict[str, Any], writer: Any, stored: Any) -> dict[str, Any]:
    """The row's columns for a closure record (`core.store.batch_writer.PROJECTED`)."""
    return {"data": record}


Closure = tuple[str, tuple[tuple[Any, Any], ...]]  # (road, the stretch's edges or ())


def closures_in_force(state: Any) -> frozenset[Closure]:
    """What is closed now: (road, ()) for a whole road, (road, its edges) for a stretch."""
    return frozenset(
        (r["road"], tuple(tuple(e) for e in r.get("edges") or ()))
        for r in getattr(state, "road_closures", {}).values() if r["status"] == "closed")


def closed_now(state: Any) -> list[dict[str, Any]]:
    """The closure records of the roads closed now, in order of name."""
    return [dict(r) for _, r in sorted(getattr(state, "road_closures", {}).items())
            if r["status"] == "closed"]


_sync_lock = threading.Lock()


def sync_network(network: RoadNetwork, closed: frozenset[Closure]) -> None:
    """Close and reopen segments of `network` so that exactly what `closed` names is
    closed: whole roads by name, stretches by their segments (a stretch of a road that
    is closed as a whole stays closed when the stretch reopens). Names and segments the
    network does not know are skipped: the log may name a road of another city the
    database served before.

    Thread-safe against other callers of this function; a search running meanwhile on
    another thread may see the old or the new closures, never a torn edge.
    """
    with _sync_lock:
        if getattr(network, "_beacon_closures", None) == closed:
            return
        g = network.graph
        by_road = _edges_by_road(network)
        want: set[tuple[Any, Any]] = set()
        for road, edges in closed:
            want.update(by_road.get(road, ()) if not edges
                        else (e for e in edges if g.has_edge(*e)))
        applied: set[tuple[Any, Any]] = getattr(network, "_beacon_closed_edges", set())
        for u, v in applied - want:
            network.reopen_edge(u, v)
        for u, v in want - applied:
            network.close_edge(u, v)
        network._beacon_closed_edges = want  # type: ignore[attr-defined]
        network._beacon_closures = closed  # type: ignore[attr-defined]


def _edges_by_road(network: RoadNetwork) -> dict[str, list[tuple[Any, Any]]]:
    edges = getattr(network, "_beacon_edges_by_road", None)
    if edges is None:
        edges = {}
        for u, v, r in network.graph.edges(data="road"):
            if r:
                edges.setdefault(r, []).append((u, v))
        network._beacon_edges_by_road = edges  # type: ignore[attr-defined]
    return edges
