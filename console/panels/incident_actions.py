"""What an operator does to an incident from the queue: move it through its life cycle
(on scene, resolved, closed, cancelled) or change its priority. Core decides; a refusal
is shown with its reason."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

from console.command_runner import CommandRunner
from console.vocabulary import fill, incident_status_label
from core.commands import ChangeIncidentStatus, ChangePriority
from core.commands.incidents import MAX_PRIORITY, MIN_PRIORITY
from core.domain.lifecycle import INCIDENT_TRANSITIONS, IncidentStatus
from core.domain.state import State
from core.errors import IllegalTransition

# Statuses an operator sets by hand (DISPATCHED comes from assigning units).
MANUAL_STATUSES = (IncidentStatus.ON_SCENE, IncidentStatus.RESOLVED, IncidentStatus.CLOSED,
                   IncidentStatus.CANCELLED, IncidentStatus.NEW)


class IncidentActions(QObject):
    """Builds the incident menu and runs what the operator picks."""

    noticeShown = Signal(str)

    def __init__(self, state: State, runner: CommandRunner,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self._runner = runner

    def menu(self, incident_id: str, parent: QWidget) -> QMenu:
        """The menu for one incident: statuses the life cycle allows first, then priority."""
        incident = self._state.incidents[incident_id]
        menu = QMenu(parent)
        menu.setObjectName("incidentMenu")
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.setTitle(fill(self.tr("Incident %1"), incident_id))
        allowed = INCIDENT_TRANSITIONS[incident.status]
        statuses = sorted(MANUAL_STATUSES, key=lambda s: (s not in allowed,
                                                          MANUAL_STATUSES.index(s)))
        for n, status in enumerate(statuses):
            label = (self.tr("Back to the queue (release every unit)")
                     if status is IncidentStatus.NEW else incident_status_label(status))
            text = f"&{n + 1}  {label}"
            action = QAction(text, menu)
            action.setData(status.value)
            action.setEnabled(status is not incident.status)
            action.triggered.connect(
                lambda _c=False, s=status: self.change_status(incident_id, s))
            menu.addAction(action)
        priorities = menu.addMenu(self.tr("&Priority"))
        for p in range(MIN_PRIORITY, MAX_PRIORITY + 1):
            action = QAction(f"P{p}", priorities)
            action.setData(p)
            action.setCheckable(True)
            action.setChecked(p == incident.priority)
            action.triggered.connect(lambda _c=False, p=p: self.change_priority(incident_id, p))
            priorities.addAction(action)
        return menu

    def change_status(self, incident_id: str, status: IncidentStatus) -> bool:
        """Ask core to move the incident; says what happened either way."""
        incident = self._state.incidents.get(incident_id)
        previous = incident.status if incident else None
        if self._runner.run(ChangeIncidentStatus(incident_id, status)) is None:
            error = self._runner.last_error
            if isinstance(error, IllegalTransition) and previous is not None:
                allowed = ", ".join(incident_status_label(s)
                                    for s in INCIDENT_TRANSITIONS[previous]) or "-"
                self.noticeShown.emit(fill(
                    self.tr("Refused: %1 is %2 and cannot become %3. Allowed: %4."),
                    incident_id, incident_status_label(previous), incident_status_label(status),
                    allowed))
            else:
                self.noticeShown.emit(fill(self.tr("Refused: %1"), str(error)))
            return False
        self.noticeShown.emit(fill(self.tr("%1 is now %2"), incident_id,
                                   incident_status_label(status)))
        return True

    def change_priority(self, incident_id: str, priority: int) -> bool:
        """Ask core to change the incident's priority."""
        if self._runner.run(ChangePriority(incident_id, priority)) is None:
            self.noticeShown.emit(fill(self.tr("Refused: %1"), str(self._runner.last_error)))
            return False
        self.noticeShown.emit(fill(self.tr("%1 is now priority %2"), incident_id, priority))
        return True
