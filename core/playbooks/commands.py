"""Commands on an incident's playbook: activate, tick or skip a step, change the level,
and fire a level rule (actor "rule").

Each reads the incident's live checklist fresh from its table inside the command's
transaction (which holds the log lock), so two workstations cannot tick one step twice
and a rule evaluated by two consoles fires once.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from core.commands.base import Command, Context, Decision, require_text
from core.domain.lifecycle import IncidentStatus
from core.errors import NotFound, ValidationError
from core.playbooks.format import Playbook
from core.playbooks.live import (
    level_rank,
    rule_holds,
    rule_would_move,
    step_views,
    uses_sensors,
)
from core.playbooks.tables import PlaybookActivationRow

ENDED = (IncidentStatus.CLOSED, IncidentStatus.CANCELLED, IncidentStatus.RESOLVED)


def load_checklist(ctx: Context, incident_id: str) -> dict[str, Any] | None:
    """The incident's live checklist (as this transaction sees it), kept in `ctx.state`
    so the event's projection changes it and the service saves it; None if none."""
    if incident_id in ctx.state.playbooks:
        return ctx.state.playbooks[incident_id]
    row = ctx.session.execute(select(PlaybookActivationRow.data).where(
        PlaybookActivationRow.incident_id == incident_id)).scalar_one_or_none()
    if row is None:
        return None
    checklist = copy.deepcopy(row)
    ctx.state.playbooks[incident_id] = checklist
    return checklist


def _require_checklist(ctx: Context, incident_id: str) -> dict[str, Any]:
    checklist = load_checklist(ctx, incident_id)
    if checklist is None:
        raise NotFound(f"incident {incident_id} has no active playbook: activate one first",
                       field="incident_id")
    return checklist


def _open_incident(ctx: Context, incident_id: str) -> None:
    incident = ctx.incident(incident_id)
    if incident.status in ENDED:
        raise ValidationError(f"incident {incident_id} is {incident.status}: its playbook "
                              "is finished", field="incident_id")


@dataclass(frozen=True, slots=True)
class ActivatePlaybook(Command):
    """Turn a playbook into the incident's live checklist, recording the playbook as it
    is now (levels, steps, rules) and its content hash."""

    incident_id: str
    playbook: Playbook
    level: str | None = None  # None: the playbook's initial level
    permission = "playbook"

    def incident_ids(self) -> Iterable[str]:
        return (self.incident_id,)

    def decide(self, ctx: Context) -> Decision:
        _open_incident(ctx, self.incident_id)
        existing = load_checklist(ctx, self.incident_id)
        if existing is not None:
            raise ValidationError(f"incident {self.incident_id} already follows playbook "
                                  f"{existing['playbook_id']!r}", field="playbook")
        level = self.level or self.playbook.initial_level
        if level not in [lv.id for lv in self.playbook.levels]:
            raise ValidationError(f"playbook {self.playbook.id} has no level {level!r}",
                                  field="level")
        return Decision("playbook_activated", {
            "incident_id": self.incident_id, "level": level,
            "playbook": self.playbook.as_record()}, incident_id=self.incident_id)


def _step_for_change(ctx: Context, incident_id: str, step_id: str) -> None:
    checklist = _require_checklist(ctx, incident_id)
    views = {v.id: v for v in step_views(checklist, ctx.now)}
    view = views.get(step_id)
    if view is None:
        raise NotFound(f"playbook {checklist['playbook_id']} has no step {step_id!r}",
                       field="step")
    if view.state != "open":
        raise ValidationError(f"step {step_id} is {view.state} already ({view.by}, "
                              f"{view.at})", field="step")
    if not view.active:
        raise ValidationError(f"step {step_id} belongs to level {view.level}, which this "
                              "incident has not reached", field="step")
    return None


@dataclass(frozen=True, slots=True)
class TickStep(Command):
    """Mark a step done (who and when are the event's actor and time)."""

    incident_id: str
    step: str
    note: str = ""
    permission = "playbook"

    def incident_ids(self) -> Iterable[str]:
        return (self.incident_id,)

    def decide(self, ctx: Context) -> Decision:
        _open_incident(ctx, self.incident_id)
        _step_for_change(ctx, self.incident_id, self.step)
        checklist = ctx.state.playbooks[self.incident_id]
        view = next(v for v in step_views(checklist, ctx.now) if v.id == self.step)
        if view.blocked_by:
            raise ValidationError(f"step {self.step} waits for {', '.join(view.blocked_by)}: "
                                  "tick or skip those first", field="step")
        return Decision("playbook_step_ticked", {
            "incident_id": self.incident_id, "step": self.step,
            "note": require_text(self.note, "note", max_len=500)},
            incident_id=self.incident_id)


