"""Drill scenarios: TOML files a planner edits (format in `docs/scenarios.md`).

`load_scenario` validates everything and raises `UserError` naming the file, the part
and what is wrong, so a planner can fix a typo without reading a traceback.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.domain.incident_types import INCIDENT_TYPES
from core.errors import UserError, ValidationError
from core.geo import check_latlon
from core.text import check_free_text, check_name
from core.user_files import load_user_toml

if TYPE_CHECKING:
    from core.city.model import City

_DURATION_RE = re.compile(r"^\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*(?:(\d+)\s*s)?\s*$")
_CLOCK_RE = re.compile(r"^(\d+):([0-5]\d)(?::([0-5]\d))?$")
MAX_CALLS_PER_HOUR = 3600
MAX_OFFSET_S = 7 * 24 * 3600  # a drill lasts at most a week; every time offset within it
MAX_INJECTS = 100_000
MAX_SCENARIO_BYTES = 4 * 1024 * 1024
INJECT_KINDS = ("call", "close_road", "reopen_road", "unit_out_of_service", "unit_back",
                "surge")


def parse_offset(value: object, where: str) -> float:
    """Seconds from the drill's start: "HH:MM[:SS]", "1h 30m", "90s", or a number."""
    if isinstance(value, bool):
        raise UserError(f"{where}: not a time offset: {value!r}")
    if isinstance(value, (int, float)):
        if not math.isfinite(value) or not 0 <= value <= MAX_OFFSET_S:
            raise UserError(f"{where}: time offset must be a finite number of seconds from 0 to "
                            f"{MAX_OFFSET_S:,} (a week)")
        return float(value)
    if isinstance(value, str) and len(value) <= 40:
        m = _CLOCK_RE.match(value.strip())
        seconds = None
        if m:
            h, mi, s = m.groups()
            seconds = int(h) * 3600 + int(mi) * 60 + int(s or 0)
        m = _DURATION_RE.match(value)
        if seconds is None and m and any(m.groups()):
            h, mi, s = (int(g or 0) for g in m.groups())
            seconds = h * 3600 + mi * 60 + s
        if seconds is not None:
            if seconds > MAX_OFFSET_S:
                raise UserError(f"{where}: {value!r} is beyond a week ({MAX_OFFSET_S:,} s)")
            return seconds
    raise UserError(f"{where}: not a time offset: {value!r} (use \"00:05:00\", \"1h 30m\" "
                    "or seconds)")


@dataclass(frozen=True, slots=True)
class Inject:
    """One scripted event: at `at_s` seconds into the drill, do `kind` with `data`."""

    at_s: float
    kind: str
    data: dict[str, Any]
    where: str = ""  # where it is in the file, e.g. "inject[3]" (injects are re-sorted)


@dataclass(frozen=True, slots=True)
class Scenario:
    """A validated drill scenario."""

    name: str
    description: str
    start: datetime
    duration_s: float
    speed: float
    seed: int
    dispatch: str  # a policy: "closest", "optimizer" or "manual" (`auto` is read as optimizer)
    turnout_s: float  # for a unit kind `turnout` does not name
    on_scene_s: dict[str, float]
    default_on_scene_s: float
    report_every_s: float
    injects: tuple[Inject, ...]
    calls_per_hour: float = 0.0
    call_mix: dict[str, float] = field(default_factory=dict)
    source: str = ""
    #: Turnout by unit kind (`UnitKind` values); other kinds take `turnout_s`.
    turnout_by_kind: dict[str, float] = field(default_factory=dict)
    #: Log-normal spread of on-scene times (0: always the median), by type and default.
    on_scene_spread: dict[str, float] = field(default_factory=dict)
    default_on_scene_spread: float = 0.35
    #: `[city]` (see `core.drill.city_setup`): None for the database's (or demo) city.
    city: dict[str, Any] | None = None
    #: `[[fleet.station]]`: the planner's stations and units, replacing the city's.
    fleet: tuple[dict[str, Any], ...] = ()
    #: `drill.move_ups`: the optimizer policy also moves idle units up to cover empty
    #: areas (off unless the scenario asks).
    move_ups: bool = False


