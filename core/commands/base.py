"""What every command is: what it touches, who may issue it, and its decision."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy.orm import Session

from core.auth import Actor
from core.domain.model import Incident, Unit
from core.domain.state import State
from core.errors import NotFound, PermissionDenied, ValidationError
from core.store.batch_writer import BatchWriter
from core.text import check_free_text, check_name, storable_text


@dataclass
class Context:
    """What a command sees while it decides, inside the transaction that will record it.

    `state` holds just the incidents and units the command declared, fresh from the
    database under the log lock (or as earlier commands of the same transaction left
    them), so two workstations cannot both assign one unit.
    """

    writer: BatchWriter
    state: State
    actor: Actor
    now: datetime
    seq: int  # the sequence number the event will get

    @property
    def session(self) -> Session:
        """The transaction's session, for tables beyond incidents and units.

        What earlier commands of the batch wrote is flushed first, so a query sees it.
        """
        self.writer.flush()
        return self.writer.session

    def incident(self, incident_id: str) -> Incident:
        """The incident (loaded on first use), or `NotFound` naming it."""
        if incident_id not in self.state.incidents:
            self.state.incidents.update(self.writer.load([incident_id], []).incidents)
        try:
            return self.state.incidents[incident_id]
        except KeyError:
            raise NotFound(f"no incident {incident_id!r}", field="incident_id") from None

    def unit(self, unit_id: str) -> Unit:
        """The unit (loaded on first use), or `NotFound` naming it."""
        if unit_id not in self.state.units:
            self.state.units.update(self.writer.load([], [unit_id]).units)
        try:
            return self.state.units[unit_id]
        except KeyError:
            raise NotFound(f"no unit {unit_id!r}", field="unit_id") from None

    def require_self_or_operator(self, unit_id: str) -> None:
        """A field unit may act only as itself."""
        if self.actor.is_unit and self.actor.unit_id != unit_id:
            raise PermissionDenied(
                f"unit {self.actor.unit_id} cannot act for unit {unit_id}", field="unit_id")


@dataclass(frozen=True, slots=True)
class Decision:
    """The event a command decided on (the log fills in sequence, time, hash)."""

    type: str
    payload: dict[str, Any] = field(default_factory=dict)
    incident_id: str | None = None
    unit_id: str | None = None


class Command:
    """Base of all commands. Subclasses are frozen dataclasses.

    `permission` names the roles that may issue it (see `core.auth.COMMAND_ROLES`);
    field units are checked per command instead. `decide` validates against the
    context and returns the event to record, or raises a `ValidationError`.
    """

    permission: ClassVar[str] = "dispatch"
    units_may_issue: ClassVar[bool] = False

    def incident_ids(self) -> Iterable[str]:
        """Incidents to load before deciding."""
        return ()

    def unit_ids(self) -> Iterable[str]:
        """Units to load before deciding."""
        return ()

    def decide(self, ctx: Context) -> Decision:
        """Validate and return the event to record."""
        raise NotImplementedError

    def after(self, ctx: Context, seq: int) -> None:
        """Work after the event is recorded that is not state; default none.

        Never a table that matters: those are written only from the projection (put
        what the log must not hold in `ctx.writer.attach` and its digest in the event),
        or `beacon audit verify` reports the rows as not in the log.
        """
        return None


def require_text(value: object, field_name: str, *, max_len: int = 500,
                 allow_empty: bool = True, one_line: bool = False) -> str:
    """A string field, stripped; refuses other types, over-long or (if asked) empty text,
    and control, bidirectional or zero-width characters (`core.text`): a `one_line` field
    (a name, an address) has none, free text only line breaks and tabs."""
    if not isinstance(value, str):
        raise ValidationError(f"{field_name} must be text", field=field_name)
    if not storable_text(value):
        raise ValidationError(f"{field_name} holds characters that cannot be stored "
                              "(a NUL or an unpaired surrogate)", field=field_name)
    (check_name if one_line else check_free_text)(value, field_name)
    value = value.strip()
    if not allow_empty and not value:
        raise ValidationError(f"{field_name} is required", field=field_name)
    if len(value) > max_len:
        raise ValidationError(f"{field_name} is longer than {max_len} characters",
                              field=field_name)
    return value


def require_coordinate(value: object, field_name: str) -> float:
    """A finite number (metres in the city frame)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValidationError(f"{field_name} must be a finite number", field=field_name)
    return float(value)
