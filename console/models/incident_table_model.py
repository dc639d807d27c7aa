"""The incident queue as a Qt table model: an adapter over `centre.live.state`.

Rows are added and changed from bus events (through `EventBridge.eventArrived`); the
response timers are refreshed by one timer a second that signals the timer column only.
Response-clock rules come from `core.response_clock`; this model only presents them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from enum import IntEnum

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QColor

from console.vocabulary import format_duration, incident_status_label, incident_type_label
from core.domain.model import Incident
from core.domain.state import State
from core.events import Event
from core.queue_filter import queue_sort_key
from core.response_clock import ResponseState, response_elapsed_s, response_state

Index = QModelIndex | QPersistentModelIndex

# Roles beyond Qt's: what the proxy sorts and filters by.
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
INCIDENT_ROLE = Qt.ItemDataRole.UserRole + 2

RESPONSE_COLOURS = {
    ResponseState.WARNING: QColor("#f0a500"),
    ResponseState.LATE: QColor("#d62828"),
}
PRIORITY_COLOURS = {1: QColor("#d62828"), 2: QColor("#f0a500")}


class Column(IntEnum):
    """The queue's columns, in order."""

    ID = 0
    PRIORITY = 1
    TYPE = 2
    TIMER = 3
    STATUS = 4
    ADDRESS = 5
    CELL = 6
    UNITS = 7


HEADERS = {
    Column.ID: QT_TRANSLATE_NOOP("IncidentTableModel", "Incident"),
    Column.PRIORITY: QT_TRANSLATE_NOOP("IncidentTableModel", "Priority"),
    Column.TYPE: QT_TRANSLATE_NOOP("IncidentTableModel", "Type"),
    Column.TIMER: QT_TRANSLATE_NOOP("IncidentTableModel", "Since call"),
    Column.ADDRESS: QT_TRANSLATE_NOOP("IncidentTableModel", "Address"),
    Column.CELL: QT_TRANSLATE_NOOP("IncidentTableModel", "Grid cell"),
    Column.STATUS: QT_TRANSLATE_NOOP("IncidentTableModel", "Status"),
    Column.UNITS: QT_TRANSLATE_NOOP("IncidentTableModel", "Units"),
}

_INCIDENT_EVENTS = frozenset({"incident_created", "incident_status_changed", "units_assigned",
                              "unit_status_changed", "call_attached", "note_added",
                              "incident_priority_changed", "incident_level_changed"})


class IncidentTableModel(QAbstractTableModel):
    """One row per incident in the live state, newest last (the proxy sorts)."""

    def __init__(self, state: State, now: Callable[[], datetime],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self._now = now
        self._ids: list[str] = list(state.incidents)
        self._row_of: dict[str, int] = {iid: n for n, iid in enumerate(self._ids)}
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._on_tick)
        self._tick.start()

    # -- Qt model API ------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return QCoreApplication.translate("IncidentTableModel", HEADERS[Column(section)])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        incident = self._state.incidents.get(self._ids[index.row()])
        if incident is None:
            return None
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(incident, column)
        if role == SORT_ROLE:
            return self._sort_key(incident, column)
        if role == INCIDENT_ROLE:
            return incident
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == Column.TIMER:
                return RESPONSE_COLOURS.get(response_state(incident, self._now()))
            if column == Column.PRIORITY:
                return PRIORITY_COLOURS.get(incident.priority)
        if role == Qt.ItemDataRole.ToolTipRole and column == Column.TIMER:
            return QCoreApplication.translate(
                "IncidentTableModel", "Time from the call to the first unit on scene")
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (Column.PRIORITY,
                                                                      Column.TIMER):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    # -- presentation ------------------------------------------------------------------

    def _display(self, incident: Incident, column: Column) -> str:
        if column == Column.ID:
            return incident.id
        if column == Column.PRIORITY:
            return f"P{incident.priority}"
        if column == Column.TYPE:
            return incident_type_label(incident.type)
        if column == Column.ADDRESS:
            return incident.address
        if column == Column.CELL:
            return incident.cell_code or ""
        if column == Column.STATUS:
            return incident_status_label(incident.status)
        if column == Column.UNITS:
            return ", ".join(incident.units)
        return format_duration(response_elapsed_s(incident, self._now()))

    def _sort_key(self, incident: Incident, column: Column) -> object:
        if column == Column.PRIORITY:
            return queue_sort_key(incident)
        if column == Column.TIMER:
            return response_elapsed_s(incident, self._now())
        if column == Column.UNITS:
            return len(incident.units)
        return self._display(incident, column)

    # -- updates -----------------------------------------------------------------------

    def incident_at(self, row: int) -> str:
        """The id of the incident in source row `row`."""
        return self._ids[row]

    def row_of(self, incident_id: str) -> int:
        """The source row of an incident, or -1."""
        return self._row_of.get(incident_id, -1)

    def reload(self) -> None:
        """Re-read every incident (after a bulk change of the state)."""
        self.beginResetModel()
        self._ids = list(self._state.incidents)
        self._row_of = {iid: n for n, iid in enumerate(self._ids)}
        self.endResetModel()

    def on_event(self, event: Event) -> None:
        """Follow one bus event (connect to `EventBridge.eventArrived`)."""
        if event.type not in _INCIDENT_EVENTS or not event.incident_id:
            return
        incident_id = event.incident_id
        row = self._row_of.get(incident_id)
        if row is None:
            if incident_id not in self._state.incidents:
                return
            row = len(self._ids)
            self.beginInsertRows(QModelIndex(), row, row)
            self._ids.append(incident_id)
            self._row_of[incident_id] = row
            self.endInsertRows()
            return
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(Column) - 1))

    def retranslate(self) -> None:
        """Labels change with the language: repaint headers and every row."""
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(Column) - 1)
        if self._ids:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self._ids) - 1, len(Column) - 1))

    def _on_tick(self) -> None:
        if self._ids:
            self.dataChanged.emit(self.index(0, Column.TIMER),
                                  self.index(len(self._ids) - 1, Column.TIMER),
                                  [Qt.ItemDataRole.DisplayRole,
                                   Qt.ItemDataRole.ForegroundRole])
