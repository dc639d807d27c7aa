"""Commands on alarms: raise (by a rule, a unit's emergency, any source), acknowledge,
escalate, and the logged mute of a workstation's alarm sound.

Raising is idempotent per source: the command decides under the log lock, so of two
consoles (or a console and a hub) that both see an incident about to breach its
standard, one records the alarm and the other is refused with `AlarmExists`, which
means "done already". See `core.domain.alarms`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from core.auth import ack_permission, require
from core.commands.base import Command, Context, Decision, require_coordinate, require_text
from core.domain.alarms import (
    MAX_SOURCE,
    MAX_TEXT,
    ONCE_PER_SOURCE,
    Alarm,
    AlarmKind,
    alarm_id_for,
    emergency_source,
    p1_source,
    playbook_step_source,
)
from core.errors import NotFound, ValidationError
from core.store.alarm_table import AlarmRow
from core.store.repository import alarm_from_row

MAX_ACK = 500  # alarms acknowledged in one event (a grouped flood)
MAX_ESCALATE_AFTER_S = 86_400


class AlarmExists(ValidationError):
    """An alarm for this source exists already: raising it again changes nothing."""


def _existing(ctx: Context, source: str, once: bool) -> Alarm | None:
    """The newest alarm of `source` that blocks a new one: any (for `once`) or an
    active one."""
    rows = ctx.session.execute(select(AlarmRow).where(AlarmRow.source == source)
                               .order_by(AlarmRow.raised_at.desc())).scalars().all()
    for row in rows:
        if once or row.acknowledged_at is None:
            return alarm_from_row(row)
    return None


def p1_alarm_raised(ctx: Context, incident_id: str) -> bool:
    """Whether the incident's priority-1 alarm was ever raised."""
    return _existing(ctx, p1_source(incident_id), True) is not None


def _load(ctx: Context, alarm_id: str) -> Alarm:
    if alarm_id not in ctx.state.alarms:
        row = ctx.session.get(AlarmRow, alarm_id)
        if row is None:
            raise NotFound(f"no alarm {alarm_id!r}", field="alarm_ids")
        ctx.state.alarms[alarm_id] = alarm_from_row(row)
    return ctx.state.alarms[alarm_id]


def _raise(ctx: Context, kind: AlarmKind, source: str, text: str, *,
           incident_id: str | None = None, unit_id: str | None = None,
           x: float | None = None, y: float | None = None) -> Decision:
    """The `alarm_raised` decision, or `AlarmExists` when `source` has its alarm."""
    source = require_text(source, "source", max_len=MAX_SOURCE, allow_empty=False,
                          one_line=True)
    text = require_text(text, "text", max_len=MAX_TEXT, allow_empty=False)
    if (x is None) != (y is None):
        raise ValidationError("give both x and y, or neither", field="x" if x is None else "y")
    existing = _existing(ctx, source, kind in ONCE_PER_SOURCE)
    if existing is not None:
        state = "waits for acknowledgement" if existing.active else "was acknowledged"
        raise AlarmExists(f"alarm {existing.id} for {source} {state} already",
                          field="source")
    if incident_id is not None:
        ctx.incident(incident_id)
    if unit_id is not None:
        ctx.unit(unit_id)
    payload: dict[str, object] = {"alarm_id": alarm_id_for(ctx.seq), "kind": kind.value,
                                  "source": source, "text": text,
                                  "incident_id": incident_id, "unit_id": unit_id}
    if x is not None and y is not None:
        payload["x"] = require_coordinate(x, "x")
        payload["y"] = require_coordinate(y, "y")
    return Decision("alarm_raised", payload, incident_id=incident_id, unit_id=unit_id)


@dataclass(frozen=True, slots=True)
class RaiseAlarm(Command):
    """Raise an alarm from any source (a rule, a sensor, a plugin, a playbook).

    `source` is the idempotency key: while an alarm of that source waits (or ever, for
    the kinds in `ONCE_PER_SOURCE`), raising it again is refused with `AlarmExists`.
    Field units raise theirs with `ReportEmergency`.
    """

    kind: AlarmKind
    source: str
    text: str
    incident_id: str | None = None
    unit_id: str | None = None
    x: float | None = None
    y: float | None = None
    permission = "raise_alarm"

    def incident_ids(self) -> Iterable[str]:
        return (self.incident_id,) if self.incident_id else ()

    def unit_ids(self) -> Iterable[str]:
        return (self.unit_id,) if self.unit_id else ()

    def decide(self, ctx: Context) -> Decision:
        try:
            kind = AlarmKind(self.kind)
        except ValueError:
            raise ValidationError(f"unknown alarm kind {self.kind!r} (one of "
                                  f"{', '.join(k.value for k in AlarmKind)})",
                                  field="kind") from None
        if kind is AlarmKind.UNIT_EMERGENCY:
            raise ValidationError("a unit's emergency is raised by the unit "
                                  "(ReportEmergency)", field="kind")
        return _raise(ctx, kind, self.source, self.text, incident_id=self.incident_id,
                      unit_id=self.unit_id, x=self.x, y=self.y)


