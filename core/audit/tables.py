"""Every table that matters, checked against a replay of the event log.

The hash chain proves the log is whole; it says nothing of the tables beside it, which
the command service writes from the projection (`core.domain.state`) and every reader
trusts. `compare_tables` rebuilds the state from the log alone and names every row
that differs: a value changed by hand, a row added or deleted behind the log's back.

The checked tables form a registry, `TABLE_CHECKS`: each entry says which table, its
key, the columns compared and how the replayed state gives the rows expected. A table
that becomes event-sourced joins with one more entry (`register`); see the entries
below for the pattern.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Table, Text, select, type_coerce
from sqlalchemy.orm import Session

from core.decisions.tables import ProposalRow
from core.domain.model import content_digest
from core.domain.state import CAMERA_FIELDS, PROFILE_DEFAULTS, State
from core.errors import PermissionDenied
from core.hub.tables import HubTokenRow
from core.playbooks.tables import PlaybookActivationRow
from core.public.projection import row_values as refcode_row_values
from core.public.tables import COLUMNS as REFCODE_COLUMNS
from core.public.tables import ReferenceCodeRow
from core.registry.evacuation import COLUMNS as EVACUATION_COLUMNS
from core.registry.evacuation import EvacuationRow
from core.registry.evacuation import row_values as evacuation_row_values
from core.registry.projection import row_values as registry_row_values
from core.registry.tables import COLUMNS as REGISTRY_COLUMNS
from core.registry.tables import RegistryRow
from core.roads.closures import RoadClosureRow
from core.store import event_log
from core.store.alarm_table import AlarmRow
from core.store.batch_writer import alarm_row_values
from core.store.database import Database
from core.store.schema import (
    CameraRow,
    CityRow,
    DatabaseProfileRow,
    EventRow,
    IncidentRow,
    OperatorRow,
    UnitRow,
    UTCTime,
)

Rows = Mapping[Any, Mapping[str, Any]]


class _NotRecorded:
    """An expected value the log does not hold (events older than the field)."""

    def __repr__(self) -> str:
        return "NOT_RECORDED"


NOT_RECORDED: Any = _NotRecorded()


def _equal(column: str, in_table: Any, by_log: Any) -> bool:
    return bool(in_table == by_log)


def _as_stored(row: Mapping[str, Any], columns: Iterable[str]) -> dict[str, Any]:
    return {c: row[c] for c in columns}


@dataclass(frozen=True, slots=True)
class TableCheck:
    """How one table is checked against the replayed state.

    `expected(state)` gives the rows the log implies, key -> {column: value}, values as
    the table's columns read them back (a `UTCTime` reads as an aware datetime, a JSON
    column as lists and dicts); a value of `NOT_RECORDED` is not compared. `stored(row)`
    turns a row read from the table into the same form (default: the columns as read;
    override it to compare a digest of a column instead of the column). `secret` columns
    are compared but their values are never printed. `same(column, in_table, by_log)`
    decides equality (default ==).
    """

    noun: str  # how a row is named: "unit E12"
    table: Table
    key: str
    columns: tuple[str, ...]
    expected: Callable[[State], Rows]
    stored: Callable[[Mapping[str, Any]], Mapping[str, Any]] | None = None
    secret: frozenset[str] = frozenset()
    same: Callable[[str, Any, Any], bool] = _equal


@dataclass(frozen=True, slots=True)
class Difference:
    """One row that is not what the log says: a column's value, or the whole row."""

    table: str
    key: str
    column: str | None  # None: the row is missing on one side
    message: str


def _printable(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, datetime):
        text = value.isoformat()
    elif isinstance(value, str):
        text = value if value and value.isprintable() else repr(value)
    else:
        text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


# -- the registry ---------------------------------------------------------------------

def _incident_rows(state: State) -> Rows:
    return {i.id: {
        "type": i.type, "priority": i.priority, "status": i.status.value, "x": i.x, "y": i.y,
        "address": i.address, "cell_code": i.cell_code, "created_at": i.created_at,
        "caller_name": i.caller_name, "callback_number": i.callback_number,
        "description": i.description, "units": list(i.units),
        "status_times": {k: v.isoformat(timespec="microseconds")
                         for k, v in i.status_times.items()},
        "calls": i.calls, "notes": list(i.notes), "level": i.level,
    } for i in state.incidents.values()}


