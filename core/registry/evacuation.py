"""Evacuations of grid cells: the model, its table and how events change it.

A dispatcher starts an evacuation of one or more cells for an open incident; the event
names every household the registry has in those cells at that moment and the grid
workers responsible. Grid workers check households off from the field (the hub's
`household_check` message) or a dispatcher does it for them. A grid worker may check
only households of their own cells, unless a dispatcher assigned them to the evacuation
(neighbours help each other). Commands: `core.registry.evacuation_commands`; the
board: `core.registry.evacuation_board`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.errors import NotFound
from core.events import Event
from core.store.schema import Base, UTCTime

if TYPE_CHECKING:
    from core.domain.state import State

CHECK_RESULTS = {
    "evacuated": "left the building",
    "not_home": "no one at home",
    "needs_help": "needs help to leave",
    "refused": "refused to leave",
}
MAX_CELLS = 50


@dataclass
class Evacuation:
    """One evacuation as the projection keeps it."""

    evacuation_id: str
    incident_id: str
    cells: list[str]
    households: list[str]
    workers: list[str]
    started_at: datetime
    started_by: str
    helpers: list[str] = field(default_factory=list)
    checks: dict[str, dict[str, Any]] = field(default_factory=dict)
    ended_at: datetime | None = None

    @property
    def open(self) -> bool:
        """Still running."""
        return self.ended_at is None


class EvacuationRow(Base):
    """An evacuation and its checks (written only from the projection)."""

    __tablename__ = "evacuations"
    evacuation_id: Mapped[str] = mapped_column(String(24), primary_key=True)
    incident_id: Mapped[str] = mapped_column(String(32))
    cells: Mapped[list[str]] = mapped_column(JSON)
    households: Mapped[list[str]] = mapped_column(JSON)
    workers: Mapped[list[str]] = mapped_column(JSON)
    helpers: Mapped[list[str]] = mapped_column(JSON)
    checks: Mapped[dict[str, Any]] = mapped_column(JSON)
    started_at: Mapped[datetime] = mapped_column(UTCTime())
    started_by: Mapped[str] = mapped_column(String(120))
    ended_at: Mapped[datetime | None] = mapped_column(UTCTime(), nullable=True)


COLUMNS = ("incident_id", "cells", "households", "workers", "helpers", "checks",
           "started_at", "started_by", "ended_at")


def row_values(e: Evacuation) -> dict[str, Any]:
    """The table's columns for an evacuation (also what the audit expects)."""
    return {"incident_id": e.incident_id, "cells": list(e.cells),
            "households": list(e.households), "workers": list(e.workers),
            "helpers": list(e.helpers), "checks": {k: dict(v) for k, v in e.checks.items()},
            "started_at": e.started_at, "started_by": e.started_by, "ended_at": e.ended_at}


def from_row(row: EvacuationRow) -> Evacuation:
    """An `Evacuation` from its row."""
    return Evacuation(row.evacuation_id, row.incident_id, list(row.cells),
                      list(row.households), list(row.workers), row.started_at,
                      row.started_by, list(row.helpers), dict(row.checks), row.ended_at)


def table_values(e: Evacuation, writer: Any, stored: Any) -> dict[str, Any]:
    """What the batch writer writes for an evacuation."""
    return row_values(e)


def load(session: Session, evacuation_id: str) -> Evacuation:
    """The stored evacuation, or `NotFound`."""
    row = session.get(EvacuationRow, evacuation_id)
    if row is None:
        raise NotFound(f"no evacuation {evacuation_id!r}", field="evacuation_id")
    return from_row(row)


# -- projection -----------------------------------------------------------------------

def _started(state: State, e: Event) -> None:
    p = e.payload
    state.evacuations[p["evacuation_id"]] = Evacuation(
        p["evacuation_id"], p["incident_id"], list(p["cells"]), list(p["households"]),
        list(p["workers"]), e.at, e.actor)


# A state that holds only what it followed (a hub's, a console's) may not know the
# evacuation: then there is nothing to change. A replay and a command always know it.

def _helper(state: State, e: Event) -> None:
    evacuation = state.evacuations.get(e.payload["evacuation_id"])
    if evacuation is not None and e.payload["unit_id"] not in evacuation.helpers:
        evacuation.helpers.append(e.payload["unit_id"])


def _checked(state: State, e: Event) -> None:
    p = e.payload
    evacuation = state.evacuations.get(p["evacuation_id"])
    if evacuation is not None:
        evacuation.checks[p["household_id"]] = {
            "result": p["result"], "by": e.actor, "at": e.at.isoformat(),
            "note": p.get("note", "")}


def _ended(state: State, e: Event) -> None:
    evacuation = state.evacuations.get(e.payload["evacuation_id"])
    if evacuation is not None:
        evacuation.ended_at = e.at


HANDLERS = {"evacuation_started": _started, "evacuation_helper_assigned": _helper,
            "household_checked": _checked, "evacuation_ended": _ended}