def playbook_step_overdue(incident_id: str, step: str, title: str) -> RaiseAlarm:
    """The command that raises the alarm of an overdue playbook step (run it as the
    system; once per incident and step while it waits)."""
    return RaiseAlarm(AlarmKind.PLAYBOOK_STEP_OVERDUE, playbook_step_source(incident_id, step),
                      f"Playbook step overdue: {title}", incident_id=incident_id)


@dataclass(frozen=True, slots=True)
class ReportEmergency(Command):
    """A field unit's emergency (its crew in danger): an alarm every console must see.

    A unit may report only its own. While its emergency waits for acknowledgement a
    second report is refused with `AlarmExists` (the alarm is already up).
    """

    unit_id: str
    text: str = ""
    x: float | None = None
    y: float | None = None
    units_may_issue = True
    permission = "raise_alarm"

    def unit_ids(self) -> Iterable[str]:
        return (self.unit_id,)

    def decide(self, ctx: Context) -> Decision:
        ctx.require_self_or_operator(self.unit_id)
        unit = ctx.unit(self.unit_id)
        said = require_text(self.text, "text", max_len=400)
        text = f"Emergency from {unit.id}" + (f": {said}" if said else "")
        return _raise(ctx, AlarmKind.UNIT_EMERGENCY, emergency_source(unit.id), text,
                      incident_id=unit.incident_id, unit_id=unit.id, x=self.x, y=self.y)


@dataclass(frozen=True, slots=True)
class AcknowledgeAlarms(Command):
    """A person acknowledges one or more active alarms (a grouped flood in one go).

    Each alarm's kind decides who may (`core.auth.COMMAND_ROLES`, "ack_alarm:<kind>"):
    one alarm the actor may not acknowledge
    refuses the whole command, so nothing is half done.
    """

    alarm_ids: tuple[str, ...]
    permission = "any"  # checked per alarm in decide

    def decide(self, ctx: Context) -> Decision:
        ids = tuple(self.alarm_ids)
        if not ids:
            raise ValidationError("choose at least one alarm to acknowledge", field="alarm_ids")
        if len(ids) > MAX_ACK:
            raise ValidationError(f"at most {MAX_ACK} alarms at once", field="alarm_ids")
        if len(set(ids)) != len(ids):
            raise ValidationError("an alarm is listed twice", field="alarm_ids")
        for alarm_id in ids:
            if not isinstance(alarm_id, str):
                raise ValidationError("alarm ids are text", field="alarm_ids")
            alarm = _load(ctx, alarm_id)
            if not alarm.active:
                raise ValidationError(f"alarm {alarm.id} was acknowledged already by "
                                      f"{alarm.acknowledged_by}", field="alarm_ids")
            require(ctx.actor, ack_permission(alarm.kind.value))
        return Decision("alarm_acknowledged", {"alarm_ids": list(ids)},
                        incident_id=_common(ctx, ids, "incident_id"),
                        unit_id=_common(ctx, ids, "unit_id"))


def _common(ctx: Context, ids: tuple[str, ...], attr: str) -> str | None:
    """The incident (or unit) all the alarms are about, if one; for the log's filters."""
    values = {getattr(ctx.state.alarms[i], attr) for i in ids}
    return values.pop() if len(values) == 1 else None


@dataclass(frozen=True, slots=True)
class EscalateAlarm(Command):
    """An alarm left unacknowledged for `after_s` seconds is escalated (by the system:
    see `core.alarm_watch`); refused if it was acknowledged or escalated meanwhile."""

    alarm_id: str
    after_s: float
    permission = "admin"

    def decide(self, ctx: Context) -> Decision:
        alarm = _load(ctx, self.alarm_id)
        if not alarm.active:
            raise ValidationError(f"alarm {alarm.id} was acknowledged", field="alarm_id")
        if alarm.escalated:
            raise AlarmExists(f"alarm {alarm.id} was escalated already", field="alarm_id")
        after = self.after_s
        if (isinstance(after, bool) or not isinstance(after, (int, float))
                or not 0 <= after <= MAX_ESCALATE_AFTER_S):
            raise ValidationError(f"after_s must be from 0 to {MAX_ESCALATE_AFTER_S}",
                                  field="after_s")
        waited = (ctx.now - alarm.raised_at).total_seconds()
        if waited < after:
            raise ValidationError(f"alarm {alarm.id} has waited {waited:.0f} s, less than "
                                  f"{after:.0f} s", field="after_s")
        return Decision("alarm_escalated", {"alarm_id": alarm.id, "after_s": float(after)},
                        incident_id=alarm.incident_id, unit_id=alarm.unit_id)


@dataclass(frozen=True, slots=True)
class SetAlarmSoundMuted(Command):
    """A workstation mutes (or unmutes) its alarm sound; logged, so a missed alarm can
    be traced to a mute. The alarms themselves stay until acknowledged."""

    muted: bool
    workstation: str = ""
    permission = "mute_alarms"

    def decide(self, ctx: Context) -> Decision:
        if not isinstance(self.muted, bool):
            raise ValidationError("muted must be true or false", field="muted")
        return Decision("alarm_sound_muted", {
            "muted": self.muted,
            "workstation": require_text(self.workstation, "workstation", max_len=64,
                                        one_line=True)})