def load_scenario(path: Path | str) -> Scenario:
    """Read and validate a scenario file."""
    path = Path(path)
    doc = load_user_toml(path, "scenario", max_bytes=MAX_SCENARIO_BYTES)
    try:
        return parse_scenario(doc, source=str(path))
    except UserError as exc:
        raise UserError(f"scenario {path}: {exc}") from None


def _get(table: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str,
         default: Any = ...) -> Any:
    if key not in table:
        if default is ...:
            raise UserError(f"{where}.{key} is missing")
        return default
    value = table[key]
    if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
        raise UserError(f"{where}.{key}: expected {_kind_name(kind)}, got {value!r}")
    if not isinstance(value, kind):
        raise UserError(f"{where}.{key}: expected {_kind_name(kind)}, got {value!r}")
    return value


def _kind_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    names = {str: "text", int: "a whole number", float: "a number", dict: "a table",
             list: "a list", datetime: "a date and time", bool: "true or false"}
    return " or ".join(names.get(k, k.__name__) for k in kinds)


DRILL_KEYS = frozenset({"name", "description", "start", "duration", "speed", "seed",
                        "dispatch", "report_every", "turnout", "move_ups"})


def parse_scenario(doc: dict[str, Any], source: str = "") -> Scenario:
    """Validate a scenario document (as parsed from TOML)."""
    drill = _get(doc, "drill", dict, "scenario")
    unknown = set(doc) - {"drill", "inject", "random_calls", "on_scene", "city", "fleet",
                          "calls"}
    if unknown:
        raise UserError(f"unknown section(s): {', '.join(sorted(unknown))}")
    # A misspelt key (`duraton`) would otherwise play the default silently.
    unknown = set(drill) - DRILL_KEYS
    if unknown:
        raise UserError(f"drill: unknown key(s) {', '.join(sorted(unknown))} (known: "
                        f"{', '.join(sorted(DRILL_KEYS))})")
    name = _name(_get(drill, "name", str, "drill"), "drill.name")
    if not name:
        raise UserError("drill.name is empty")
    start = _get(drill, "start", (datetime, str), "drill",
                 datetime(2026, 3, 1, 8, 0, tzinfo=UTC))
    if isinstance(start, str):
        try:
            start = datetime.fromisoformat(start)
        except ValueError:
            raise UserError(f"drill.start: not a date and time: {start!r}") from None
    if start.tzinfo is None:
        start = start.replace(tzinfo=UTC)
    duration_s = parse_offset(_get(drill, "duration", (str, int, float), "drill", "2h"),
                              "drill.duration")
    if duration_s <= 0:
        raise UserError("drill.duration must be longer than zero")
    speed = float(_get(drill, "speed", (int, float), "drill", 10))
    if not 0 < speed <= 1000:
        raise UserError("drill.speed must be between 0 and 1000 (times real time)")
    from core.drill.policy import policy_name

    dispatch = policy_name(_get(drill, "dispatch", str, "drill", "auto"), "drill.dispatch")
    move_ups = _get(drill, "move_ups", bool, "drill", False)
    turnout_s, turnout_by_kind = _turnout(drill)
    report_every_s = parse_offset(_get(drill, "report_every", (str, int, float), "drill", 15),
                                  "drill.report_every")
    if report_every_s < 1:
        raise UserError("drill.report_every must be at least 1 second")

    on_scene_table = _get(doc, "on_scene", dict, "scenario", {})
    default_spread = _spread(on_scene_table.get("spread", 0.35), "on_scene.spread")
    default_on_scene, spread = _on_scene_value(on_scene_table.get("default", "20m"),
                                               "on_scene.default", default_spread)
    default_spread = spread
    on_scene: dict[str, float] = {}
    on_scene_spread: dict[str, float] = {}
    for key, value in on_scene_table.items():
        if key in ("default", "spread"):
            continue
        if key not in INCIDENT_TYPES:
            raise UserError(f"on_scene.{key}: unknown incident type")
        on_scene[key], on_scene_spread[key] = _on_scene_value(value, f"on_scene.{key}",
                                                              default_spread)

    injects = []
    raw_injects = _get(doc, "inject", list, "scenario", [])
    if len(raw_injects) > MAX_INJECTS:
        raise UserError(f"inject: more than {MAX_INJECTS:,} injects")
    for n, raw in enumerate(raw_injects):
        where = f"inject[{n}]"
        if not isinstance(raw, dict):
            raise UserError(f"{where}: expected a table")
        at_s = parse_offset(raw.get("at", ...) if "at" in raw else _missing(where, "at"),
                            f"{where}.at")
        kinds = [k for k in INJECT_KINDS if k in raw]
        if len(kinds) != 1:
            raise UserError(f"{where}: give exactly one of {', '.join(INJECT_KINDS)}")
        extra = set(raw) - {"at", *INJECT_KINDS}
        if extra:
            raise UserError(f"{where}: unknown key(s) {', '.join(sorted(extra))}")
        kind = kinds[0]
        injects.append(Inject(at_s, kind, _inject_data(kind, raw[kind], where), where))

    from core.drill.calls_csv import load_calls
    from core.drill.city_setup import parse_city, parse_fleet

    base = Path(source).parent if source else Path.cwd()
    city = parse_city(doc["city"], base) if "city" in doc else None
    fleet = parse_fleet(doc["fleet"]) if "fleet" in doc else ()
    if "calls" in doc:
        if not isinstance(doc["calls"], dict):
            raise UserError("calls: expected a table with file, columns and types")
        for call in load_calls(doc["calls"], base, duration_s):
            data = call["data"]
            if "lat" in data:
                try:
                    check_latlon(data["lat"], data["lon"])
                except ValueError as exc:
                    raise UserError(f"{call['where']}: {exc}") from None
            injects.append(Inject(call["at_s"], "call", data, call["where"]))
    if len(injects) > MAX_INJECTS:
        raise UserError(f"more than {MAX_INJECTS:,} injects and calls")

    random_calls = _get(doc, "random_calls", dict, "scenario", {})
    per_hour = float(_get(random_calls, "per_hour", (int, float), "random_calls", 0))
    if not 0 <= per_hour <= MAX_CALLS_PER_HOUR:
        raise UserError(f"random_calls.per_hour must be from 0 to {MAX_CALLS_PER_HOUR}")
    mix_raw = _get(random_calls, "mix", dict, "random_calls", {} if not per_hour else ...)
    mix: dict[str, float] = {}
    for type_code, weight in mix_raw.items():
        if type_code not in INCIDENT_TYPES:
            raise UserError(f"random_calls.mix.{type_code}: unknown incident type")
        if (isinstance(weight, bool) or not isinstance(weight, (int, float))
                or not math.isfinite(weight) or not 0 <= weight <= 1e6):
            raise UserError(f"random_calls.mix.{type_code}: weight must be a number from 0 "
                            "to 1,000,000")
        mix[type_code] = float(weight)
    if per_hour and not any(mix.values()):
        raise UserError("random_calls.mix needs at least one type with a weight above 0")

    seed = _get(drill, "seed", int, "drill", 1)
    if not 0 <= seed < 2**63:
        raise UserError("drill.seed must be a whole number from 0 to 2**63 - 1")
    description = _get(drill, "description", str, "drill", "")
    _checked(check_free_text, description, "drill.description")
    return Scenario(
        name=name, description=description, start=start,
        duration_s=duration_s, speed=speed, seed=seed,
        dispatch=dispatch, turnout_s=turnout_s, on_scene_s=on_scene,
        default_on_scene_s=default_on_scene, report_every_s=report_every_s,
        injects=tuple(sorted(injects, key=lambda i: i.at_s)), calls_per_hour=per_hour,
        call_mix=mix, source=source, turnout_by_kind=turnout_by_kind,
        on_scene_spread=on_scene_spread, default_on_scene_spread=default_spread,
        city=city, fleet=fleet, move_ups=move_ups)


