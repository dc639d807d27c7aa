"""Sensor kinds, reading validation and threshold rules, shared by host and plugins.

The host checks every reading a plugin delivers with `check_reading` before it is
stored: a reading it refuses is counted against the plugin with the reason and never
stored. `ThresholdWatch` is the rule a sensor plugin applies to decide when to raise,
update and clear an incident; its state is plain JSON, so a plugin keeps it in its
store and a restart carries on where it was.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

# kind -> (unit, lowest plausible, highest plausible, the incident type it raises)
SENSOR_KINDS: dict[str, tuple[str, float, float, str]] = {
    "water_level": ("m", -10.0, 100.0, "flood"),
    "smoke": ("%/m", 0.0, 100.0, "structure_fire"),
    "gas": ("ppm", 0.0, 1_000_000.0, "hazmat"),
    "temperature": ("degC", -80.0, 1200.0, "structure_fire"),
}
# A reading stamped further ahead than this is refused as "from the future".
MAX_CLOCK_SKEW = timedelta(seconds=30)


class ReadingRejected(ValueError):
    """A reading the host will not store; the message is the reason."""


@dataclass(frozen=True, slots=True)
class Sensor:
    """A declared sensor: what it measures and where it is (city metres)."""

    id: str
    kind: str
    unit: str
    x: float
    y: float
    cell_code: str | None = None
    label: str = ""


def check_sensor(data: dict[str, Any]) -> Sensor:
    """A sensor declaration checked field by field; `ReadingRejected` naming the field."""
    sensor_id = data.get("id")
    if (not isinstance(sensor_id, str) or not 0 < len(sensor_id) <= 80
            or not sensor_id.isprintable()):
        raise ReadingRejected("sensor id must be 1-80 printable characters")
    kind = data.get("kind")
    if kind not in SENSOR_KINDS:
        raise ReadingRejected(f"sensor {sensor_id}: unknown kind {kind!r} "
                              f"(known: {', '.join(SENSOR_KINDS)})")
    unit = SENSOR_KINDS[kind][0]
    if data.get("unit", unit) != unit:
        raise ReadingRejected(f"sensor {sensor_id}: a {kind} sensor reads in {unit}, "
                              f"not {data.get('unit')!r}")
    coords = []
    for name in ("x", "y"):
        value = data.get(name)
        if isinstance(value, bool) or not isinstance(value, (int, float)) \
                or not math.isfinite(value):
            raise ReadingRejected(f"sensor {sensor_id}: {name} must be a finite number")
        coords.append(float(value))
    cell = data.get("cell_code")
    if cell is not None and (not isinstance(cell, str) or len(cell) > 32):
        raise ReadingRejected(f"sensor {sensor_id}: cell_code must be text of at most 32")
    label = data.get("label", "")
    if not isinstance(label, str) or len(label) > 200:
        raise ReadingRejected(f"sensor {sensor_id}: label must be text of at most 200")
    return Sensor(sensor_id, kind, unit, coords[0], coords[1], cell, label)


@dataclass(frozen=True, slots=True)
class Reading:
    """One reading that passed `check_reading`."""

    sensor: str
    value: float
    unit: str
    at: datetime


def check_reading(data: dict[str, Any], sensors: dict[str, Sensor], now: datetime) -> Reading:
    """A reading message checked against the declared sensors and the clock.

    Refuses (with the reason) an unknown sensor, a wrong unit, a value that is not a
    finite number or is outside what the kind can read, and a time in the future.
    """
    sensor_id = data.get("sensor")
    sensor = sensors.get(sensor_id) if isinstance(sensor_id, str) else None
    if sensor is None:
        raise ReadingRejected(f"unknown sensor {sensor_id!r}")
    value = data.get("value")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ReadingRejected(f"sensor {sensor.id}: value must be a number, got {value!r}")
    if not math.isfinite(value):
        raise ReadingRejected(f"sensor {sensor.id}: value is not finite ({value!r})")
    if data.get("unit") != sensor.unit:
        raise ReadingRejected(f"sensor {sensor.id}: unit {data.get('unit')!r} is wrong "
                              f"(a {sensor.kind} sensor reads in {sensor.unit})")
    _unit, low, high, _type = SENSOR_KINDS[sensor.kind]
    if not low <= value <= high:
        raise ReadingRejected(f"sensor {sensor.id}: {value} {sensor.unit} is outside "
                              f"{low}..{high}, what a {sensor.kind} sensor can read")
    at_text = data.get("at")
    if at_text is None:
        at = now
    else:
        try:
            at = datetime.fromisoformat(str(at_text))
        except ValueError:
            raise ReadingRejected(f"sensor {sensor.id}: time {at_text!r} is not ISO 8601") \
                from None
        if at.tzinfo is None:
            raise ReadingRejected(f"sensor {sensor.id}: time {at_text!r} has no time zone")
        if at > now + MAX_CLOCK_SKEW:
            raise ReadingRejected(f"sensor {sensor.id}: time {at_text} is in the future")
    return Reading(sensor.id, float(value), sensor.unit, at)


@dataclass(frozen=True, slots=True)
class ThresholdRule:
    """Raise above `raise_above` once the value has stayed there `min_duration_s`;
    clear when it falls below `clear_below` (the gap between them is the hysteresis,
    so a value hovering at the threshold does not raise and clear in turn)."""

    raise_above: float
    clear_below: float
    min_duration_s: float = 0.0

    def __post_init__(self) -> None:
        if not self.clear_below <= self.raise_above:
            raise ValueError("clear_below must not be above raise_above")


class ThresholdWatch:
    """One sensor's threshold state: `feed` says what a new reading calls for.

    `state` is JSON (`high_since`: ISO time or None, `raised`: bool): keep it in the
    plugin's store so a restart neither forgets an open incident nor raises it again.
    """

    def __init__(self, rule: ThresholdRule, state: dict[str, Any] | None = None) -> None:
        self.rule = rule
        self.state: dict[str, Any] = {"high_since": None, "raised": False, **(state or {})}

    def feed(self, value: float, at: datetime) -> str | None:
        """"raise", "update" (still high, already raised), "clear", or None."""
        rule, state = self.rule, self.state
        if state["raised"]:
            if value < rule.clear_below:
                state.update(raised=False, high_since=None)
                return "clear"
            return "update"
        if value > rule.raise_above:
            if state["high_since"] is None:
                state["high_since"] = at.isoformat()
            since = datetime.fromisoformat(state["high_since"])
            if (at - since).total_seconds() >= rule.min_duration_s:
                state["raised"] = True
                return "raise"
            return None
        state["high_since"] = None
        return None
