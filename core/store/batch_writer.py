"""The writes of one command transaction, buffered and sent as a few bulk statements.

Commands decide against domain objects (`Incident`, `Unit`); what they change used to
go through the ORM's unit of work one row at a time, which cost ~0.4 ms a command and
made a thousand position reports a second use a whole core. `BatchWriter` keeps the
objects a transaction touched, the events it appended and the idempotency keys it used,
and writes them at `flush` with one `executemany` per table and kind of change: the
events, the keys and the units on the DBAPI cursor, the (rare, JSON-holding) incidents
through SQLAlchemy Core. A unit's row gets only the columns that changed. Operators and
cities (rare) are written from the same state, with what the log names only by digest
(a password hash, a city's data) taken from `attach`.

Reads see the buffer first: an object changed earlier in the transaction comes from
here, not from the table. Code that queries the tables itself (a command that counts
incidents, say) must `flush` first; `Context.session` does that. The ORM session, for
the commands that want one, joins the same connection and transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Connection, Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from core.decisions.tables import ProposalRow
from core.domain.alarms import Alarm
from core.domain.kinds import Agency, UnitKind
from core.domain.lifecycle import UnitStatus
from core.domain.model import CityRecord, Incident, Operator, Unit, content_digest
from core.domain.state import State
from core.events import GENESIS_HASH, Event, iso
from core.playbooks.tables import PlaybookActivationRow
from core.public.projection import table_values as refcode_table_values
from core.public.tables import ReferenceCodeRow
from core.registry.evacuation import EvacuationRow
from core.registry.evacuation import table_values as evacuation_table_values
from core.registry.projection import table_values as registry_table_values
from core.registry.tables import RegistryRow
from core.roads.closures import RoadClosureRow
from core.roads.closures import table_values as road_closure_values
from core.store.alarm_table import AlarmRow
from core.store.event_log import NOTIFY_CHANNEL, LogHeadMissing, new_event, with_personal
from core.store.repository import incident_from_row
from core.store.schema import CityRow, EventRow, IncidentRow, OperatorRow

_INCIDENTS = IncidentRow.__table__
_EVENTS = EventRow.__table__

# The hot statements (every position report runs them) go straight to the DBAPI cursor,
# written with "?" and turned into "%s" for psycopg: SQLAlchemy spends ~0.1 ms preparing
# each statement, more than SQLite spends on the rows.
_UNIT_COLUMNS = ("name", "kind", "agency", "station", "status", "x", "y", "incident_id",
                 "last_report_at", "eta_at", "post")
_INCIDENT_COLUMNS = ("type", "priority", "status", "x", "y", "address", "cell_code",
                     "created_at", "caller_name", "callback_number", "description", "units",
                     "status_times", "calls", "notes", "level")
_UNIT_INDEXES = range(len(_UNIT_COLUMNS))
_SELECT_UNITS = f"SELECT id, {', '.join(_UNIT_COLUMNS)} FROM units WHERE id IN "
_INSERT_UNIT = f"INSERT INTO units (id, {', '.join(_UNIT_COLUMNS)})"
_INSERT_EVENT = ("INSERT INTO events (seq, at, actor, type, incident_id, unit_id, payload, "
                 "prev_hash, hash, v, personal_hash)")
_INSERT_PERSONAL = "INSERT INTO event_personal (seq, salt, data)"
_INSERT_KEY = "INSERT INTO processed_commands (source, client_id, seq)"
_ROWS_PER_INSERT = 500  # rows per multi-row INSERT (well inside both drivers' limits)
# A join against the keys asked for: SQLite answers `source IN (..) AND client_id IN (..)`
# with a lookup per pair of the two lists (n squared), and `(source, client_id) IN
# (VALUES ..)` with a scan of the table; this is one index lookup per key on both.
_SELECT_KEYS = ("WITH k (s, c) AS (VALUES {}) SELECT p.source, p.client_id, p.seq "
                "FROM k JOIN processed_commands p ON p.source = k.s AND p.client_id = k.c")
_UPDATE_HEAD = "UPDATE log_head SET seq = ?, hash = ? WHERE id = 1"
_IN_CHUNK = 500  # ids per IN (...) list
# Incidents change rarely and hold JSON: they go through SQLAlchemy Core and its types.
_UPDATE_INCIDENT = update(_INCIDENTS).where(_INCIDENTS.c.id == bindparam("b_id")).values(
    {c: bindparam(c) for c in _INCIDENT_COLUMNS})
_INSERT_INCIDENT = insert(_INCIDENTS)

UnitValues = tuple[Any, ...]
T = TypeVar("T")


def _unit_values(u: Unit) -> UnitValues:
    """A unit as stored, in `_UNIT_COLUMNS` order."""
    return (u.name, u.kind.value, u.agency.value, u.station, u.status.value, u.x, u.y,
            u.incident_id, None if u.last_report_at is None else iso(u.last_report_at),
            None if u.eta_at is None else iso(u.eta_at), u.post)


def _unit_from_values(uid: str, v: UnitValues) -> Unit:
    return Unit(id=uid, name=v[0], kind=UnitKind(v[1]), agency=Agency(v[2]), station=v[3],
                status=UnitStatus(v[4]), x=v[5], y=v[6], incident_id=v[7],
                last_report_at=None if v[8] is None else datetime.fromisoformat(v[8]),
                eta_at=None if v[9] is None else datetime.fromisoformat(v[9]), post=v[10])


def _incident_values(i: Incident) -> dict[str, Any]:
    return {"type": i.type, "priority": i.priority, "status": i.status.value, "x": i.x,
            "y": i.y, "address": i.address, "cell_code": i.cell_code,
            "created_at": i.created_at, "caller_name": i.caller_name,
            "callback_number": i.callback_number, "description": i.description,
            "units": list(i.units),
            "status_times": {k: iso(v) for k, v in i.status_times.items()},
            "calls": i.calls, "notes": list(i.notes), "level": i.level}


def _chunks(items: Sequence[T], size: int = _IN_CHUNK) -> Iterable[Sequence[T]]:
    for n in range(0, len(items), size):
        yield items[n:n + size]


class BatchWriter:
    """The log head, the touched objects and the pending rows of one write transaction.

    Create it on `Database.write_connection()` (it locks the log head at once), let
    commands `load`, `append` and `save`, then `finish` before the transaction commits.
    """

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._session: Session | None = None
        self._postgresql = self.conn.dialect.name == "postgresql"
        self._cursor = self.conn.connection.cursor()  # in the transaction SQLAlchemy began
        self.seq, self.hash = self._lock_head()
        self._flushed_seq = self.seq
        self._units: dict[str, Unit] = {}
        self._incidents: dict[str, Incident] = {}
        # What each row held when read (None: not in the table yet), to write only changes.
        self._stored_units: dict[str, UnitValues | None] = {}
        self._stored_incidents: dict[str, dict[str, Any] | None] = {}
        self._dirty_units: set[str] = set()
        self._dirty_incidents: set[str] = set()
        self._events: list[tuple[Any, ...]] = []
        self._personal: list[tuple[int, str, str]] = []
        self._keys: list[tuple[str, str, int]] = []
        # What commands changed in the projected tables: State attribute -> key -> object.
        self._projected: dict[str, dict[Any, Any]] = {p.attribute: {} for p in PROJECTED}
        self._attachments: dict[str, bytes] = {}

    def resume(self, conn: Connection) -> None:
        """Go on in a new write transaction on `conn`, after `finish` and the commit.

        The incidents and units read before are kept when the log head is where this
        writer left it: every change to their tables comes with an event, so an
        unchanged head means nobody else wrote them meanwhile. Otherwise they are
        forgotten and read again. (For `CommandService.hold`, whose many small
        transactions would otherwise read the same incidents again each time.)
        """
        self.conn = conn
        self._postgresql = conn.dialect.name == "postgresql"
        self._cursor = conn.connection.cursor()
        seq, hash_ = self._lock_head()
        if (seq, hash_) != (self.seq, self.hash) or self._dirty_units or \
                self._dirty_incidents:
            self._units.clear()
            self._incidents.clear()
            self._stored_units.clear()
            self._stored_incidents.clear()
            self._dirty_units.clear()
            self._dirty_incidents.clear()
        self.seq, self.hash = seq, hash_
        self._flushed_seq = seq
        self._attachments.clear()

    @property
    def session(self) -> Session:
        """An ORM session in this transaction, for the few commands that need one
        (operators, cities); made on first use. `flush` first to let it see the buffer."""
        if self._session is None:
            self._session = Session(bind=self.conn, expire_on_commit=False)
        return self._session

    def finish(self) -> None:
        """Write everything, the ORM session's changes included; the caller commits."""
        self.flush()
        self._cursor.close()
        if self._session is not None:
            self._session.flush()
            self._session.close()  # leaves the connection's transaction to the caller
            self._session = None

    def event(self, seq: int) -> Event | None:
        """The stored event `seq` (for the answer to a resent command)."""
        row = self.conn.execute(select(_EVENTS).where(_EVENTS.c.seq == seq)).first()
        return None if row is None else with_personal(self.conn, [row])[0]

    def _sql(self, statement: str) -> str:
        return statement.replace("?", "%s") if self._postgresql else statement

    def _run(self, statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        self._cursor.execute(self._sql(statement), params)
        return list(self._cursor.fetchall()) if self._cursor.description else []

    def _run_many(self, statement: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self._cursor.executemany(self._sql(statement), rows)

    def _insert(self, head: str, rows: Sequence[Sequence[Any]]) -> None:
        """`head VALUES (..), (..), ..`: one statement for many rows, which psycopg runs
        several times faster than `executemany` (and SQLite no slower)."""
        for chunk in _chunks(rows, _ROWS_PER_INSERT):
            one = "(" + ", ".join("?" * len(chunk[0])) + ")"
            self._run(f"{head} VALUES {', '.join([one] * len(chunk))}",
                      [value for row in chunk for value in row])

    def _lock_head(self) -> tuple[int, str]:
        # PostgreSQL: a row lock serialises appends; SQLite holds the write lock already.
        rows = self._run("SELECT seq, hash FROM log_head WHERE id = 1"
                         + (" FOR UPDATE" if self._postgresql else ""))
        if not rows:
            # Never restart the chain over events that are there: refuse, naming the problem.
            last = self._run("SELECT MAX(seq) FROM events")[0][0]
            if last is not None:
                raise LogHeadMissing(int(last))
            # An empty log from a schema created without the migration's seed row.
            self._run("INSERT INTO log_head (id, seq, hash) VALUES (1, 0, ?)", (GENESIS_HASH,))
            return 0, GENESIS_HASH
        return int(rows[0][0]), str(rows[0][1])

    # -- reading ----------------------------------------------------------------------

    def preload(self, incident_ids: Iterable[str], unit_ids: Iterable[str]) -> None:
        """Read the named incidents and units that are not here yet (a query or two)."""
        want_units = sorted(set(unit_ids) - self._stored_units.keys())
        for chunk in _chunks(want_units):
            for row in self._run(_SELECT_UNITS + f"({', '.join('?' * len(chunk))})", chunk):
                uid, values = row[0], tuple(row[1:])
                self._units[uid] = _unit_from_values(uid, values)
                self._stored_units[uid] = values
        want_incidents = sorted(set(incident_ids) - self._stored_incidents.keys())
        for chunk in _chunks(want_incidents):
            for row in self.conn.execute(select(_INCIDENTS).where(_INCIDENTS.c.id.in_(chunk))):
                incident = incident_from_row(row)  # type: ignore[arg-type]
                self._incidents[row.id] = incident
                self._stored_incidents[row.id] = _incident_values(incident)
        # Remember what is not there, so a command that asks again does not query again.
        for uid in want_units:
            self._stored_units.setdefault(uid, None)
        for iid in want_incidents:
            self._stored_incidents.setdefault(iid, None)

    def load(self, incident_ids: Iterable[str], unit_ids: Iterable[str]) -> State:
        """A scratch state holding the named incidents and units that exist.

        The objects are shared with this writer: apply events to the state, then `save`.
        """
        incident_ids, unit_ids = set(incident_ids), set(unit_ids)
        self.preload(incident_ids, unit_ids)
        state = State()
        for iid in incident_ids:
            if iid in self._incidents:
                state.incidents[iid] = self._incidents[iid]
        for uid in unit_ids:
            if uid in self._units:
                state.units[uid] = self._units[uid]
        return state

    def known_keys(self, keys: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
        """Which idempotency keys were used before, and the event each recorded."""
        found: dict[tuple[str, str], int] = {}
        wanted = sorted(keys)
        for chunk in _chunks(wanted):
            rows = self._run(_SELECT_KEYS.format(", ".join(["(?, ?)"] * len(chunk))),
                             [part for key in chunk for part in key])
            for source, client_id, seq in rows:
                found[(source, client_id)] = int(seq)
        return found

    # -- writing ----------------------------------------------------------------------

    def append(self, *, at: datetime, actor: str, type_: str, payload: dict[str, Any],
               incident_id: str | None = None, unit_id: str | None = None) -> Event:
        """Chain one event after the last and buffer its row."""
        event, row = new_event(self.hash, self.seq + 1, at=at, actor=actor, type_=type_,
                               payload=payload, incident_id=incident_id, unit_id=unit_id)
        self._events.append((row["seq"], row["at"], row["actor"], row["type"],
                             row["incident_id"], row["unit_id"], row["payload"],
                             row["prev_hash"], row["hash"], row["v"], row["personal_hash"]))
        if row["personal"] is not None:
            self._personal.append((row["seq"], *row["personal"]))
        self.seq, self.hash = event.seq, event.hash
        return event

    def save(self, state: State) -> None:
        """Mark every incident and unit of `state` changed (and keep them as current)."""
        # An object saved without being read is new (`flush` inserts it): later commands
        # of the transaction need not look for it in the table.
        for iid, incident in state.incidents.items():
            self._incidents[iid] = incident
            self._dirty_incidents.add(iid)
            self._stored_incidents.setdefault(iid, None)
        for uid, unit in state.units.items():
            self._units[uid] = unit
            self._dirty_units.add(uid)
            self._stored_units.setdefault(uid, None)
        for projected in PROJECTED:
            self._projected[projected.attribute].update(getattr(state, projected.attribute))

    def attach(self, data: bytes | str) -> str:
        """Keep data the log names only by its digest (returned) for the rows written
        from the state: an operator's password hash, a city's definition."""
        raw = data.encode() if isinstance(data, str) else data
        digest = content_digest(raw)
        self._attachments[digest] = raw
        return digest

    def attachment(self, digest: str | None, what: str) -> bytes:
        """The data attached under `digest`; `ValueError` naming `what` if none was."""
        try:
            return self._attachments[digest or ""]
        except KeyError:
            raise ValueError(f"{what}: the command attached no data with digest "
                             f"{digest}") from None

    def remember_key(self, key: tuple[str, str], seq: int) -> None:
        """Record that idempotency key `key` produced event `seq`."""
        self._keys.append((key[0], key[1], seq))

    def flush(self) -> None:
        """Send everything buffered to the database (still inside the transaction)."""
        self._insert(_INSERT_EVENT, self._events)
        self._events = []
        self._insert(_INSERT_PERSONAL, self._personal)
        self._personal = []
        self._insert(_INSERT_KEY, self._keys)
        self._keys = []
        self._flush_units()
        self._flush_incidents()
        self._flush_projected()
        if self.seq != self._flushed_seq:
            if self._postgresql:
                # One notice for the whole batch (listeners read the log from where they
                # are), sent by the head's update itself: one round trip, not two.
                self._run(_UPDATE_HEAD + " RETURNING pg_notify(?, ?)",
                          (self.seq, self.hash, NOTIFY_CHANNEL, str(self.seq)))
            else:
                self._run(_UPDATE_HEAD, (self.seq, self.hash))
            self._flushed_seq = self.seq

    def _flush_units(self) -> None:
        inserts: list[tuple[Any, ...]] = []
        # Rows grouped by the columns that changed: a position report rewrites x, y and
        # the report time, not the status (and its index).
        updates: dict[tuple[int, ...], list[tuple[Any, ...]]] = {}
        for uid in sorted(self._dirty_units):  # a fixed order: no crosswise row locks
            values = _unit_values(self._units[uid])
            before = self._stored_units.get(uid)
            if before is None:
                inserts.append((uid, *values))
            else:
                changed = tuple([n for n in _UNIT_INDEXES if values[n] != before[n]])
                if changed:
                    updates.setdefault(changed, []).append(
                        (*(values[n] for n in changed), uid))
            self._stored_units[uid] = values
        self._dirty_units.clear()
        self._insert(_INSERT_UNIT, inserts)
        for changed, rows in updates.items():
            columns = ", ".join(f"{_UNIT_COLUMNS[n]} = ?" for n in changed)
            self._run_many(f"UPDATE units SET {columns} WHERE id = ?", rows)

    def _flush_incidents(self) -> None:
        inserts, updates = [], []
        for iid in sorted(self._dirty_incidents):
            values = _incident_values(self._incidents[iid])
            before = self._stored_incidents.get(iid)
            if before is None:
                inserts.append({**values, "id": iid})
            elif values != before:
                updates.append({**values, "b_id": iid})
            self._stored_incidents[iid] = values
        self._dirty_incidents.clear()
        if inserts:
            self.conn.execute(_INSERT_INCIDENT, inserts)
        if updates:
            self.conn.execute(_UPDATE_INCIDENT, updates)

    def _flush_projected(self) -> None:
        # One query for the stored rows of a batch and one insert per shape of new row:
        # an import of thousands of registry records is not thousands of round trips.
        for projected in PROJECTED:
            changed = self._projected[projected.attribute]
            if not changed:
                continue
            key_column = projected.table.c[projected.key]
            keys = sorted(changed)
            stored_rows: dict[Any, Mapping[str, Any]] = {}
            for chunk in _chunks(keys):
                for row in self.conn.execute(select(projected.table).where(
                        key_column.in_(chunk))).mappings():
                    stored_rows[row[projected.key]] = row
            inserts: dict[tuple[str, ...], list[dict[str, Any]]] = {}
            for key in keys:
                stored = stored_rows.get(key)
                values = projected.values(changed[key], self, stored)
                if stored is None:
                    row_values = {projected.key: key, **values}
                    inserts.setdefault(tuple(sorted(row_values)), []).append(row_values)
                elif values:
                    self.conn.execute(update(projected.table).where(key_column == key)
                                      .values(values))
            for rows in inserts.values():
                self.conn.execute(insert(projected.table), rows)
            changed.clear()


@dataclass(frozen=True, slots=True)
class ProjectedTable:
    """A table written from one of `State`'s dicts (beyond incidents and units, which
    have their own fast path): which dict, which table and key column, and the row's
    values for an object, given the row as stored (None: a new row; return only what
    changes, {} for nothing). Data the log names by digest comes from `writer.attach`.
    A new event-sourced table is one more entry in `PROJECTED` (and in
    `core.audit.tables.TABLE_CHECKS`, which checks it against a replay).
    """

    attribute: str
    table: Table
    key: str
    values: Callable[[Any, BatchWriter, Mapping[str, Any] | None], dict[str, Any]]


def _operator_values(op: Operator, writer: BatchWriter, stored: Mapping[str, Any] | None
                     ) -> dict[str, Any]:
    values: dict[str, Any] = {"display_name": op.display_name, "role": op.role,
                              "created_at": op.created_at}
    # The hash is written when the log names a new one (a change of role keeps it). An
    # operator recorded before the log carried digests keeps the hash its row has.
    if op.password_digest is None and stored is not None:
        return values
    if stored is None or content_digest(stored["password_hash"]) != op.password_digest:
        values["password_hash"] = writer.attachment(op.password_digest,
                                                    f"operator {op.username}").decode()
    return values


def _city_values(city: CityRecord, writer: BatchWriter, stored: Mapping[str, Any] | None
                 ) -> dict[str, Any]:
    if stored is not None:
        return {}  # a city is loaded once and never changed: each load is a new row
    return {"name": city.name, "source": city.source, "created_at": city.created_at,
            "data": writer.attachment(city.digest, f"city {city.name}")}


def _alarm_values(alarm: Alarm, writer: BatchWriter, stored: Mapping[str, Any] | None
                  ) -> dict[str, Any]:
    values = alarm_row_values(alarm)
    if stored is not None:
        values = {k: v for k, v in values.items() if stored[k] != v}
        if not values:
            return {}
    return {**values, "seq": writer.seq}


def alarm_row_values(alarm: Alarm) -> dict[str, Any]:
    """An alarm as its row stores it (times as the `UTCTime` columns read them back)."""
    return {"kind": alarm.kind.value, "source": alarm.source, "text": alarm.text,
            "raised_at": alarm.raised_at, "raised_by": alarm.raised_by,
            "incident_id": alarm.incident_id, "unit_id": alarm.unit_id, "x": alarm.x,
            "y": alarm.y, "acknowledged_at": alarm.acknowledged_at,
            "acknowledged_by": alarm.acknowledged_by, "escalated_at": alarm.escalated_at,
            "resumed_at": alarm.resumed_at}


def _checklist_values(checklist: dict[str, Any], writer: BatchWriter,
                      stored: Mapping[str, Any] | None) -> dict[str, Any]:
    return {"playbook_id": checklist["playbook_id"], "data": checklist}


def _proposal_values(proposal: dict[str, Any], writer: BatchWriter,
                     stored: Mapping[str, Any] | None) -> dict[str, Any]:
    return {"incident_id": proposal["incident_id"], "data": proposal}


PROJECTED: list[ProjectedTable] = [
    ProjectedTable("operators", OperatorRow.__table__, "username", _operator_values),
    ProjectedTable("cities", CityRow.__table__, "id", _city_values),
    ProjectedTable("registry", RegistryRow.__table__, "record_id", registry_table_values),
    ProjectedTable("evacuations", EvacuationRow.__table__, "evacuation_id",
                   evacuation_table_values),
    ProjectedTable("alarms", AlarmRow.__table__, "id", _alarm_values),
    ProjectedTable("playbooks", PlaybookActivationRow.__table__, "incident_id",
                   _checklist_values),
    ProjectedTable("proposals", ProposalRow.__table__, "id", _proposal_values),
    ProjectedTable("road_closures", RoadClosureRow.__table__, "road", road_closure_values),
    ProjectedTable("refcodes", ReferenceCodeRow.__table__, "incident_id",
                   refcode_table_values),
]
