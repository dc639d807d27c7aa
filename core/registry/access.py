"""Seeing people's registry data: only for a reason, and never without a record of it.

Every function here that returns personal data first records a `registry_people_viewed`
event (who, whom, why, for which incident) through `ViewPeople`, which also checks the
role: dispatch roles see the people at an open incident's address and the vulnerable
people of its cell; a supervisor may show, search or export anyone with a stated
reason. Nothing else in Beacon reads the `personal` column. `beacon audit log --subject
ID` then answers "who looked at my data".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from core.auth import Actor, require
from core.city.model import normalise
from core.domain.lifecycle import IncidentStatus
from core.errors import NotFound, ValidationError
from core.registry.commands import ViewPeople, require_open_for_people
from core.registry.model import PERSON_FLAGS, RegistryRecord
from core.registry.projection import record_from_row
from core.registry.tables import RegistryRow
from core.service import CommandService
from core.store import event_log
from core.store.schema import IncidentRow

MAX_SEARCH = 50


@dataclass(frozen=True, slots=True)
class PersonView:
    """What a permitted viewer sees of one person."""

    person_id: str
    name: str
    contact: str
    flags: tuple[str, ...]
    note: str
    household: str
    flat: str
    address: str
    cell: str
    worker: str | None
    at_address: bool  # at the incident's own address (else: elsewhere in its cell)
    verified_at: datetime | None
    verified_by: str
    stale: bool

    @property
    def flag_words(self) -> list[str]:
        """The flags in words ("uses a wheelchair")."""
        return [PERSON_FLAGS.get(f, f) for f in self.flags]


def _people_rows(session: Any, where: Any) -> list[RegistryRow]:
    return list(session.execute(select(RegistryRow).where(
        RegistryRow.kind == "person", RegistryRow.erased.is_(False), where)).scalars())


def _households(session: Any, ids: set[str]) -> dict[str, RegistryRecord]:
    if not ids:
        return {}
    rows = session.execute(select(RegistryRow).where(RegistryRow.record_id.in_(sorted(ids))))
    return {r.record_id: record_from_row(r) for r in rows.scalars()}


def _views(session: Any, people: list[RegistryRow], at_address: set[str],
           now: datetime) -> list[PersonView]:
    households = _households(session, {p.data.get("household", "") for p in people})
    buildings = _households(session, {h.data.get("building", "") for h in households.values()})
    out = []
    for row in people:
        person = record_from_row(row)
        household = households.get(person.data.get("household", ""))
        building = buildings.get(household.data.get("building", "")) if household else None
        out.append(PersonView(
            person_id=person.record_id, name=person.personal.get("name", ""),
            contact=person.personal.get("contact", ""),
            flags=tuple(person.personal.get("flags", ())), note=person.personal.get("note", ""),
            household=person.data.get("household", ""),
            flat=household.data.get("flat", "") if household else "",
            address=building.data.get("address", "") if building else "",
            cell=person.cell, worker=person.worker, at_address=person.record_id in at_address,
            verified_at=person.verified_at, verified_by=person.verified_by,
            stale=person.is_stale(now)))
    # The people at the address first, the most flags first, then by id.
    out.sort(key=lambda v: (not v.at_address, -len(v.flags), v.person_id))
    return out


def _view(service: CommandService, actor: Actor, ids: list[str], purpose: str, reason: str,
          incident_id: str | None = None) -> None:
    if ids:
        service.execute(ViewPeople(tuple(ids), purpose, reason, incident_id), actor)


def people_for_incident(service: CommandService, actor: Actor, incident_id: str, *,
                        already_recorded: frozenset[str] = frozenset()) -> list[PersonView]:
    """The people at an open incident's address, then the vulnerable people of its cell,
    for a dispatch role; the display is recorded first. Empty when there are none (then
    nothing was shown and nothing is recorded).

    `already_recorded`: people this actor's open display of this incident has already
    recorded (a panel re-reading after a change); only the others are recorded again, so
    a display kept open does not fill the log with one view per refresh."""
    with service.db.session() as session:
        incident = session.get(IncidentRow, incident_id)
        if incident is None:
            raise NotFound(f"no incident {incident_id!r}", field="incident_id")
        # Checked here too: a re-read that records nobody new runs no ViewPeople.
        require(actor, "registry_view")
        require_open_for_people(incident_id, IncidentStatus(incident.status))
        address = normalise(incident.address or "")
        buildings = [r.record_id for r in session.execute(
            select(RegistryRow).where(RegistryRow.kind == "building",
                                      RegistryRow.cell == (incident.cell_code or ""))).scalars()
            if normalise(r.data.get("address", "")) == address] if address else []
        households = {r.record_id for r in session.execute(
            select(RegistryRow).where(RegistryRow.kind == "household",
                                      RegistryRow.cell == (incident.cell_code or ""))).scalars()
            if r.data.get("building") in buildings}
        in_cell = _people_rows(session, RegistryRow.cell == (incident.cell_code or ""))
        here = [p for p in in_cell if p.data.get("household") in households]
        # Elsewhere in the cell only people who need help to leave; their names are
        # seen in the flags' light (minimum necessary), everyone at the address.
        others = [p for p in in_cell if p not in here and p.personal.get("flags")]
        ids = [p.record_id for p in here + others]
    _view(service, actor, [i for i in ids if i not in already_recorded], "incident",
          f"incident {incident_id}", incident_id)
    if not ids:
        return []
    with service.db.session() as session:
        rows = _people_rows(session, RegistryRow.record_id.in_(ids))
        return _views(session, rows, {p.record_id for p in here}, service.clock.now())


def show_person(service: CommandService, actor: Actor, person_id: str, reason: str
                ) -> PersonView:
    """One person's record for a supervisor with a reason (recorded first)."""
    # The role first: "no person X" to anyone else would tell them who is registered.
    require(actor, "registry_search")
    with service.db.session() as session:
        row = session.get(RegistryRow, person_id)
        if row is None or row.kind != "person" or row.erased:
            raise NotFound(f"no person {person_id!r} in the registry", field="person_id")
    _view(service, actor, [person_id], "show", reason)
    with service.db.session() as session:
        return _views(session, _people_rows(session, RegistryRow.record_id == person_id),
                      set(), service.clock.now())[0]