def _incident_stored(row: Mapping[str, Any]) -> dict[str, Any]:
    values = _as_stored(row, INCIDENT_COLUMNS)
    # Stored as text; compared as the same instants, whatever the offset was written as.
    times = row["status_times"]
    try:
        values["status_times"] = {k: datetime.fromisoformat(v).isoformat(
            timespec="microseconds") for k, v in times.items()}
    except (AttributeError, TypeError, ValueError):
        values["status_times"] = Unreadable(times)
    return values


def _unit_rows(state: State) -> Rows:
    return {u.id: {
        "name": u.name, "kind": u.kind.value, "agency": u.agency.value, "station": u.station,
        "status": u.status.value, "x": u.x, "y": u.y, "incident_id": u.incident_id,
        "last_report_at": u.last_report_at, "eta_at": u.eta_at, "post": u.post,
    } for u in state.units.values()}


def _operator_rows(state: State) -> Rows:
    return {o.username: {
        "display_name": o.display_name, "role": o.role, "created_at": o.created_at,
        "password_hash": NOT_RECORDED if o.password_digest is None else o.password_digest,
    } for o in state.operators.values()}


def _operator_stored(row: Mapping[str, Any]) -> dict[str, Any]:
    values = _as_stored(row, ("display_name", "role", "created_at"))
    values["password_hash"] = content_digest(row["password_hash"])
    return values


def _city_rows(state: State) -> Rows:
    # Before the log held the full digest, the row was written just before its event.
    return {c.id: {"name": c.name, "source": c.source, "data": c.digest,
                   "created_at": c.created_at if len(c.digest) == 64 else NOT_RECORDED}
            for c in state.cities.values()}


def _city_stored(row: Mapping[str, Any]) -> dict[str, Any]:
    return {"name": row["name"], "source": row["source"], "created_at": row["created_at"],
            "data": content_digest(row["data"])}


def _city_same(column: str, in_table: Any, by_log: Any) -> bool:
    if column == "data" and isinstance(by_log, str) and 16 <= len(by_log) < 64:
        return bool(in_table.startswith(by_log))  # logs before the full digest: a prefix
    return bool(in_table == by_log)


INCIDENT_COLUMNS = ("type", "priority", "status", "x", "y", "address", "cell_code",
                    "created_at", "caller_name", "callback_number", "description", "units",
                    "status_times", "calls", "notes", "level")
UNIT_COLUMNS = ("name", "kind", "agency", "station", "status", "x", "y", "incident_id",
                "last_report_at", "eta_at", "post")

ALARM_COLUMNS = ("kind", "source", "text", "raised_at", "raised_by", "incident_id",
                 "unit_id", "x", "y", "acknowledged_at", "acknowledged_by", "escalated_at",
                 "resumed_at")

TABLE_CHECKS: list[TableCheck] = [
    TableCheck("incident", IncidentRow.__table__, "id", INCIDENT_COLUMNS, _incident_rows,
               stored=_incident_stored),
    TableCheck("unit", UnitRow.__table__, "id", UNIT_COLUMNS, _unit_rows),
    TableCheck("operator", OperatorRow.__table__, "username",
               ("display_name", "role", "password_hash", "created_at"), _operator_rows,
               stored=_operator_stored, secret=frozenset({"password_hash"})),
    # The log holds a city's digest, the table its data: a changed byte shows.
    TableCheck("city", CityRow.__table__, "id", ("name", "source", "data", "created_at"),
               _city_rows,
               stored=_city_stored, secret=frozenset({"data"}), same=_city_same),
    TableCheck("access token", HubTokenRow.__table__, "id",
               ("kind", "subject", "token_hash", "created_at", "revoked"),
               lambda state: {k: dict(v) for k, v in state.tokens.items()},
               secret=frozenset({"token_hash"})),
    # The community registry: a person's personal data is compared, never printed.
    TableCheck("registry record", RegistryRow.__table__, "record_id", REGISTRY_COLUMNS,
               lambda state: {k: registry_row_values(r) for k, r in state.registry.items()},
               secret=frozenset({"personal"})),
    TableCheck("evacuation", EvacuationRow.__table__, "evacuation_id", EVACUATION_COLUMNS,
               lambda state: {k: evacuation_row_values(e)
                              for k, e in state.evacuations.items()}),
    # Every alarm: raised, acknowledged (by whom, when), escalated.
    TableCheck("alarm", AlarmRow.__table__, "id", ALARM_COLUMNS,
               lambda state: {a.id: alarm_row_values(a) for a in state.alarms.values()}),
    # Live playbook checklists and joint-decision proposals: JSON written from the state.
    TableCheck("playbook checklist", PlaybookActivationRow.__table__, "incident_id",
               ("playbook_id", "data"),
               lambda state: {k: {"playbook_id": v["playbook_id"], "data": v}
                              for k, v in state.playbooks.items()}),
    TableCheck("decision proposal", ProposalRow.__table__, "id", ("incident_id", "data"),
               lambda state: {k: {"incident_id": v["incident_id"], "data": v}
                              for k, v in state.proposals.items()}),
    TableCheck("road closure", RoadClosureRow.__table__, "road", ("data",),
               lambda state: {k: {"data": v} for k, v in state.road_closures.items()}),
    # One row once anything labelled the database or played a drill on it.
    TableCheck("database profile", DatabaseProfileRow.__table__, "id",
               ("kind", "clock_domain", "exercise"),
               lambda state: ({} if state.profile == PROFILE_DEFAULTS
                              else {1: dict(state.profile)})),
    # The camera registry (URLs masked; credentials are in the secrets store).
    TableCheck("camera", CameraRow.__table__, "camera_id", CAMERA_FIELDS,
               lambda state: {k: dict(v) for k, v in state.cameras.items()}),
    # Callers' reference codes: hashes only, still never printed.
    TableCheck("reference code", ReferenceCodeRow.__table__, "incident_id", REFCODE_COLUMNS,
               lambda state: {k: refcode_row_values(v) for k, v in state.refcodes.items()},
               secret=frozenset({"code_hash"})),
]