MAX_SPREAD = 2.0


def _spread(value: Any, where: str) -> float:
    if (isinstance(value, bool) or not isinstance(value, (int, float))
            or not math.isfinite(value) or not 0 <= value <= MAX_SPREAD):
        raise UserError(f"{where}: expected a number from 0 (always the median) to "
                        f"{MAX_SPREAD:g}, got {value!r}")
    return float(value)


def _on_scene_value(value: Any, where: str, spread: float) -> tuple[float, float]:
    """An on-scene time: a duration (the median, with the default spread) or a table
    `{ median = "20m", spread = 0.4 }`."""
    if isinstance(value, dict):
        extra = set(value) - {"median", "spread"}
        if extra:
            raise UserError(f"{where}: unknown key(s) {', '.join(sorted(extra))} (use median "
                            "and spread)")
        median = parse_offset(value["median"] if "median" in value else _missing(
            where, "median"), f"{where}.median")
        return median, _spread(value.get("spread", spread), f"{where}.spread")
    return parse_offset(value, where), spread


def _turnout(drill: dict[str, Any]) -> tuple[float, dict[str, float]]:
    """`turnout`: one duration for every kind, or a table by unit kind with `default`."""
    from core.dispatch.turnout import DEFAULT_TURNOUT_S, FALLBACK_TURNOUT_S
    from core.domain.kinds import UnitKind

    value = drill.get("turnout")
    if value is None:  # Beacon's table by kind (core/dispatch/turnout.py)
        return FALLBACK_TURNOUT_S, dict(DEFAULT_TURNOUT_S)
    if not isinstance(value, dict):
        return parse_offset(value, "drill.turnout"), {}
    kinds = {k.value for k in UnitKind}
    by_kind: dict[str, float] = {}
    for key, item in value.items():
        if key != "default" and key not in kinds:
            raise UserError(f"drill.turnout.{key}: unknown unit kind (use default or one of "
                            f"{', '.join(sorted(kinds))})")
        if key != "default":
            by_kind[key] = parse_offset(item, f"drill.turnout.{key}")
    if "default" not in value:
        return FALLBACK_TURNOUT_S, {**DEFAULT_TURNOUT_S, **by_kind}
    return parse_offset(value["default"], "drill.turnout.default"), by_kind


