"""What plugin hosts read and write in the database, outside the log: status rows, each
plugin's store, leases (several hosts), and the on/off switches read from the log."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert, select, update

from core.plugins.tables import PluginLeaseRow, PluginStatusRow, PluginStoreRow
from core.store import event_log
from core.store.database import Database


def plugin_switches(db: Database, after_seq: int = 0) -> tuple[dict[str, bool], int]:
    """Which plugins the log switched on or off after `after_seq` (last word wins),
    and the newest sequence number read."""
    with db.session() as session:
        events = event_log.query(session, event_log.EventQuery(type="plugin_switched",
                                                                after_seq=after_seq))
    switches = {e.payload["plugin"]: bool(e.payload["enabled"]) for e in events}
    return switches, max([after_seq, *(e.seq for e in events)])


def read_status(db: Database) -> dict[str, dict[str, Any]]:
    """The `plugin_status` rows by plugin name, as plain dicts."""
    with db.session() as session:
        rows = session.scalars(select(PluginStatusRow)).all()
        return {r.name: {c.name: getattr(r, c.name) for c in PluginStatusRow.__table__.columns}
                for r in rows}


def write_status(db: Database, rows: dict[str, dict[str, Any]]) -> None:
    """Insert or update the status row of each plugin named (one transaction)."""
    with db.transaction() as session:
        for name, values in rows.items():
            done = session.execute(update(PluginStatusRow).where(
                PluginStatusRow.name == name).values(**values)).rowcount
            if not done:
                session.execute(insert(PluginStatusRow).values(name=name, **values))


def load_stores(db: Database) -> dict[str, dict[str, Any]]:
    """Every plugin's store by name."""
    with db.session() as session:
        return {r.name: dict(r.data or {}) for r in session.scalars(select(PluginStoreRow))}


def save_store(db: Database, name: str, data: dict[str, Any], stamp: datetime) -> None:
    """Replace one plugin's store."""
    with db.transaction() as session:
        done = session.execute(update(PluginStoreRow).where(
            PluginStoreRow.name == name).values(data=data, updated_at=stamp))
        if not done.rowcount:
            session.execute(insert(PluginStoreRow).values(name=name, data=data,
                                                          updated_at=stamp))


def renew_leases(db: Database, host_id: str, names: Iterable[str], lease_s: float,
                 stamp: datetime) -> dict[str, bool]:
    """Take or renew the lease of each plugin named; which ones this host holds now.

    A lease is taken when nobody holds it or its holder let it expire (a host renews
    every second; one that died stops). Two hosts racing for a free lease: the second
    insert fails on the primary key and the whole renewal raises; try again later.
    """
    expires = stamp + timedelta(seconds=lease_s)
    held: dict[str, bool] = {}
    with db.transaction() as session:
        for name in names:
            mine = session.execute(update(PluginLeaseRow).where(
                PluginLeaseRow.name == name,
                (PluginLeaseRow.host == host_id) | (PluginLeaseRow.expires_at < stamp),
            ).values(host=host_id, expires_at=expires)).rowcount
            if not mine and session.get(PluginLeaseRow, name) is None:
                session.execute(insert(PluginLeaseRow).values(name=name, host=host_id,
                                                              expires_at=expires))
                mine = 1
            held[name] = bool(mine)
    return held


def release_leases(db: Database, host_id: str) -> None:
    """Give up every lease of this host (it is stopping: others may take over now)."""
    with db.transaction() as session:
        session.execute(delete(PluginLeaseRow).where(PluginLeaseRow.host == host_id))
