"""The plugin host's own tables: outside the hash-chained log, and not state.

What a host writes here is operational (how a plugin is doing right now, what it keeps
between runs, the sensor readings it delivered, which host runs which plugin): many
rows, rewritten often, and nothing an audit replays. What matters for the record goes
through commands into the log instead (an incident a sensor raised, a plugin switched
on or off).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.store.schema import Base, UTCTime


class PluginStatusRow(Base):
    """How one plugin is doing, as its host last saw it (read by `beacon plugin list`)."""

    __tablename__ = "plugin_status"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[str] = mapped_column(String(32), default="")
    api_version: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[str] = mapped_column(String(16))  # core.plugins.api.PluginState
    message: Mapped[str] = mapped_column(Text, default="")
    next_attempt: Mapped[datetime | None] = mapped_column(UTCTime(), nullable=True)
    accepted: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    host: Mapped[str] = mapped_column(String(120), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCTime())


class PluginStoreRow(Base):
    """What a plugin keeps between runs (`PluginContext.store`), one JSON document each."""

    __tablename__ = "plugin_store"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCTime())


class SensorRow(Base):
    """A sensor a plugin declared: what it measures and where it is (shown on the map)."""

    __tablename__ = "sensors"
    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    plugin: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    unit: Mapped[str] = mapped_column(String(16))
    x: Mapped[float] = mapped_column(Float)
    y: Mapped[float] = mapped_column(Float)
    cell_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    last_value: Mapped[float | None] = mapped_column(Float, nullable=True)
    last_at: Mapped[datetime | None] = mapped_column(UTCTime(), nullable=True)


class SensorReadingRow(Base):
    """One accepted reading: a time series beside the log, never a chained event."""

    __tablename__ = "sensor_readings"
    # By time alone too: retention prunes by age (`core.plugins.retention`).
    __table_args__ = (Index("ix_sensor_readings_sensor_at", "sensor", "at"),
                      Index("ix_sensor_readings_at", "at"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sensor: Mapped[str] = mapped_column(String(80))
    plugin: Mapped[str] = mapped_column(String(64))
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UTCTime())
    received_at: Mapped[datetime] = mapped_column(UTCTime())


class PluginLeaseRow(Base):
    """Which host runs a plugin, until when (several hosts on one PostgreSQL database)."""

    __tablename__ = "plugin_leases"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    host: Mapped[str] = mapped_column(String(120))
    expires_at: Mapped[datetime] = mapped_column(UTCTime())