def _mix(raw: Any, where: str) -> dict[str, float]:
    if not isinstance(raw, dict):
        raise UserError(f"{where}: expected a table of incident types and weights")
    mix: dict[str, float] = {}
    for type_code, weight in raw.items():
        if type_code not in INCIDENT_TYPES:
            raise UserError(f"{where}.{type_code}: unknown incident type")
        if (isinstance(weight, bool) or not isinstance(weight, (int, float))
                or not math.isfinite(weight) or not 0 <= weight <= 1e6):
            raise UserError(f"{where}.{type_code}: weight must be a number from 0 "
                            "to 1,000,000")
        mix[type_code] = float(weight)
    if not any(mix.values()):
        raise UserError(f"{where} needs at least one type with a weight above 0")
    return mix


def _surge(value: Any, where: str) -> dict[str, Any]:
    """`surge = { per_hour = 120, duration = "45m", mix = { medical = 3, ... } }`: extra
    random calls at that rate for that long (on top of `random_calls`)."""
    if not isinstance(value, dict):
        raise UserError(f"{where}: expected a table with per_hour, duration and mix")
    extra = set(value) - {"per_hour", "duration", "mix"}
    if extra:
        raise UserError(f"{where}: unknown key(s) {', '.join(sorted(extra))}")
    per_hour = _get(value, "per_hour", (int, float), where)
    if not 0 < per_hour <= MAX_CALLS_PER_HOUR:
        raise UserError(f"{where}.per_hour must be above 0 and at most {MAX_CALLS_PER_HOUR}")
    duration = parse_offset(_get(value, "duration", (str, int, float), where),
                            f"{where}.duration")
    if duration <= 0:
        raise UserError(f"{where}.duration must be longer than zero")
    return {"per_hour": float(per_hour), "duration_s": duration,
            "mix": _mix(_get(value, "mix", dict, where), f"{where}.mix")}


def _checked(rule: Any, value: str, where: str) -> str:
    """`value` passed through a `core.text` rule, its refusal as a scenario `UserError`."""
    try:
        return rule(value, where)
    except ValidationError as exc:
        raise UserError(str(exc)) from None


def _name(value: str, where: str, max_len: int = 200) -> str:
    """A one-line name: no control, bidirectional or zero-width character, not too long."""
    value = _checked(check_name, value, where).strip()
    if len(value) > max_len:
        raise UserError(f"{where} is longer than {max_len} characters")
    return value


