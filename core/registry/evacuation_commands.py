"""Commands of an evacuation: start, assign a helper, check a household, end."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select

from core.commands.base import Command, Context, Decision, require_text
from core.domain.lifecycle import OPEN_INCIDENT_STATUSES
from core.errors import NotFound, PermissionDenied, ValidationError
from core.registry.evacuation import CHECK_RESULTS, MAX_CELLS, Evacuation, EvacuationRow, load
from core.registry.tables import RegistryRow


def _ensure(ctx: Context, evacuation_id: str) -> Evacuation:
    if evacuation_id not in ctx.state.evacuations:
        ctx.state.evacuations[evacuation_id] = load(ctx.session, evacuation_id)
    return ctx.state.evacuations[evacuation_id]


@dataclass(frozen=True, slots=True)
class StartEvacuation(Command):
    """Evacuate grid cells for an open incident: every registered household of the cells
    goes on the board, and their grid workers are told.

    A cell with no registered household is refused (most likely a mistyped code), unless
    the evacuation carries out an accepted joint decision (`proposal`): people decided
    it, so it is recorded all the same, for cells the city has, and the board says
    which cells have no registered households (`empty_cells`).
    """

    incident_id: str
    cells: tuple[str, ...]
    proposal: str = ""
    permission = "dispatch"

    def incident_ids(self) -> Iterable[str]:
        return (self.incident_id,)

    def decide(self, ctx: Context) -> Decision:
        incident = ctx.incident(self.incident_id)
        if incident.status not in OPEN_INCIDENT_STATUSES:
            raise ValidationError(f"incident {incident.id} is {incident.status.value}: "
                                  "evacuate for an open incident", field="incident_id")
        cells = list(dict.fromkeys(c for c in self.cells if isinstance(c, str) and c))
        if not cells or len(cells) > MAX_CELLS:
            raise ValidationError(f"name 1 to {MAX_CELLS} grid cells", field="cells")
        rows = ctx.session.execute(select(RegistryRow.record_id, RegistryRow.cell,
                                          RegistryRow.worker).where(
            RegistryRow.kind == "household", RegistryRow.cell.in_(cells))).all()
        empty = [c for c in cells if not any(r.cell == c for r in rows)]
        if empty and not self.proposal:
            raise ValidationError(f"no households are registered in {', '.join(empty)}: "
                                  "check the cell codes", field="cells")
        if empty:
            from core.roads.closure_commands import stored_city_names

            names = stored_city_names(ctx.session)
            unknown = [c for c in empty if names is not None and c not in names.cells]
            if unknown:
                raise NotFound(f"the city has no grid cell {', '.join(unknown)}",
                               field="cells")
        busy = ctx.session.execute(select(EvacuationRow.evacuation_id, EvacuationRow.cells)
                                   .where(EvacuationRow.ended_at.is_(None))).all()
        for other, other_cells in busy:
            both = sorted(set(other_cells) & set(cells))
            if both:
                raise ValidationError(f"{', '.join(both)} is already being evacuated "
                                      f"({other})", field="cells")
        # The session sees what earlier commands of a batch wrote (flushed first).
        count = ctx.session.execute(select(func.count()).select_from(EvacuationRow)
                                    ).scalar_one()
        return Decision("evacuation_started", {
            "evacuation_id": f"EVAC-{count + 1:04d}", "incident_id": incident.id,
            "cells": cells, "households": sorted(r.record_id for r in rows),
            "addresses": _addresses(ctx, [r.record_id for r in rows]),
            "workers": sorted({r.worker for r in rows if r.worker}),
            # Only when set, so events of before keep their exact payload shape.
            **({"proposal": self.proposal, "empty_cells": empty} if self.proposal else {})},
            incident_id=incident.id)


def _addresses(ctx: Context, households: list[str]) -> dict[str, str]:
    """Where each household is ("36 Fuqiang Lane, flat 3-02"), for the grid workers'
    field clients, which see the evacuation as an `incident_update`."""
    flats = {r.record_id: r.data for r in ctx.session.execute(select(RegistryRow).where(
        RegistryRow.record_id.in_(households))).scalars()}
    buildings = {r.record_id: r.data.get("address", "") for r in ctx.session.execute(
        select(RegistryRow).where(RegistryRow.record_id.in_(
            {d.get("building") for d in flats.values()}))).scalars()}
    out = {}
    for hid in sorted(households):
        data = flats.get(hid, {})
        flat = data.get("flat")
        out[hid] = buildings.get(data.get("building"), "") + (f", flat {flat}" if flat else "")
    return out


@dataclass(frozen=True, slots=True)
class AssignEvacuationHelper(Command):
    """Let a grid worker from elsewhere check households of this evacuation."""

    evacuation_id: str
    unit_id: str
    permission = "dispatch"

    def unit_ids(self) -> Iterable[str]:
        return (self.unit_id,)

    def decide(self, ctx: Context) -> Decision:
        evacuation = _ensure(ctx, self.evacuation_id)
        unit = ctx.unit(self.unit_id)
        if unit.kind.value not in ("grid_worker", "volunteer_team"):
            raise ValidationError(f"{unit.id} is a {unit.kind.value}, not a grid worker or "
                                  "volunteer team", field="unit_id")
        if not evacuation.open:
            raise ValidationError(f"{evacuation.evacuation_id} has ended",
                                  field="evacuation_id")
        return Decision("evacuation_helper_assigned", {
            "evacuation_id": evacuation.evacuation_id, "unit_id": unit.id,
            "addresses": _addresses(ctx, evacuation.households)},
            incident_id=evacuation.incident_id, unit_id=unit.id)


@dataclass(frozen=True, slots=True)
class CheckHousehold(Command):
    """A household was checked: evacuated, no one home, needs help, or refused."""

    evacuation_id: str
    household_id: str
    result: str
    note: str = ""
    unit_id: str | None = None  # the grid worker checking (set by the hub for a unit)
    permission = "dispatch"
    units_may_issue = True

    def decide(self, ctx: Context) -> Decision:
        evacuation = _ensure(ctx, self.evacuation_id)
        if not evacuation.open:
            raise ValidationError(f"{evacuation.evacuation_id} has ended",
                                  field="evacuation_id")
        if self.result not in CHECK_RESULTS:
            raise ValidationError(f"result must be one of {', '.join(CHECK_RESULTS)}",
                                  field="result")
        if self.household_id not in evacuation.households:
            raise NotFound(f"household {self.household_id!r} is not on "
                           f"{evacuation.evacuation_id}'s board", field="household_id")
        note = require_text(self.note, "note", max_len=500)
        if ctx.actor.is_unit:
            me = ctx.actor.unit_id
            worker = ctx.session.execute(select(RegistryRow.worker).where(
                RegistryRow.record_id == self.household_id)).scalar_one_or_none()
            if me != worker and me not in evacuation.helpers:
                raise PermissionDenied(
                    f"{me} is not the grid worker of {self.household_id} and is not "
                    f"assigned to {evacuation.evacuation_id}: a dispatcher can assign them",
                    field="household_id")
        return Decision("household_checked", {
            "evacuation_id": evacuation.evacuation_id, "household_id": self.household_id,
            "result": self.result, "note": note}, incident_id=evacuation.incident_id,
            unit_id=ctx.actor.unit_id)


@dataclass(frozen=True, slots=True)
class EndEvacuation(Command):
    """The evacuation is over (everyone out, or called off)."""

    evacuation_id: str
    permission = "dispatch"

    def decide(self, ctx: Context) -> Decision:
        evacuation = _ensure(ctx, self.evacuation_id)
        if not evacuation.open:
            raise ValidationError(f"{evacuation.evacuation_id} has ended already",
                                  field="evacuation_id")
        return Decision("evacuation_ended", {"evacuation_id": evacuation.evacuation_id},
                        incident_id=evacuation.incident_id)
