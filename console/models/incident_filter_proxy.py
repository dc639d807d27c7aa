"""Sorting and filtering of the incident queue (the rules are `core.queue_filter`)."""

from __future__ import annotations

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from console.models.incident_table_model import INCIDENT_ROLE, SORT_ROLE, Column
from console.vocabulary import incident_type_label
from core.domain.state import State
from core.queue_filter import QueueFilter


class IncidentFilterProxy(QSortFilterProxyModel):
    """Sorted by priority then age by default; filtered by a `QueueFilter`."""

    def __init__(self, state: State, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self._filter = QueueFilter()
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)
        self.sort(Column.PRIORITY, Qt.SortOrder.AscendingOrder)

    @property
    def queue_filter(self) -> QueueFilter:
        """The filter in force."""
        return self._filter

    def set_queue_filter(self, queue_filter: QueueFilter) -> None:
        """Show only the incidents `queue_filter` matches."""
        if queue_filter != self._filter:
            self.beginFilterChange()
            self._filter = queue_filter
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int,  # noqa: N802
                         source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        incident = self.sourceModel().index(source_row, 0, source_parent).data(INCIDENT_ROLE)
        if incident is None:
            return False
        return self._filter.matches(incident, self._state, incident_type_label(incident.type))