def search_people(service: CommandService, actor: Actor, text: str, reason: str
                  ) -> list[PersonView]:
    """People whose name or id contains `text` (at most `MAX_SEARCH`), for a supervisor
    with a reason; the matches shown are recorded first."""
    needle = normalise(text)
    if len(needle) < 2:
        raise ValidationError("search for at least two characters", field="text")
    require(actor, "registry_search")  # before reading anything; ViewPeople checks again
    with service.db.session() as session:
        matches = [r.record_id for r in _people_rows(session, RegistryRow.kind == "person")
                   if needle in normalise(r.personal.get("name", "")) or needle in
                   r.record_id.lower()][:MAX_SEARCH]
    if not matches:
        # Nothing shown, but the search itself is a use of the data: record it.
        service.execute(ViewPeople((), "search", reason), actor)
        return []
    _view(service, actor, matches, "search", reason)
    with service.db.session() as session:
        return _views(session, _people_rows(session, RegistryRow.record_id.in_(matches)),
                      set(), service.clock.now())


def export_person(service: CommandService, actor: Actor, person_id: str, reason: str
                  ) -> dict[str, Any]:
    """Everything the centre holds about a person, for their access request: the record
    and every event about them (who recorded, checked or looked at it, and when). The
    export itself is recorded first."""
    view = show_person(service, actor, person_id, reason)
    with service.db.session() as session:
        events = event_log.query(session, event_log.EventQuery(subject=person_id))
    return {
        "person": {"id": view.person_id, "name": view.name, "contact": view.contact,
                   "flags": list(view.flags), "note": view.note, "household": view.household,
                   "address": view.address, "flat": view.flat, "cell": view.cell,
                   "verified_at": view.verified_at.isoformat() if view.verified_at else None,
                   "verified_by": view.verified_by},
        "events": [{"seq": e.seq, "at": e.at.isoformat(), "actor": e.actor, "type": e.type,
                    "purpose": e.payload.get("purpose"), "reason": e.payload.get("reason"),
                    "incident_id": e.incident_id} for e in events],
    }


def board_for(service: CommandService, actor: Actor, evacuation_id: str
              ) -> tuple[Any, list[Any]]:
    """(evacuation, board rows) for a dispatch role: the board shows which households
    hold people who need help, so the display is recorded first (once per call), for the
    evacuation's incident, which must be open."""
    from core.registry.evacuation import load
    from core.registry.evacuation_board import board

    with service.db.session() as session:
        evacuation = load(session, evacuation_id)
        flagged = [r.record_id for r in _people_rows(session, RegistryRow.cell.in_(
            evacuation.cells)) if r.personal.get("flags")
            and r.data.get("household") in set(evacuation.households)]
    service.execute(ViewPeople(tuple(flagged), "incident",
                               f"evacuation {evacuation_id}", evacuation.incident_id), actor)
    with service.db.session() as session:
        return evacuation, board(session, load(session, evacuation_id))
