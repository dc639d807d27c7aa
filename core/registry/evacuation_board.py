"""An evacuation's board: every household, those with people who need help first."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.registry.evacuation import Evacuation
from core.registry.tables import RegistryRow


@dataclass(frozen=True, slots=True)
class BoardRow:
    """One household on an evacuation board."""

    household_id: str
    address: str
    flat: str
    occupants: int | None
    cell: str
    worker: str | None
    vulnerable: int  # people with emergency flags
    flags: tuple[str, ...]
    result: str | None
    checked_by: str
    checked_at: str
    note: str


def board(session: Session, evacuation: Evacuation) -> list[BoardRow]:
    """The board's rows: households with people who need help first, then unchecked
    before checked, then by address. Reads people's flags: show it only after recording
    the display (`core.registry.access.board_for`)."""
    households = {r.record_id: r for r in session.execute(select(RegistryRow).where(
        RegistryRow.record_id.in_(evacuation.households))).scalars()}
    buildings = {r.record_id: r for r in session.execute(select(RegistryRow).where(
        RegistryRow.record_id.in_({h.data.get("building") for h in households.values()})))
        .scalars()}
    flags: dict[str, list[str]] = {}
    counts: dict[str, int] = {}
    for person in session.execute(select(RegistryRow).where(
            RegistryRow.kind == "person", RegistryRow.erased.is_(False),
            RegistryRow.cell.in_(evacuation.cells))).scalars():
        hid = person.data.get("household")
        f = person.personal.get("flags") or []
        if f:
            counts[hid] = counts.get(hid, 0) + 1
            flags.setdefault(hid, []).extend(x for x in f if x not in flags.get(hid, []))
    rows = []
    for hid in evacuation.households:
        h = households.get(hid)
        b = buildings.get(h.data.get("building")) if h else None
        check = evacuation.checks.get(hid, {})
        rows.append(BoardRow(
            hid, b.data.get("address", "") if b else "", h.data.get("flat", "") if h else "",
            h.data.get("occupants") if h else None, h.cell if h else "",
            h.worker if h else None, counts.get(hid, 0), tuple(flags.get(hid, ())),
            check.get("result"), check.get("by", ""), check.get("at", ""),
            check.get("note", "")))
    rows.sort(key=lambda r: (r.vulnerable == 0, r.result is not None, r.address, r.flat))
    return rows


def cells_without_households(evacuation: Evacuation, rows: list[BoardRow]) -> list[str]:
    """The evacuated cells with no registered household on the board (an evacuation a
    joint decision ordered may name such cells: grid workers knock on every door there,
    with no list to tick)."""
    listed = {r.cell for r in rows}
    return [c for c in evacuation.cells if c not in listed]
