"""The dispatch panel: recommended units for the selected incident, assigned with one
action. Ranking runs in a worker thread (the first one compiles the road network)."""

from __future__ import annotations

import logging
import math

from PySide6.QtCore import (
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QObject,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console import palette
from console.bridge import Selection
from console.column_fit import ColumnFitter
from console.command_runner import CommandRunner
from console.vocabulary import (
    AddressLabels,
    capability_label,
    fill,
    format_duration,
    incident_status_label,
    incident_type_label,
    unit_kind_label,
)
from console.worker_pool import WorkerPool
from core.city.model import City
from core.commands import AssignUnits
from core.domain.state import State
from core.errors import ValidationError
from core.events import Event
from core.local_time import format_local
from core.recommendation import IncidentSnapshot, UnitRecommendation, UnitSnapshot, rank, snapshot

log = logging.getLogger(__name__)

_REFRESH_EVENTS = frozenset({"units_assigned", "unit_status_changed", "incident_status_changed",
                             "units_registered",
                             # a playbook's level sets the incident's needs
                             "playbook_activated", "playbook_level_changed",
                             # routing goes around closed roads: the ETAs change
                             "road_closed", "road_reopened"})
HEADERS = ("Unit", "Kind", "For", "ETA", "Reason")
MOVE_UPS_SHOWN = 3  # the latest move-ups the panel lists, newest first


class _Relay(QObject):
    done = Signal(int, object)  # token, list[UnitRecommendation] or an Exception


class _RankJob:
    """Ranks units in the thread pool and reports back through the relay's signal."""

    def __init__(self, token: int, city: City, incident: IncidentSnapshot,
                 units: list[UnitSnapshot], relay: _Relay) -> None:
        super().__init__()
        self._args = (city, incident, units)
        self._token = token
        self._relay = relay

    def run(self) -> None:
        try:
            result: object = rank(*self._args)
        except Exception as exc:  # noqa: BLE001 - reported to the panel, never lost
            log.exception("ranking units failed")
            result = exc
        self._relay.done.emit(self._token, result)


class DispatchPanel(QWidget):
    """Recommended units for the selected incident; `assignButton` sends the selected
    ones (all the recommended ones unless the operator picks otherwise)."""

    recommendationsReady = Signal(str)  # incident id
    unitsAssigned = Signal(str, list)  # incident id, unit ids
    noticeShown = Signal(str)

    def __init__(self, city: City, state: State, runner: CommandRunner, selection: Selection,
                 addresses: AddressLabels, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dispatchPanel")
        self._city = city
        self._state = state
        self._runner = runner
        self._selection = selection
        self._addresses = addresses
        self._incident_id = ""
        self._token = 0
        self._lines: list[UnitRecommendation] = []
        self._pool = WorkerPool(self)
        self._pool.setMaxThreadCount(1)
        self._relay = _Relay(self)
        self._relay.done.connect(self._on_ranked)
        self._debounce = QTimer(self, singleShot=True, interval=150)
        self._debounce.timeout.connect(self.refresh)

        self.heading = QLabel(objectName="dispatchHeading")
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.assigned = QLabel(objectName="dispatchAssigned")
        self.assigned.setWordWrap(True)
        self.model = QStandardItemModel(0, len(HEADERS), self)
        self.table = QTableView(objectName="recommendedUnits")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        # The reason takes what is left and wraps: it is why a unit is proposed, and must
        # be read whole.
        self.table.setWordWrap(True)
        self._fitter = ColumnFitter(self.table, stretch=4, stretch_min=150,
                                    samples={3: "88 min 88 s"}, optional=(1, 2),
                                    decorated=True)  # the primary units in bold
        # Idle units moved up to cover empty areas (or back home), by whoever ordered
        # it (an operator, `beacon unit relocate`, a drill's optimizer), with the reason.
        self.move_ups = QLabel(objectName="dispatchMoveUps")
        self.move_ups.setWordWrap(True)
        self.move_ups.setTextFormat(Qt.TextFormat.PlainText)
        self.move_ups.hide()
        self._move_ups: list[tuple[str, dict]] = []  # (local time, payload), newest first
        self.message = QLabel(objectName="dispatchMessage")
        self.message.setWordWrap(True)
        self.select_recommended = QPushButton(objectName="selectRecommendedButton")
        self.assign = QPushButton(objectName="assignButton")
        self.assign.setDefault(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.select_recommended)
        buttons.addWidget(self.assign)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.heading)
        layout.addWidget(self.assigned)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.move_ups)
        layout.addLayout(buttons)

        self.assign.clicked.connect(self.assign_selected)
        self.select_recommended.clicked.connect(self._select_primary)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        selection.incidentSelected.connect(self._on_incident_selected)
        self.retranslate_ui()

    # -- language ----------------------------------------------------------------------

    def retranslate_ui(self) -> None:
        """Set every visible text in the current language."""
        self.setAccessibleName("dispatchPanel")
        self.table.setAccessibleName("recommendedUnits")
        self.assign.setAccessibleName("assignButton")
        self.model.setHorizontalHeaderLabels([
            self.tr("Unit"), self.tr("Kind"), self.tr("Needed for"), self.tr("ETA"),
            self.tr("Reason")])
        self.select_recommended.setText(self.tr("Select recommended"))
        self.assign.setToolTip(self.tr("Assign the selected units to the incident (Ctrl+D)"))
        self._update_heading()
        self._fill()
        self._show_move_ups()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    # -- what is shown -------------------------------------------------------------------

    @property
    def incident_id(self) -> str:
        """The incident the panel dispatches to."""
        return self._incident_id

    @property
    def recommendations(self) -> list[UnitRecommendation]:
        """The lines shown, primary first."""
        return list(self._lines)

    def _update_heading(self) -> None:
        incident = self._state.incidents.get(self._incident_id)
        if incident is None:
            self.heading.setText(self.tr("Select an incident in the queue to see which units "
                                         "to send."))
            self.assigned.setText("")
            return
        self.heading.setText(f"{incident.id} · P{incident.priority} · "
                             f"{incident_type_label(incident.type)} · "
                             f"{self._addresses.label(incident.address)} · "
                             f"{incident_status_label(incident.status)} · "
                             + fill(self.tr("call at %1"),
                                    format_local(incident.created_at, self._city.time_zone,
                                                 "%H:%M:%S")))
        self.assigned.setText(fill(self.tr("Assigned: %1"), ", ".join(incident.units))
                              if incident.units else self.tr("No unit assigned yet."))

    def _on_incident_selected(self, incident_id: str) -> None:
        self._incident_id = incident_id
        self._lines = []
        self._fill()
        self._update_heading()
        self.refresh()

    def on_event(self, event: Event) -> None:
        """Recompute when availability or the selected incident changes."""
        if event.type == "unit_relocated":
            at = format_local(event.at, self._city.time_zone, "%H:%M:%S")
            self._move_ups = [(at, dict(event.payload))] + self._move_ups[:MOVE_UPS_SHOWN - 1]
            self._show_move_ups()
        if self._incident_id and event.type in _REFRESH_EVENTS:
            self._debounce.start()

    def _show_move_ups(self) -> None:
        """The latest move-ups, each with its reason (the drill's own sentence, or the
        operator's)."""
        if not self._move_ups:
            self.move_ups.hide()
            return
        stations = {s.code: s.name for s in self._city.stations}
        lines = []
        for at, p in self._move_ups:
            where = stations.get(p["station"], p["station"])
            what = fill(self.tr("%1 back home to %2") if p.get("home")
                        else self.tr("%1 moved up to %2"), p["unit_id"], where)
            reason = p.get("reason") or ""
            if reason.startswith(f"{p['unit_id']} "):
                lines.append(f"{at}  {reason}")  # a whole sentence already (a drill's)
            else:
                lines.append(f"{at}  {what}" + (f": {reason}" if reason else ""))
        self.move_ups.setText(self.tr("Move-ups") + "\n" + "\n".join(lines))
        self.move_ups.show()

    def refresh(self) -> None:
        """Rank units for the selected incident in the worker thread."""
        self._update_heading()
        if self._incident_id not in self._state.incidents:
            return
        self._token += 1
        try:
            incident, units = snapshot(self._state, self._incident_id)
        except ValidationError:
            return
        self.message.setText(self.tr("Finding the nearest units…"))
        self._pool.start(_RankJob(self._token, self._city, incident, units, self._relay))

    def _on_ranked(self, token: int, result: object) -> None:
        if token != self._token:
            return  # a newer request is on its way
        if isinstance(result, Exception):
            self._lines = []
            self.message.setText(fill(self.tr("Could not rank units: %1"), str(result)))
        else:
            self._lines = list(result)  # type: ignore[call-overload]
            self.message.setText("" if self._lines else self.tr(
                "Every need of this incident is covered; no unit to add."))
        self._fill()
        self._select_primary()
        self.recommendationsReady.emit(self._incident_id)

    def _reason(self, line: UnitRecommendation) -> str:
        from console.i18n import current_language

        if current_language() == "en":
            return line.reason  # the recommender's own words, with its comparisons
        need = capability_label(line.capability)
        if not line.unit_id:
            return fill(self.tr("no available unit for %1"), need)
        if line.primary:
            return fill(self.tr("send: nearest for %1, %2"), need, format_duration(line.eta_s))
        return fill(self.tr("alternate for %1, %2"), need, format_duration(line.eta_s))

    def _fill(self) -> None:
        self.model.removeRows(0, self.model.rowCount())
        for line in self._lines:
            eta = format_duration(line.eta_s) if math.isfinite(line.eta_s) else "—"
            items = [QStandardItem(line.unit_id or "—"),
                     QStandardItem(unit_kind_label(line.kind) if line.kind else ""),
                     QStandardItem(capability_label(line.capability)),
                     QStandardItem(eta), QStandardItem(self._reason(line))]
            items[0].setToolTip(line.name)
            items[4].setToolTip(line.reason)
            if line.primary:
                font = items[0].font()
                font.setBold(True)
                items[0].setFont(font)
            for item in items:
                item.setData(line.unit_id, Qt.ItemDataRole.UserRole)
                if not line.unit_id:  # an unfilled need: shown, never assignable
                    item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                    item.setForeground(QColor(palette.PRIORITY_COLOURS[1]))  # unmet: red
            self.model.appendRow(items)
        self._on_selection_changed()

    def _select_primary(self) -> None:
        selection = QItemSelection()
        for row, line in enumerate(self._lines):
            if line.primary and line.unit_id:
                selection.select(self.model.index(row, 0),
                                 self.model.index(row, len(HEADERS) - 1))
        self.table.selectionModel().select(selection,
                                           QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def _selected_rows(self) -> list[int]:
        return sorted({i.row() for i in self.table.selectionModel().selectedRows()})

    def _on_selection_changed(self, *_args: object) -> None:
        count = len(self._selected_rows())
        self.assign.setEnabled(count > 0)
        self.assign.setText(fill(self.tr("Assign %1 units"), count) if count != 1
                            else self.tr("Assign 1 unit"))

    def shutdown(self) -> None:
        """Wait for a ranking under way (before the window and the database go)."""
        self._debounce.stop()
        self._pool.waitForDone()

    # -- assigning ---------------------------------------------------------------------

    def assign_selected(self) -> bool:
        """Assign the selected units (by default the recommended ones) in one command."""
        rows = [r for r in self._selected_rows() if self._lines[r].unit_id]
        if not self._incident_id or not rows:
            self.noticeShown.emit(self.tr("Nothing to assign: select an incident and units."))
            return False
        chosen = [self._lines[r] for r in rows if self._lines[r].unit_id]
        units = tuple(line.unit_id for line in chosen)
        etas = {line.unit_id: line.eta_s for line in chosen if math.isfinite(line.eta_s)}
        event = self._runner.run(AssignUnits(self._incident_id, units, etas))
        if event is None:
            self.message.setText(fill(self.tr("Refused: %1"), str(self._runner.last_error)))
            self.noticeShown.emit(self.message.text())
            return False
        self.message.setText(fill(self.tr("Assigned %1 to %2"), ", ".join(units),
                                  self._incident_id))
        self.noticeShown.emit(self.message.text())
        self.unitsAssigned.emit(self._incident_id, list(units))
        return True
