"""How playbook events change the state: `State.playbooks` (incident id -> checklist).

A checklist is plain JSON (it is stored as it is in `playbook_activations.data`):

    {"incident_id", "playbook_id", "hash", "title": {lang: text}, "levels": [...],
     "steps": [{..., "state": "open"|"done"|"skipped", "by", "at", "reason"}],
     "rules": [...], "references": [...], "level": "III", "level_since": ISO,
     "level_times": {level id: ISO when first reached}, "activated_at": ISO,
     "activated_by": name, "fired": [rule ids], "history": [level changes]}

The activation event carries the whole playbook as it was (its content hash too), so
the checklist never depends on the file again. Changing the level also sets the
incident's `level` (the level's rank), and the level's resources become its needs.
"""

from __future__ import annotations

import copy
from typing import Any

from core.events import Event, iso


def level_entry(checklist: dict[str, Any], level_id: str) -> dict[str, Any]:
    """The level record with this id; `KeyError` if the playbook has none."""
    for lv in checklist["levels"]:
        if lv["id"] == level_id:
            return lv
    raise KeyError(level_id)


def _reach(checklist: dict[str, Any], level_id: str, at: str) -> None:
    rank = level_entry(checklist, level_id)["rank"]
    for lv in checklist["levels"]:
        if lv["rank"] <= rank:
            checklist["level_times"].setdefault(lv["id"], at)


def _set_incident_level(state: Any, checklist: dict[str, Any]) -> None:
    incident = state.incidents.get(checklist["incident_id"])
    if incident is not None:
        incident.level = level_entry(checklist, checklist["level"])["rank"]


def _activated(state: Any, e: Event) -> None:
    p = e.payload
    at = iso(e.at)
    record = copy.deepcopy(p["playbook"])
    checklist = {
        "incident_id": p["incident_id"], **record, "level": p["level"], "level_since": at,
        "level_times": {}, "activated_at": at, "activated_by": e.actor, "fired": [],
        "history": [{"level": p["level"], "previous": None, "at": at, "by": e.actor,
                     "rule": None, "reason": "activated"}],
    }
    for step in checklist["steps"]:
        step.update({"state": "open", "by": None, "at": None, "reason": ""})
    _reach(checklist, p["level"], at)
    state.playbooks[p["incident_id"]] = checklist
    _set_incident_level(state, checklist)


def _step(state: Any, e: Event) -> dict[str, Any]:
    checklist = state.playbooks[e.payload["incident_id"]]
    return next(s for s in checklist["steps"] if s["id"] == e.payload["step"])


def _ticked(state: Any, e: Event) -> None:
    step = _step(state, e)
    step.update({"state": "done", "by": e.actor, "at": iso(e.at),
                 "reason": e.payload.get("note", "")})


def _skipped(state: Any, e: Event) -> None:
    step = _step(state, e)
    step.update({"state": "skipped", "by": e.actor, "at": iso(e.at),
                 "reason": e.payload["reason"]})


def _level_changed(state: Any, e: Event) -> None:
    p = e.payload
    checklist = state.playbooks[p["incident_id"]]
    at = iso(e.at)
    checklist["level"] = p["level"]
    checklist["level_since"] = at
    _reach(checklist, p["level"], at)
    if p.get("rule"):
        checklist["fired"].append(p["rule"])
    checklist["history"].append({"level": p["level"], "previous": p["previous"], "at": at,
                                 "by": e.actor, "rule": p.get("rule") or None,
                                 "reason": p.get("reason", "")})
    _set_incident_level(state, checklist)


HANDLERS = {
    "playbook_activated": _activated,
    "playbook_step_ticked": _ticked,
    "playbook_step_skipped": _skipped,
    "playbook_level_changed": _level_changed,
}
