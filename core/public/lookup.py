"""What the public service reads from the database: a report's status by code, and where
a community report belongs. Plain synchronous reads (the app runs them off its loop)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from core.city.model import City
from core.locate import resolve_address
from core.public.refcode import code_hash
from core.public.status import status_for
from core.public.tables import ReferenceCodeRow
from core.store.database import Database
from core.store.schema import IncidentRow


def status_by_code(db: Database, code: str) -> str | None:
    """The resident status of the incident whose code is `code` (already normalised),
    or None when no incident has it. Reads only the code table and the incident's
    status column: nothing else of the incident leaves the database."""
    digest = code_hash(code)
    with db.session() as s:
        row = s.execute(select(IncidentRow.status).join(
            ReferenceCodeRow, ReferenceCodeRow.incident_id == IncidentRow.id).where(
            ReferenceCodeRow.code_hash == digest)).first()
    return None if row is None else status_for(row[0])


@dataclass(frozen=True, slots=True)
class Place:
    """Where a community report belongs: its grid cell, the cell's grid worker, a point."""

    cell: str
    worker: str | None
    x: float
    y: float
    address: str


class PlaceProblem(ValueError):
    """Why a report's place cannot be found (a message key of `core.public.pages`)."""


def place_for(city: City | None, address: str, cell_code: str) -> Place:
    """The place of a report given as an address the city knows or as a grid cell (the
    cell wins when both are given); `PlaceProblem` otherwise."""
    if city is None:
        raise PlaceProblem("no_city")
    if cell_code:
        cell = city.cells_by_code.get(cell_code)
        if cell is None:
            raise PlaceProblem("unknown_cell")
        near = resolve_address(city, address) if address else None
        if near is not None and near.cell_code == cell.code:
            return Place(cell.code, cell.worker_unit_code, near.x, near.y, address)
        return Place(cell.code, cell.worker_unit_code, (cell.x0 + cell.x1) / 2,
                     (cell.y0 + cell.y1) / 2, address)
    if not address:
        raise PlaceProblem("no_place")
    found = resolve_address(city, address)
    if found is None or not found.cell_code:
        raise PlaceProblem("unknown_address")
    return Place(found.cell_code, found.worker_unit, found.x, found.y, found.address)
