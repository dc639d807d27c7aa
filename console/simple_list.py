"""A one-column list on a `QStandardItemModel` (what `QListWidget` offers that the
playbook and decision panels use), so every item view has a standard model."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QListView, QWidget


class SimpleList(QListView):
    """A list of texts, each with a data value; one selected at a time."""

    currentChanged_ = Signal()

    def __init__(self, parent: QWidget | None = None, objectName: str = "") -> None:  # noqa: N803
        super().__init__(parent)
        if objectName:
            self.setObjectName(objectName)
        self.list_model = QStandardItemModel(self)
        self.setModel(self.list_model)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setWordWrap(True)
        self.selectionModel().currentChanged.connect(lambda *_: self.currentChanged_.emit())

    def clear(self) -> None:
        """Remove every item."""
        self.list_model.removeRows(0, self.list_model.rowCount())

    def add(self, text: str, data: Any = None) -> None:
        """Append an item."""
        item = QStandardItem(text)
        item.setData(data, Qt.ItemDataRole.UserRole)
        self.list_model.appendRow(item)

    def count(self) -> int:
        """How many items."""
        return self.list_model.rowCount()

    def item(self, row: int) -> QStandardItem:
        """The item at `row`."""
        return self.list_model.item(row)

    def set_current_row(self, row: int) -> None:
        """Make `row` the current (selected) item."""
        self.setCurrentIndex(self.list_model.index(row, 0))

    def current_data(self) -> Any:
        """The data of the current item, or None."""
        index: QModelIndex = self.currentIndex()
        return index.data(Qt.ItemDataRole.UserRole) if index.isValid() else None