@dataclass(frozen=True, slots=True)
class SkipStep(Command):
    """Skip a step, saying why (a skipped step no longer blocks the steps after it)."""

    incident_id: str
    step: str
    reason: str
    permission = "playbook"

    def incident_ids(self) -> Iterable[str]:
        return (self.incident_id,)

    def decide(self, ctx: Context) -> Decision:
        reason = require_text(self.reason, "reason", max_len=500, allow_empty=False)
        _open_incident(ctx, self.incident_id)
        _step_for_change(ctx, self.incident_id, self.step)
        return Decision("playbook_step_skipped", {
            "incident_id": self.incident_id, "step": self.step, "reason": reason},
            incident_id=self.incident_id)


@dataclass(frozen=True, slots=True)
class ChangePlaybookLevel(Command):
    """Raise or lower the response level by hand (or by an accepted decision): the
    level's steps and resources (the incident's needs) follow at once."""

    incident_id: str
    level: str
    reason: str = ""
    permission = "playbook_level"

    def incident_ids(self) -> Iterable[str]:
        return (self.incident_id,)

    def decide(self, ctx: Context) -> Decision:
        _open_incident(ctx, self.incident_id)
        checklist = _require_checklist(ctx, self.incident_id)
        levels = [lv["id"] for lv in checklist["levels"]]
        if self.level not in levels:
            raise ValidationError(f"playbook {checklist['playbook_id']} has no level "
                                  f"{self.level!r} (levels: {', '.join(levels)})",
                                  field="level")
        if self.level == checklist["level"]:
            raise ValidationError(f"the level is {self.level} already", field="level")
        return Decision("playbook_level_changed", {
            "incident_id": self.incident_id, "level": self.level,
            "previous": checklist["level"], "rule": "",
            "reason": require_text(self.reason, "reason", max_len=500)},
            incident_id=self.incident_id)


@dataclass(frozen=True, slots=True)
class FireRule(Command):
    """A level rule whose conditions hold moves the level (the actor is "rule").

    Decided against the checklist as stored under the log lock: a rule that fired
    already, or no longer holds, is refused, so it fires exactly once however many
    evaluators try.
    """

    incident_id: str
    rule: str
    unit_ids_on_incident: tuple[str, ...] = ()
    permission = "playbook_level"

    def incident_ids(self) -> Iterable[str]:
        return (self.incident_id,)

    def unit_ids(self) -> Iterable[str]:
        return self.unit_ids_on_incident

    def decide(self, ctx: Context) -> Decision:
        _open_incident(ctx, self.incident_id)
        checklist = _require_checklist(ctx, self.incident_id)
        rule = next((r for r in checklist["rules"] if r["id"] == self.rule), None)
        if rule is None:
            raise NotFound(f"playbook {checklist['playbook_id']} has no rule {self.rule!r}",
                           field="rule")
        if not rule_would_move(rule, checklist):
            raise ValidationError(f"rule {self.rule} has fired already or would not move "
                                  f"the level from {checklist['level']}", field="rule")
        incident = ctx.incident(self.incident_id)
        units = {u: ctx.unit(u) for u in incident.units}
        sensors = []
        if uses_sensors(rule):
            from core.playbooks.sensors import read_sensor_values

            sensors = read_sensor_values(ctx.session)
        if not rule_holds(rule, checklist, incident, units, ctx.now, sensors):
            raise ValidationError(f"rule {self.rule} does not hold now", field="rule")
        word = "lowered" if level_rank(checklist, rule["to"]) < level_rank(
            checklist, checklist["level"]) else "raised"
        return Decision("playbook_level_changed", {
            "incident_id": self.incident_id, "level": rule["to"],
            "previous": checklist["level"], "rule": self.rule,
            "reason": f"{word} by rule {self.rule}: {rule['text']['en']}"},
            incident_id=self.incident_id)
