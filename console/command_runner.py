"""Runs core commands for the signed-in operator and reports refusals as signals."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from core.auth import SYSTEM, Actor
from core.commands import Command
from core.errors import ValidationError
from core.events import Event
from core.service import CommandService


class CommandRunner(QObject):
    """The one place panels send commands through, as the operator signed in.

    A refused command changes nothing: `refused` carries the core error (its `field`
    says which input is wrong) so the panel can say so next to the field and the main
    window in the status bar.
    """

    executed = Signal(object)  # core.events.Event
    refused = Signal(object)  # core.errors.ValidationError

    def __init__(self, service: CommandService, actor: Actor | None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self.actor = actor or SYSTEM
        self.last_error: ValidationError | None = None

    @property
    def service(self) -> CommandService:
        """The service commands run through."""
        return self._service

    def run(self, command: Command) -> Event | None:
        """Execute `command`; the event, or None when core refused it."""
        self.last_error = None
        try:
            event = self._service.execute(command, self.actor)
        except ValidationError as exc:
            self.last_error = exc
            self.refused.emit(exc)
            return None
        self.executed.emit(event)
        return event