def register(check: TableCheck) -> None:
    """Add a table to what `compare_tables` checks (e.g. access tokens, once they are
    written from the projection); a table registered twice is replaced."""
    TABLE_CHECKS[:] = [c for c in TABLE_CHECKS if c.table.name != check.table.name]
    TABLE_CHECKS.append(check)


# -- comparing ------------------------------------------------------------------------

def replay_in(session: Session, failures: list[Difference] | None = None) -> State:
    """The state the whole log implies, read in `session` (streamed in batches).

    An event the projection cannot apply (a tampered log: a note for an incident that
    was never created) is skipped and, when `failures` is given, named there.
    """
    state = State()
    apply = state.apply
    for event in event_log.iter_all(session):
        try:
            apply(event)
        except (KeyError, ValueError, TypeError, AttributeError) as exc:
            if failures is not None:
                failures.append(Difference("events", str(event.seq), None,
                                           f"event {event.seq} ({event.type}) cannot be "
                                           f"replayed: {type(exc).__name__} {exc}"))
            state.last_seq = event.seq
    return state


def compare_state(session: Session, state: State,
                  checks: Iterable[TableCheck] | None = None) -> list[Difference]:
    """Every difference between the tables (read in `session`) and `state`."""
    differences: list[Difference] = []
    for check in TABLE_CHECKS if checks is None else checks:
        differences.extend(_compare_one(session, check, check.expected(state)))
    return differences


@contextmanager
def snapshot(db: Database) -> Iterator[Session]:
    """A read session that sees one state of the database throughout (REPEATABLE READ
    on PostgreSQL; on SQLite, a deferred transaction under WAL reads from the moment
    of its first read), so the log and the tables are read as of the same instant."""
    with db.session() as session:
        if db.is_postgresql:
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        yield session


def compare_tables(db: Database) -> list[Difference]:
    """Replay the log and name every row of every checked table that differs from it.

    The log and the tables are read in one snapshot, so a writer working meanwhile
    shows in both or in neither.
    """
    with snapshot(db) as session:
        failures: list[Difference] = []
        state = replay_in(session, failures)
        return failures + compare_state(session, state)


def _compare_one(session: Session, check: TableCheck, expected: Rows,
                 only_key: Any = None) -> list[Difference]:
    found: list[Difference] = []
    name = check.table.name
    key_column = check.table.c[check.key]
    seen: set[Any] = set()
    for row in _read_rows(session, check.table, key_column, only_key):
        key = row[check.key]
        seen.add(key)
        label = f"{check.noun} {_printable(key)}"
        want = expected.get(key)
        if want is None:
            found.append(Difference(name, str(key), None, f"{label}: in the table, not in "
                                    "the log"))
            continue
        try:
            have = check.stored(row) if check.stored else _as_stored(row, check.columns)
        except (TypeError, ValueError, AttributeError) as exc:
            found.append(Difference(name, str(key), None, f"{label}: the row cannot be "
                                    f"read ({type(exc).__name__}: {exc})"))
            continue
        for column in check.columns:
            by_log, in_table = want[column], have[column]
            if by_log is NOT_RECORDED or check.same(column, in_table, by_log):
                continue
            what = column.replace("_", " ")
            if column in check.secret:
                message = f"{label}: {what} differs from the log"
            else:
                message = (f"{label}: {what} is {_printable(in_table)} in the table, "
                           f"{_printable(by_log)} by the log")
            found.append(Difference(name, str(key), column, message))
    for key in sorted(set(expected) - seen, key=str):
        found.append(Difference(name, str(key), None, f"{check.noun} {_printable(key)}: in "
                                "the log, missing from the table"))
    return sorted(found, key=lambda d: (d.key, d.column or ""))


