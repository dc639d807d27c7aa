"""The tables, as typed SQLAlchemy 2 mappings.

Times are stored as ISO 8601 text in UTC with microseconds: the same text on SQLite and
PostgreSQL, sortable, and exactly what the event log's hash chain covers.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from core.events import iso


class UTCTime(TypeDecorator[datetime]):
    """A timezone-aware datetime stored as ISO text (see `iso`)."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> str | None:
        return None if value is None else iso(value)

    def process_result_value(self, value: str | None, dialect: Any) -> datetime | None:
        return None if value is None else datetime.fromisoformat(value)


class Base(DeclarativeBase):
    """The declarative base of every Beacon table."""


class LogHeadRow(Base):
    """One row: the last sequence number and hash; locked to serialise appends."""

    __tablename__ = "log_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    hash: Mapped[str] = mapped_column(String(64))


class EventRow(Base):
    """The append-only, hash-chained event log."""

    __tablename__ = "events"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(120))
    type: Mapped[str] = mapped_column(String(64))
    incident_id: Mapped[str | None] = mapped_column(String(32))
    unit_id: Mapped[str | None] = mapped_column(String(32))
    payload: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # The envelope (see core/event_types.py): the payload's schema version (NULL: an
    # envelope-1 row recorded before versions, read as version 1 and hashed the old
    # way) and the salted hash of the personal fields kept in `event_personal`.
    v: Mapped[int | None] = mapped_column(Integer, nullable=True)
    personal_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)

    __table_args__ = (
        Index("ix_events_incident", "incident_id"),
        Index("ix_events_unit", "unit_id"),
        Index("ix_events_actor", "actor"),
        Index("ix_events_at", "at"),
        Index("ix_events_type", "type"),  # sign-in finds the operator events by it
    )


class EventPersonalRow(Base):
    """The personal fields of one event and the salt of their hash, outside the chain.

    Erasure deletes the row: the values and the salt go, the salted hash stays in the
    event, so the chain still verifies and a guessed value can no longer be checked.
    """

    __tablename__ = "event_personal"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    salt: Mapped[str] = mapped_column(String(32))
    data: Mapped[str] = mapped_column(Text)


class IncidentRow(Base):
    """Current state of an incident (derived from the log, kept for queries)."""

    __tablename__ = "incidents"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    type: Mapped[str] = mapped_column(String(64))
    priority: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(32), index=True)
    x: Mapped[float] = mapped_column(Float)
    y: Mapped[float] = mapped_column(Float)
    address: Mapped[str] = mapped_column(String(200))
    cell_code: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCTime())
    caller_name: Mapped[str] = mapped_column(String(200), default="")
    callback_number: Mapped[str] = mapped_column(String(40), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    units: Mapped[list[str]] = mapped_column(JSON, default=list)
    status_times: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    calls: Mapped[int] = mapped_column(Integer, default=1)
    notes: Mapped[list[str]] = mapped_column(JSON, default=list)
    level: Mapped[int] = mapped_column(Integer, default=0)


class UnitRow(Base):
    """Current state of a unit (derived from the log, kept for queries)."""

    __tablename__ = "units"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(32))
    agency: Mapped[str] = mapped_column(String(32))
    station: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(32), index=True)
    x: Mapped[float] = mapped_column(Float)
    y: Mapped[float] = mapped_column(Float)
    incident_id: Mapped[str | None] = mapped_column(String(32))
    last_report_at: Mapped[datetime | None] = mapped_column(UTCTime())
    eta_at: Mapped[datetime | None] = mapped_column(UTCTime())
    # The station it was moved up to while idle (`unit_relocated`); NULL: at `station`.
    post: Mapped[str | None] = mapped_column(String(32))


class OperatorRow(Base):
    """A person who signs in; the password is stored as an Argon2 hash only."""

    __tablename__ = "operators"
    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(32))
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCTime())


class CityRow(Base):
    """The city the centre serves: its definition as compressed JSON."""

    __tablename__ = "cities"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    source: Mapped[str] = mapped_column(String(200))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCTime())


class ProcessedCommandRow(Base):
    """A command already applied for an idempotency key: (source, client id) -> event.

    Written in the same transaction as the command's event, so a resend of the same
    message (a field unit that lost the acknowledgement) is answered, not applied twice.
    """

    __tablename__ = "processed_commands"
    source: Mapped[str] = mapped_column(String(80), primary_key=True)
    client_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)


class DatabaseProfileRow(Base):
    """What the database is: one row (id 1), written only by the projection.

    `kind` is live, training or demo (NULL: never labelled, which counts as live);
    `clock_domain` is "wall" until a drill plays here, then "simulated"; `exercise`
    names the last drill played. See `core.profile`.
    """

    __tablename__ = "database_profile"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str | None] = mapped_column(String(16))
    clock_domain: Mapped[str] = mapped_column(String(16), default="wall")
    exercise: Mapped[str | None] = mapped_column(String(120))
    seq: Mapped[int] = mapped_column(Integer, default=0)  # the event that last changed it


class CameraRow(Base):
    """A camera of the registry, written only by the projection (`core.domain.state`
    camera handlers, saved by the camera commands). `url` is masked: credentials live
    in the secrets store (`core.cameras.secrets`), never here."""

    __tablename__ = "cameras"
    camera_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    x: Mapped[float] = mapped_column(Float)
    y: Mapped[float] = mapped_column(Float)
    cell: Mapped[str | None] = mapped_column(String(32))
    url: Mapped[str] = mapped_column(Text)
    agency: Mapped[str] = mapped_column(String(60))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    heading_deg: Mapped[float | None] = mapped_column(Float)
    fov_deg: Mapped[float | None] = mapped_column(Float)
