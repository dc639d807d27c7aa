"""Reading a live checklist: each step's due time, whether it is overdue or blocked, the
needs of the current level, and whether a rule's conditions hold.

Pure functions over the checklist dicts of `State.playbooks` (see
`core.playbooks.projection`): the console, the command line and the rule service all
read checklists the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from core.domain.lifecycle import UnitStatus
from core.domain.model import Incident, Unit
from core.playbooks.projection import level_entry


@dataclass(frozen=True, slots=True)
class SensorValue:
    """A sensor's newest reading, as a rule condition tests it (`core.playbooks.sensors`
    reads them from the plugin host's `sensors` table)."""

    id: str
    kind: str
    cell: str | None
    value: float | None
    at: datetime | None


@dataclass(frozen=True, slots=True)
class StepView:
    """One step as the checklist shows it now.

    `active` is False for a step of a level not reached (or left again by lowering it);
    `due_at` is None then. `blocked_by` names the steps it waits for.
    """

    id: str
    text: dict[str, str]
    role: str
    level: str
    state: str
    active: bool
    due_at: datetime | None
    overdue: bool
    blocked_by: tuple[str, ...]
    by: str | None
    at: str | None
    reason: str


def level_rank(checklist: Mapping[str, Any], level_id: str) -> int:
    """The rank of a level of this checklist."""
    return int(level_entry(dict(checklist), level_id)["rank"])


def step_views(checklist: Mapping[str, Any], now: datetime) -> list[StepView]:
    """Every step of the checklist, in the playbook's order, as of `now`."""
    current = level_rank(checklist, checklist["level"])
    states = {s["id"]: s["state"] for s in checklist["steps"]}
    out: list[StepView] = []
    for s in checklist["steps"]:
        reached = checklist["level_times"].get(s["level"])
        active = s["state"] != "open" or (
            reached is not None and level_rank(checklist, s["level"]) <= current)
        due_at = None
        if active:
            start = checklist["activated_at"] if s["due_from"] == "activation" else reached
            if start is not None:
                due_at = datetime.fromisoformat(start) + timedelta(minutes=s["due_min"])
        blocked = tuple(a for a in s["after"] if states.get(a) == "open")
        overdue = bool(s["state"] == "open" and active and due_at is not None and now > due_at)
        out.append(StepView(s["id"], s["text"], s["role"], s["level"], s["state"], active,
                            due_at, overdue, blocked, s["by"], s["at"], s["reason"]))
    return out


def overdue_steps(checklist: Mapping[str, Any], now: datetime) -> list[StepView]:
    """The open, active steps whose deadline has passed."""
    return [v for v in step_views(checklist, now) if v.overdue]


def overdue_everywhere(playbooks: Mapping[str, Mapping[str, Any]], open_incidents: set[str],
                       now: datetime) -> list[tuple[str, StepView]]:
    """(incident id, step) for every overdue step of every open incident's checklist:
    what an alarm list raises, whichever incident is on screen."""
    return [(iid, view) for iid, checklist in sorted(playbooks.items())
            if iid in open_incidents for view in overdue_steps(checklist, now)]


def level_needs(checklist: Mapping[str, Any]) -> dict[str, int]:
    """What the current level calls for, as capabilities and counts: the incident's
    needs while the playbook is active (`core.dispatch.needs`, the recommendation)."""
    return dict(level_entry(dict(checklist), checklist["level"])["needs"])


def rule_holds(rule: Mapping[str, Any], checklist: Mapping[str, Any], incident: Incident,
               units: Mapping[str, Unit], now: datetime,
               sensors: Sequence[SensorValue] = ()) -> bool:
    """True when every condition of `rule` holds now (see docs/playbooks.md); a `sensor`
    condition is tested against `sensors` (none given: it does not hold)."""
    text = " ".join([incident.description, *incident.notes]).casefold()
    for key, want in rule["when"].items():
        if key == "minutes_since_activation":
            since = datetime.fromisoformat(checklist["activated_at"])
            ok = now - since >= timedelta(minutes=want)
        elif key == "minutes_at_level":
            ok = now - datetime.fromisoformat(checklist["level_since"]) >= timedelta(minutes=want)
        elif key == "units_on_scene_at_least":
            ok = sum(1 for u in incident.units if u in units
                     and units[u].status is UnitStatus.ON_SCENE) >= want
        elif key == "calls_at_least":
            ok = incident.calls >= want
        elif key == "priority_at_most":
            ok = incident.priority <= want
        elif key == "keywords_any":
            ok = any(str(w).casefold() in text for w in want)
        elif key == "sensor":
            ok = sensor_condition_holds(want, incident, sensors, now)
        else:  # a condition this version does not know: never fire on a guess
            ok = False
        if not ok:
            return False
    return True


def rule_would_move(rule: Mapping[str, Any], checklist: Mapping[str, Any]) -> bool:
    """True when the rule has not fired yet and would move the level its way: a raising
    rule only from below its level, a lowering one only from above."""
    if rule["id"] in checklist["fired"]:
        return False
    current, target = level_rank(checklist, checklist["level"]), level_rank(checklist, rule["to"])
    return target < current if rule.get("lower") else target > current


def uses_sensors(rule: Mapping[str, Any]) -> bool:
    """Whether the rule tests a sensor reading."""
    return "sensor" in rule["when"]


def sensor_condition_holds(want: Mapping[str, Any], incident: Incident,
                           sensors: Sequence[SensorValue], now: datetime) -> bool:
    """True when a sensor the condition names (by id, else of its kind in the incident's
    grid cell) has a reading no older than `max_age_min` within the threshold."""
    oldest = now - timedelta(minutes=want.get("max_age_min", 30))
    for s in sensors:
        if "id" in want:
            if s.id != want["id"]:
                continue
        elif not incident.cell_code or s.cell != incident.cell_code:
            continue
        if "kind" in want and s.kind != want["kind"]:
            continue
        if s.value is None or s.at is None or s.at < oldest or s.at > now + timedelta(
                minutes=1):
            continue
        if s.value >= want.get("at_least", float("-inf")) and s.value <= want.get(
                "at_most", float("inf")):
            return True
    return False
