"""Free-text messages between the centre and field units, kept in the log."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from core.commands.base import Command, Context, Decision, require_text
from core.errors import PermissionDenied, ValidationError


@dataclass(frozen=True, slots=True)
class SendMessage(Command):
    """A short text from a unit (to the centre) or from an operator (to a unit).

    A unit may only speak as itself; an operator names the unit it writes to.
    `incident_id`, when given, files the message with that incident.
    """

    text: str
    from_unit: str | None = None
    to_unit: str | None = None
    incident_id: str | None = None
    units_may_issue = True

    def incident_ids(self) -> Iterable[str]:
        return (self.incident_id,) if self.incident_id else ()

    def unit_ids(self) -> Iterable[str]:
        return tuple(u for u in (self.from_unit, self.to_unit) if u)

    def decide(self, ctx: Context) -> Decision:
        if ctx.actor.is_unit:
            ctx.require_self_or_operator(self.from_unit or "")
            own = ctx.unit(self.from_unit or "").incident_id
            if self.incident_id and self.incident_id != own:
                # Messages filed with an incident reach every unit on it: a unit may only
                # write to the incident it is on.
                raise PermissionDenied(f"unit {self.from_unit} is not on incident "
                                       f"{self.incident_id}", field="incident_id")
        else:
            if self.to_unit is None:
                raise ValidationError("name the unit the message is for", field="to_unit")
            if self.from_unit is not None:
                raise PermissionDenied("an operator writes as themselves, not as a unit",
                                       field="from_unit")
        for unit_id in (self.from_unit, self.to_unit):
            if unit_id:
                ctx.unit(unit_id)
        if self.incident_id:
            ctx.incident(self.incident_id)
        text = require_text(self.text, "text", max_len=2000, allow_empty=False)
        return Decision("message_sent", {
            "text": text, "from_unit": self.from_unit, "to_unit": self.to_unit,
            "incident_id": self.incident_id}, incident_id=self.incident_id,
            unit_id=self.from_unit or self.to_unit)
