"""Road closures of a live centre: the record, its table, how events change it, and how a
road network is brought in line with it.

A closure is decided by people (`beacon road close`, or an accepted joint decision to
close a road: `core.decisions.effects`) and recorded as a `road_closed` event; a
`road_reopened` event ends it. `State.road_closures` keeps one record per road ever
closed (the table cannot delete rows written from the projection, and the history is
worth keeping), keyed by the road's name as the city spells it:

    {"road", "status": "closed"|"open", "reason", "incident_id", "proposal",
     "closed_by", "closed_at", "reopened_by", "reopened_at", "reopen_reason"}

Every process that follows the log (console, hub, headless services) applies these
events to its state; whoever routes calls `sync_network` with `closed_names(state)` before
searching, so the dispatch recommendation and its ETAs route around the closed roads at
once (`RoadNetwork.close_road` bumps the network's version, which drops travel caches).
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


def _closed(state: Any, e: Event) -> None:
    p = e.payload
    state.road_closures[p["road"]] = {
        "road": p["road"], "status": "closed", "reason": p.get("reason", ""),
        "incident_id": p.get("incident_id") or "", "proposal": p.get("proposal") or "",
        "closed_by": e.actor, "closed_at": iso(e.at),
        "reopened_by": "", "reopened_at": "", "reopen_reason": ""}


def _reopened(state: Any, e: Event) -> None:
    p = e.payload
    record = state.road_closures.get(p["road"])
    if record is None:  # a follower that never saw the closure: nothing to reopen here
        return
    record.update(status="open", reopened_by=e.actor, reopened_at=iso(e.at),
                  reopen_reason=p.get("reason", ""))


HANDLERS = {"road_closed": _closed, "road_reopened": _reopened}


def table_values(record: dict[str, Any], writer: Any, stored: Any) -> dict[str, Any]:
    """The row's columns for a closure record (`core.store.batch_writer.PROJECTED`)."""
    return {"data": record}


def closed_names(state: Any) -> frozenset[str]:
    """The roads closed now, by name."""
    return frozenset(name for name, r in getattr(state, "road_closures", {}).items()
                     if r["status"] == "closed")


def closed_now(state: Any) -> list[dict[str, Any]]:
    """The closure records of the roads closed now, in order of name."""
    return [dict(r) for _, r in sorted(getattr(state, "road_closures", {}).items())
            if r["status"] == "closed"]


_sync_lock = threading.Lock()


def sync_network(network: RoadNetwork, closed: frozenset[str]) -> None:
    """Close and reopen roads of `network` so that exactly the roads in `closed` are
    closed (by name). Names the network does not know are skipped: the log may name a
    road of another city the database served before.

    Thread-safe against other callers of this function; a search running meanwhile on
    another thread may see the old or the new closures, never a torn edge.
    """
    with _sync_lock:
        applied: frozenset[str] = getattr(network, "_beacon_closed_roads", frozenset())
        if applied == closed:
            return
        for name in applied - closed:
            network.reopen_road(name)
        for name in closed - applied:
            if name in road_names_of(network):
                network.close_road(name)
        network._beacon_closed_roads = closed  # type: ignore[attr-defined]


def road_names_of(network: RoadNetwork) -> frozenset[str]:
    """Every road name of the network's graph (cached on the network)."""
    names = getattr(network, "_beacon_road_names", None)
    if names is None:
        names = frozenset(r for _, _, r in network.graph.edges(data="road") if r)
        network._beacon_road_names = names  # type: ignore[attr-defined]
    return names
