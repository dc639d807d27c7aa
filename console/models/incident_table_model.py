"""The incident queue as a Qt table model: an adapter over `centre.live.state`.

Rows are added and changed from bus events (through `EventBridge.eventArrived`); the
response timers are refreshed by one timer a second that signals the timer column only.
Rows are kept in queue order (`core.queue_filter.queue_sort_key`) and filtered
(`core.queue_filter.QueueFilter`) here, by binary insertion, removal and row moves,
rather than in a proxy: a proxy sort of 10,000 rows calls back into Python about a
million times, and a proxy with a Python filter re-filters every row on every
`dataChanged`, the timer's included. The rules come from core; this model applies them.
"""

from __future__ import annotations

import bisect
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
from PySide6.QtGui import QColor, QFont

from console import palette
from console.vocabulary import format_duration, incident_status_label, incident_type_label
from core.domain.model import Incident
from core.domain.state import State
from core.events import Event
from core.queue_filter import QueueFilter, queue_sort_key
from core.response_clock import ResponseState, response_elapsed_s, response_state

Index = QModelIndex | QPersistentModelIndex

# Roles beyond Qt's: what the proxy sorts and filters by.
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
INCIDENT_ROLE = Qt.ItemDataRole.UserRole + 2

# The console's one colour language (console.palette): a priority is a filled chip with
# its name written in it, a late timer a filled cell in bold, a warning one a filled cell.
RESPONSE_COLOURS = {state: QColor(c) for state, c in palette.RESPONSE_COLOURS.items()
                    if state is not ResponseState.ON_TIME}
RESPONSE_TEXT = {state: QColor(palette.text_on(c.name())) for state, c in RESPONSE_COLOURS.items()}
PRIORITY_COLOURS = {p: QColor(c) for p, c in palette.PRIORITY_COLOURS.items()}
PRIORITY_TEXT = {p: QColor(palette.text_on(c)) for p, c in palette.PRIORITY_COLOURS.items()}
LATE_TEXT = RESPONSE_TEXT[ResponseState.LATE]

_BOLD = QFont()
_BOLD.setBold(True)


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
                 parent: QObject | None = None, *,
                 address_label: Callable[[str], str] = str) -> None:
        super().__init__(parent)
        self._state = state
        self._now = now
        self._address_label = address_label
        self._filter = QueueFilter()
        self._ids: list[str] = []
        self._keys: list[float] = []
        self._row_of: dict[str, int] = {}
        self._load()
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
                return RESPONSE_TEXT.get(response_state(incident, self._now()))
            if column == Column.PRIORITY:
                return PRIORITY_TEXT.get(incident.priority)
        if role == Qt.ItemDataRole.BackgroundRole:
            # Late is a filled red cell: it must catch the eye across the room.
            if column == Column.TIMER:
                return RESPONSE_COLOURS.get(response_state(incident, self._now()))
            if column == Column.PRIORITY:
                return PRIORITY_COLOURS.get(incident.priority)
            return None
        if role == Qt.ItemDataRole.FontRole and column == Column.TIMER:
            if response_state(incident, self._now()) is ResponseState.LATE:
                return _BOLD
            return None
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
            return self._address_label(incident.address)
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

    @property
    def queue_filter(self) -> QueueFilter:
        """The filter in force."""
        return self._filter

    def set_queue_filter(self, queue_filter: QueueFilter) -> None:
        """Show only the incidents `queue_filter` matches."""
        if queue_filter != self._filter:
            self._filter = queue_filter
            self.reload()

    def _accepts(self, incident: Incident) -> bool:
        return self._filter.matches(incident, self._state, incident_type_label(incident.type))

    def _load(self) -> None:
        ordered = sorted((i for i in self._state.incidents.values() if self._accepts(i)),
                         key=queue_sort_key)
        self._ids = [i.id for i in ordered]
        self._keys = [queue_sort_key(i) for i in ordered]
        self._renumber(0)

    def _renumber(self, first: int) -> None:
        # zip/update run in C: ~5x faster than a Python loop over 10,000 rows, and a new
        # P1 call (inserted near the top) renumbers nearly all of them.
        self._row_of.update(zip(self._ids[first:], range(first, len(self._ids)), strict=True))

    def reload(self) -> None:
        """Re-read every incident (after a bulk change of the state)."""
        self.beginResetModel()
        self._row_of = {}
        self._load()
        self.endResetModel()

    def on_event(self, event: Event) -> None:
        """Follow one bus event (connect to `EventBridge.eventArrived`)."""
        if event.type not in _INCIDENT_EVENTS or not event.incident_id:
            return
        incident_id = event.incident_id
        incident = self._state.incidents.get(incident_id)
        if incident is None:
            return
        key = queue_sort_key(incident)
        row = self._row_of.get(incident_id)
        if not self._accepts(incident):
            if row is not None:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._ids[row]
                del self._keys[row]
                del self._row_of[incident_id]
                self._renumber(row)
                self.endRemoveRows()
            return
        if row is None:
            row = bisect.bisect_right(self._keys, key)
            self.beginInsertRows(QModelIndex(), row, row)
            self._ids.insert(row, incident_id)
            self._keys.insert(row, key)
            self._renumber(row)
            self.endInsertRows()
            return
        if key != self._keys[row]:
            row = self._move(row, key)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(Column) - 1))

    def _move(self, row: int, key: float) -> int:
        """Move a row whose queue key changed to its new place; returns the new row."""
        incident_id = self._ids[row]
        new = bisect.bisect_right(self._keys[:row] + self._keys[row + 1:], key)
        if new == row:
            self._keys[row] = key
            return row
        # Qt counts the destination before the removal: one more when moving down.
        self.beginMoveRows(QModelIndex(), row, row, QModelIndex(),
                           new + 1 if new > row else new)
        del self._ids[row]
        del self._keys[row]
        self._ids.insert(new, incident_id)
        self._keys.insert(new, key)
        self._renumber(min(row, new))
        self.endMoveRows()
        return new

    def retranslate(self) -> None:
        """Labels change with the language: repaint headers and every row."""
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(Column) - 1)
        if self._ids:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self._ids) - 1, len(Column) - 1),
                                  [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole])

    def _on_tick(self) -> None:
        if self._ids:
            self.dataChanged.emit(self.index(0, Column.TIMER),
                                  self.index(len(self._ids) - 1, Column.TIMER),
                                  [Qt.ItemDataRole.DisplayRole,
                                   Qt.ItemDataRole.ForegroundRole,
                                   Qt.ItemDataRole.BackgroundRole])
