"""The centre's local time: what every person is shown.

Beacon stores and compares times in UTC (`core.events.iso`); a person reads them in the
time zone of the centre that serves the city (`City.time_zone`, an IANA name such as
``Asia/Shanghai``), always with the zone's offset beside them, so a time copied out of a
console or a report can never be mistaken for UTC. A drill's simulated clock is shown
the same way: simulated instants, in the centre's zone.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.errors import ValidationError

DEFAULT_ZONE = "UTC"


@lru_cache(maxsize=32)
def zone(name: str) -> tzinfo:
    """The time zone called `name` (IANA, e.g. ``Asia/Shanghai``, or ``UTC``).

    Raises `ValidationError` naming the zone when there is no such zone.
    """
    if name in ("UTC", "Etc/UTC", "Z"):
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(f"unknown time zone {name!r}: use an IANA name such as "
                              "Asia/Shanghai or UTC", field="time_zone") from None


def offset_text(at: datetime) -> str:
    """The offset of an aware time from UTC as people write it: ``UTC+08:00``."""
    delta = at.utcoffset()
    minutes = int(delta.total_seconds() // 60) if delta is not None else 0
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{mins:02d}"


def to_local(at: datetime, zone_name: str) -> datetime:
    """`at` (timezone-aware) in the centre's zone."""
    if at.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    return at.astimezone(zone(zone_name))


def format_local(at: datetime, zone_name: str, fmt: str = "%Y-%m-%d %H:%M:%S") -> str:
    """`at` as the centre's local time with its offset: ``2026-03-02 07:30:00 UTC+08:00``."""
    local = to_local(at, zone_name)
    return f"{local.strftime(fmt)} {offset_text(local)}"


def local_naive_to_utc(at: datetime, zone_name: str) -> datetime:
    """A time a person typed without a zone, read in the centre's zone; aware times pass."""
    if at.tzinfo is not None:
        return at
    return at.replace(tzinfo=zone(zone_name)).astimezone(UTC)
