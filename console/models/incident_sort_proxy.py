"""Sorting of the incident queue by a column when the operator asks for it.

By default the proxy does not sort: the source model is in queue order and filtered
already (see `IncidentTableModel`); its own filter is Qt's default, in C++.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QSortFilterProxyModel, Qt

from console.models.incident_table_model import SORT_ROLE, IncidentTableModel


class IncidentSortProxy(QSortFilterProxyModel):
    """Queue order until the operator sorts by another column."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)

    def source(self) -> IncidentTableModel:
        """The incident model behind the proxy."""
        model = self.sourceModel()
        assert isinstance(model, IncidentTableModel)
        return model

    def sort_by(self, column: int, order: Qt.SortOrder) -> None:
        """Sort by a column; -1: back to queue order (priority, waiting, age)."""
        self.sort(column, order)
