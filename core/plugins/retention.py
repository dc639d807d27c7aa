"""How long sensor readings are kept, and pruning the older ones.

Readings are many (`sensor_readings`, a time series beside the log) and lose their use
with age: what mattered (a threshold crossed, the incident it raised, a sensor that fell
silent) is an event in the log and stays. The plugin host prunes once an hour on its
writer thread; `beacon plugin prune` does it by hand. The period is the settings file's
`[plugins] keep_readings_days` (default 30).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from core.plugins.tables import SensorReadingRow
from core.store.database import Database

DEFAULT_KEEP_DAYS = 30.0
MAX_KEEP_DAYS = 36_500.0
PRUNE_EVERY_S = 3600.0
# Rows deleted per statement: a first prune of a year of readings never holds one long
# transaction (and its locks) over the whole table.
BATCH = 20_000


def check_keep_days(value: object, where: str = "keep_readings_days") -> float:
    """A retention period in days (more than 0, at most 100 years); ValueError naming
    `where` otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) \
            or not math.isfinite(value) or not 0 < value <= MAX_KEEP_DAYS:
        raise ValueError(f"{where} must be a number of days above 0 and at most "
                         f"{MAX_KEEP_DAYS:g}")
    return float(value)


def keep_readings_days() -> float:
    """The retention period the settings give (the default when they are silent)."""
    from core.settings import load_settings

    configured = load_settings().keep_readings_days
    return DEFAULT_KEEP_DAYS if configured is None else configured


def prune_readings(db: Database, now: datetime, keep_days: float) -> int:
    """Delete readings taken more than `keep_days` before `now`; returns how many."""
    before = now - timedelta(days=check_keep_days(keep_days))
    removed = 0
    while True:
        with db.transaction() as session:
            ids = session.scalars(select(SensorReadingRow.id).where(SensorReadingRow.at < before)
                                  .order_by(SensorReadingRow.id).limit(BATCH)).all()
            if not ids:
                return removed
            # Up to the batch's last id (no list of thousands of bound parameters).
            session.execute(delete(SensorReadingRow).where(SensorReadingRow.at < before,
                                                           SensorReadingRow.id <= ids[-1]))
        removed += len(ids)