def _missing(where: str, key: str) -> None:
    raise UserError(f"{where}.{key} is missing")


def _inject_data(kind: str, value: Any, where: str) -> dict[str, Any]:
    where = f"{where}.{kind}"
    if kind == "call":
        if not isinstance(value, dict):
            raise UserError(f"{where}: expected a table with type and address")
        type_code = _get(value, "type", str, where)
        if type_code not in INCIDENT_TYPES:
            raise UserError(f"{where}.type: unknown incident type {type_code!r}")
        allowed = {"type", "address", "x", "y", "lat", "lon", "priority", "caller",
                   "callback", "description"}
        extra = set(value) - allowed
        if extra:
            raise UserError(f"{where}: unknown key(s) {', '.join(sorted(extra))}")
        data = {"type": type_code, **_call_place(value, where),
                "caller": _name(_get(value, "caller", str, where, ""), f"{where}.caller"),
                "callback": _name(_get(value, "callback", str, where, ""),
                                  f"{where}.callback", 40),
                "description": _checked(check_free_text, _get(
                    value, "description", str, where, ""), f"{where}.description")}
        if "priority" in value:
            data["priority"] = _get(value, "priority", int, where)
            if not 1 <= data["priority"] <= 5:
                raise UserError(f"{where}.priority must be from 1 (highest) to 5")
        return data
    if kind == "surge":
        return _surge(value, where)
    if kind in ("close_road", "reopen_road"):
        if not isinstance(value, str) or not value.strip():
            raise UserError(f"{where}: expected a road name")
        return {"road": _name(value, where)}
    if not isinstance(value, str) or not value.strip():
        raise UserError(f"{where}: expected a unit id")
    return {"unit": _name(value, where)}


_PLACES = (("address",), ("x", "y"), ("lat", "lon"))


def _call_place(value: dict[str, Any], where: str) -> dict[str, Any]:
    """Where a call is: an `address`, `x`/`y` in city metres, or `lat`/`lon` in WGS 84
    degrees; exactly one. Numbers are checked here, the city's map by `place_calls`."""
    given = [keys for keys in _PLACES if any(k in value for k in keys)]
    if len(given) != 1:
        named = ", ".join(k for g in given for k in g if k in value)
        raise UserError(f"{where}: give exactly one of address, x and y, or lat and lon"
                        + (f" (it gives {named})" if named else ""))
    keys = given[0]
    if keys == ("address",):
        return {"address": _name(_get(value, "address", str, where), f"{where}.address")}
    out: dict[str, Any] = {}
    for key in keys:
        number = _get(value, key, (int, float), where)
        if not math.isfinite(number):
            raise UserError(f"{where}.{key}: must be a finite number, not {number!r}")
        out[key] = float(number)
    if keys == ("lat", "lon"):
        try:
            check_latlon(out["lat"], out["lon"])
        except ValueError as exc:
            raise UserError(f"{where}: {exc}") from None
    return out


def place_calls(scenario: Scenario, city: City) -> Scenario:
    """The scenario with every call given by `lat`/`lon` converted to the city's metres,
    and every call position checked against the city's map (with its margin).

    Raises `UserError` naming the file and the call, e.g. `scenario x.toml:
    inject[2].call: (48.856600, 2.352200) is 9,190 km from the centre of ...`.
    """
    from core.errors import ValidationError
    from core.locate import latlon_to_local

    injects = []
    for inject in scenario.injects:
        data = inject.data
        if inject.kind == "call" and "address" not in data:
            where = f"{inject.where or 'inject'}.call"
            try:
                if "lat" in data:
                    x, y = latlon_to_local(city, data["lat"], data["lon"], what=where)
                    data = {**data, "x": x, "y": y}
                else:
                    city.check_position(data["x"], data["y"], what=where)
            except ValidationError as exc:
                prefix = f"scenario {scenario.source}: " if scenario.source else ""
                raise UserError(f"{prefix}{exc}") from None
            inject = Inject(inject.at_s, inject.kind, data, inject.where)
        injects.append(inject)
    return replace(scenario, injects=tuple(injects))


def offset_time(scenario: Scenario, seconds: float) -> datetime:
    """The simulated time `seconds` into the drill."""
    return scenario.start + timedelta(seconds=seconds)
