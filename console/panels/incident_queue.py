"""The incident queue panel: filters above a sorted table of incidents."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QPoint, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.bridge import Selection
from console.column_fit import ColumnFitter
from console.models.incident_sort_proxy import IncidentSortProxy
from console.models.incident_table_model import Column, IncidentTableModel
from console.panels.incident_actions import IncidentActions
from console.vocabulary import agency_label, incident_status_label, incident_type_label
from core.domain.incident_types import INCIDENT_TYPES
from core.domain.kinds import Agency
from core.domain.lifecycle import IncidentStatus
from core.queue_filter import OPEN, QueueFilter


def _longest_status() -> str:
    """The widest incident status in the current language (a row's status changes)."""
    from core.domain.lifecycle import IncidentStatus

    return max((incident_status_label(s) for s in IncidentStatus), key=len)


class IncidentQueue(QWidget):
    """Every incident needing attention, most urgent first; selecting one selects it
    everywhere."""

    def __init__(self, model: IncidentTableModel, proxy: IncidentSortProxy,
                 selection: Selection, actions: IncidentActions,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("incidentQueue")
        self._model = model
        self._proxy = proxy
        self._selection = selection
        self._actions = actions
        proxy.setSourceModel(model)

        self._status = QComboBox(objectName="queueStatusFilter")
        self._type = QComboBox(objectName="queueTypeFilter")
        self._agency = QComboBox(objectName="queueAgencyFilter")
        self._cell = QLineEdit(objectName="queueCellFilter")
        self._cell.setMaximumWidth(90)
        self._text = QLineEdit(objectName="queueTextFilter")
        self._text.setClearButtonEnabled(True)
        filters = QHBoxLayout()
        filters.setContentsMargins(0, 0, 0, 0)
        for w in (self._status, self._type, self._agency, self._cell, self._text):
            filters.addWidget(w)
        filters.setStretch(4, 1)

        self.table = QTableView(objectName="incidentTable")
        self.table.setModel(proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # Sorting is ours: the priority column means queue order (no proxy sort).
        self.table.horizontalHeader().setSortIndicatorShown(True)
        self.table.horizontalHeader().setSortIndicator(Column.PRIORITY,
                                                       Qt.SortOrder.AscendingOrder)
        self.table.horizontalHeader().setSectionsClickable(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._on_context_menu)
        header = self.table.horizontalHeader()
        # Every column as wide as its header and values need, in either language; the
        # address takes what is left (elided, whole in the tooltip). A narrow queue hides
        # the units, then the grid cell (both in the dispatch panel's heading) rather
        # than cut them off.
        self._fitter = ColumnFitter(self.table, stretch=Column.ADDRESS, stretch_min=110,
                                    samples={Column.TIMER: "88:88:88",
                                             Column.STATUS: _longest_status,
                                             Column.UNITS: "A88, E88, E88, L88"},
                                    optional=(Column.UNITS, Column.CELL),
                                    fixed=(Column.TIMER,))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(filters)
        layout.addWidget(self.table)

        self._fill_combos()
        self.retranslate_ui()
        for combo in (self._status, self._type, self._agency):
            combo.currentIndexChanged.connect(self._on_filter_changed)
        for edit in (self._cell, self._text):
            edit.textChanged.connect(self._on_filter_changed)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row_changed)
        header.sortIndicatorChanged.connect(self._on_sort_indicator_changed)
        selection.incidentSelected.connect(self._on_incident_selected)
        proxy.rowsInserted.connect(self._on_rows_inserted)

    # -- language ----------------------------------------------------------------------

    def _fill_combos(self) -> None:
        self._status.clear()
        self._status.addItem("", OPEN)
        self._status.addItem("", "")
        for status in IncidentStatus:
            self._status.addItem("", status.value)
        self._type.clear()
        self._type.addItem("", "")
        for code in INCIDENT_TYPES:
            self._type.addItem("", code)
        self._agency.clear()
        self._agency.addItem("", "")
        for agency in Agency:
            self._agency.addItem("", agency.value)

    def retranslate_ui(self) -> None:
        """Set every visible text in the current language."""
        self.setAccessibleName("incidentQueue")
        self._status.setItemText(0, self.tr("Open incidents"))
        self._status.setItemText(1, self.tr("All statuses"))
        for n in range(2, self._status.count()):
            self._status.setItemText(n, incident_status_label(self._status.itemData(n)))
        self._type.setItemText(0, self.tr("All types"))
        for n in range(1, self._type.count()):
            self._type.setItemText(n, incident_type_label(self._type.itemData(n)))
        self._agency.setItemText(0, self.tr("All agencies"))
        for n in range(1, self._agency.count()):
            self._agency.setItemText(n, agency_label(self._agency.itemData(n)))
        self._cell.setPlaceholderText(self.tr("Grid cell"))
        self._text.setPlaceholderText(self.tr("Search address, caller, id…"))
        for w, text in ((self._status, self.tr("Filter by status")),
                        (self._type, self.tr("Filter by incident type")),
                        (self._agency, self.tr("Filter by agency")),
                        (self._cell, self.tr("Filter by grid cell code")),
                        (self._text, self.tr("Search the queue"))):
            w.setToolTip(text)
            w.setAccessibleName(text)
        self._model.retranslate()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    # -- behaviour ---------------------------------------------------------------------

    def _on_filter_changed(self) -> None:
        self._model.set_queue_filter(QueueFilter(
            status=self._status.currentData() or "", type_code=self._type.currentData() or "",
            agency=self._agency.currentData() or "", cell=self._cell.text(),
            text=self._text.text()))

    def _on_sort_indicator_changed(self, column: int, order: Qt.SortOrder) -> None:
        self._proxy.sort_by(-1 if column == Column.PRIORITY and order ==
                            Qt.SortOrder.AscendingOrder else column, order)

    def _on_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            source = self._proxy.mapToSource(current)
            self._selection.select_incident(self._model.incident_at(source.row()))

    def _on_incident_selected(self, incident_id: str) -> None:
        row = self._model.row_of(incident_id)
        if row < 0:
            return
        index = self._proxy.mapFromSource(self._model.index(row, 0))
        if index.isValid() and index.row() != self.table.currentIndex().row():
            self.table.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)
            self.table.scrollTo(index)

    def _on_context_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if index.isValid():
            self.table.setCurrentIndex(index)
            incident_id = self._model.incident_at(self._proxy.mapToSource(index).row())
            self._actions.menu(incident_id, self).popup(self.table.viewport().mapToGlobal(pos))

    def open_incident_menu(self) -> None:
        """Pop the incident menu up at the selected incident (keyboard: Ctrl+I)."""
        current = self.table.currentIndex()
        if not current.isValid():
            return
        incident_id = self._model.incident_at(self._proxy.mapToSource(current).row())
        rect = self.table.visualRect(current)
        self._actions.menu(incident_id, self).popup(
            self.table.viewport().mapToGlobal(rect.bottomLeft()))

    def _on_rows_inserted(self, _parent: QModelIndex, _first: int, _last: int) -> None:
        # Keep the operator's selection in view when a new call lands above it.
        current = self.table.currentIndex()
        if current.isValid():
            self.table.scrollTo(current)

    def step(self, delta: int) -> None:
        """Select the next (`delta` 1) or previous (-1) incident in the queue."""
        rows = self._proxy.rowCount()
        if rows == 0:
            return
        current = self.table.currentIndex()
        row = 0 if not current.isValid() else max(0, min(rows - 1, current.row() + delta))
        index = self._proxy.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(index)

    def focus_table(self) -> None:
        """Put the keyboard in the table (selecting the first incident if none is)."""
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if not self.table.currentIndex().isValid():
            self.step(0)