class Unreadable:
    """A stored value that its column's type cannot read (text where JSON or a time
    belongs, which SQLite accepts): it differs from anything the log says."""

    def __init__(self, raw: Any) -> None:
        self.raw = raw

    def __eq__(self, other: object) -> bool:
        return False

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"unreadable {self.raw!r}"


def _read_rows(session: Session, table: Table, key_column: Any,
               only_key: Any = None) -> Iterator[dict[str, Any]]:
    """The table's rows, each value as its column's type reads it, or `Unreadable`.

    Columns whose type converts on reading (JSON, times) are read as raw text and
    converted one value at a time, so one tampered value is named instead of stopping
    the whole check.
    """
    converters: dict[str, Callable[[Any], Any]] = {}
    columns = []
    for column in table.columns:
        if isinstance(column.type, JSON | UTCTime):
            converters[column.name] = _converter(column)
            columns.append(type_coerce(column, Text).label(column.name))
        else:
            columns.append(column)
    query = select(*columns).order_by(key_column)
    if only_key is not None:
        query = query.where(key_column == only_key)
    for row in session.execute(query).mappings():
        values = dict(row)
        for name, convert in converters.items():
            raw = values[name]
            try:
                values[name] = None if raw is None else convert(raw)
            except (TypeError, ValueError):
                values[name] = Unreadable(raw)
        yield values


def _converter(column: Any) -> Callable[[Any], Any]:
    if isinstance(column.type, UTCTime):
        return _read_time
    return _read_json


def _read_time(raw: Any) -> datetime:
    at = datetime.fromisoformat(raw)
    if at.tzinfo is None:
        raise ValueError(f"time without zone: {raw!r}")
    return at


def _read_json(raw: Any) -> Any:
    # psycopg hands PostgreSQL's json already parsed; SQLite gives the text.
    return json.loads(raw) if isinstance(raw, str) else raw


# -- sign-in ----------------------------------------------------------------------------

OPERATOR_EVENTS = ("operator_created",)  # every event type that changes an operator
_OPERATOR_CHECK = next(c for c in TABLE_CHECKS if c.noun == "operator")


def checked_operator(session: Session, username: str) -> OperatorRow | None:
    """The operator's row, after checking it against the log; None when neither knows it.

    Replays only the operator events (an index on the event type finds them; a few ms
    however long the log), checks each one's hash and its link to the next event, and
    compares the row. A row that differs (a role raised in SQL, a password hash
    replaced) or an operator event that was altered raises `PermissionDenied` naming
    it: sign-in is refused until `beacon audit verify` has been looked at.
    """
    rows = session.execute(select(EventRow).where(EventRow.type.in_(OPERATOR_EVENTS))
                           .order_by(EventRow.seq)).scalars().all()
    state = State()
    for row in rows:
        event = event_log.to_event(row)
        if event.payload.get("username") != username:
            continue
        _check_event(session, row)
        state.apply(event)
    table = session.get(OperatorRow, username)
    if table is None and username not in state.operators:
        return None
    only = {username: state.operators[username]} if username in state.operators else {}
    problems = _compare_one(session, _OPERATOR_CHECK, _operator_rows(State(operators=only)),
                            only_key=username)
    if problems:
        raise PermissionDenied(f"sign-in refused: {problems[0].message}; "
                               "run 'beacon audit verify'", field="username")
    return table


def _check_event(session: Session, row: EventRow) -> None:
    recomputed = event_log.row_hash(row)  # either envelope, as `verify` does
    after = session.execute(select(EventRow.prev_hash).where(EventRow.seq == row.seq + 1)
                            ).scalar_one_or_none()
    if recomputed != row.hash or (after is not None and after != row.hash):
        raise PermissionDenied(f"sign-in refused: event {row.seq} ({row.type}) was altered; "
                               "run 'beacon audit verify'", field="username")


__all__ = ["NOT_RECORDED", "TABLE_CHECKS", "Difference", "TableCheck", "checked_operator",
           "compare_state", "compare_tables", "register", "replay_in", "snapshot"]
