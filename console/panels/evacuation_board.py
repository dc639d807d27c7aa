"""The evacuation board: every household of the evacuated cells, those with people who
need help first; grid workers' checks from the field appear as they are recorded.

`evacuateButton` evacuates the selected incident's grid cell. Showing a board shows
which households hold people who need help, so opening it is recorded
(`core.registry.access.board_for`); the live updates after that re-read the same board.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.bridge import EventBridge, Selection
from console.registry_labels import CHECK_LABELS, FLAG_LABELS, label
from console.vocabulary import fill
from core.errors import ValidationError
from core.events import Event
from core.local_time import format_local

_EVENTS = frozenset({"evacuation_started", "household_checked", "evacuation_helper_assigned",
                     "evacuation_ended"})
ID_ROLE = Qt.ItemDataRole.UserRole + 1


class EvacuationBoard(QWidget):
    """`objectName` `evacuationBoard`. `boardChanged` is emitted after every refill."""

    boardChanged = Signal(str)  # evacuation id

    def __init__(self, centre: Any, bridge: EventBridge, selection: Selection,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("evacuationBoard")
        self._centre = centre
        self._selection = selection
        self._shown: set[str] = set()  # boards whose display is recorded this session
        self.rows: list[Any] = []
        self.evacuation: Any = None
        self.choice = QComboBox(objectName="evacuationChoice")
        self.evacuate = QPushButton(objectName="evacuateButton")
        self.summary = QLabel(objectName="evacuationSummary")
        self.summary.setWordWrap(True)
        self.message = QLabel(objectName="evacuationMessage")
        self.message.setWordWrap(True)
        self.model = QStandardItemModel(0, 6, self)
        self.table = QTableView(objectName="evacuationTable")
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        top = QHBoxLayout()
        top.addWidget(self.choice, 1)
        top.addWidget(self.evacuate)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        self.evacuate.clicked.connect(self.evacuate_selected_cell)
        self.choice.currentIndexChanged.connect(lambda _n: self.show_board(
            self.choice.currentData() or ""))
        bridge.eventArrived.connect(self._on_event)
        self.retranslate_ui()
        self._list_evacuations()

    # -- language ----------------------------------------------------------------------

    def retranslate_ui(self) -> None:
        """Set every visible text in the current language."""
        self.evacuate.setText(self.tr("Evacuate the incident's cell"))
        self.evacuate.setToolTip(self.tr("Put every registered household of the selected "
                                         "incident's grid cell on a board for its grid "
                                         "workers"))
        self.model.setHorizontalHeaderLabels([
            self.tr("Household"), self.tr("Needs help"), self.tr("Address"),
            self.tr("Checked"), self.tr("By"), self.tr("Note")])
        empty = self.choice.findData("")
        if empty >= 0:
            self.choice.setItemText(empty, self.tr("No evacuation under way"))
        self._fill()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    # -- actions ------------------------------------------------------------------------

    def evacuate_selected_cell(self) -> str | None:
        """Start an evacuation of the selected incident's cell; its id, or None."""
        from core.registry.evacuation_commands import StartEvacuation

        incident = self._centre.live.state.incidents.get(self._selection.incident_id)
        if incident is None or not incident.cell_code:
            self.message.setText(self.tr("Select an incident with a grid cell first."))
            return None
        try:
            event = self._centre.service.execute(
                StartEvacuation(incident.id, (incident.cell_code,)), self._centre.actor)
        except ValidationError as exc:
            self.message.setText(str(exc))
            return None
        self.message.setText("")
        evacuation_id = event.payload["evacuation_id"]
        self._list_evacuations(select=evacuation_id)
        return evacuation_id

    def show_board(self, evacuation_id: str) -> None:
        """Show one evacuation's board (recorded as a display the first time)."""
        from core.registry import access
        from core.registry.evacuation import load
        from core.registry.evacuation_board import board

        if not evacuation_id:
            self.evacuation, self.rows = None, []
            self._fill()
            return
        try:
            if evacuation_id not in self._shown:
                self.evacuation, self.rows = access.board_for(
                    self._centre.service, self._centre.actor, evacuation_id)
                self._shown.add(evacuation_id)
            else:
                with self._centre.db.session() as session:
                    self.evacuation = load(session, evacuation_id)
                    self.rows = board(session, self.evacuation)
        except ValidationError as exc:
            self.evacuation, self.rows = None, []
            self.message.setText(str(exc))
        self._fill()
        self.boardChanged.emit(evacuation_id)

    # -- following the log --------------------------------------------------------------

    def _on_event(self, event: Event) -> None:
        if event.type not in _EVENTS:
            return
        if event.type == "evacuation_started":
            self._list_evacuations(select=self.choice.currentData() or None)
        elif self.evacuation is not None and \
                event.payload.get("evacuation_id") == self.evacuation.evacuation_id:
            self.show_board(self.evacuation.evacuation_id)

    def _list_evacuations(self, select: str | None = None) -> None:
        from sqlalchemy import select as sql_select

        from core.registry.evacuation import EvacuationRow

        with self._centre.db.session() as session:
            rows = session.execute(sql_select(EvacuationRow.evacuation_id,
                                              EvacuationRow.incident_id, EvacuationRow.cells)
                                   .where(EvacuationRow.ended_at.is_(None))
                                   .order_by(EvacuationRow.evacuation_id)).all()
        self.choice.blockSignals(True)
        self.choice.clear()
        for eid, incident, cells in rows:
            self.choice.addItem(f"{eid} · {incident} · {', '.join(cells)}", eid)
        if not rows:
            self.choice.addItem(self.tr("No evacuation under way"), "")
        wanted = select or (rows[-1][0] if rows else "")
        index = max(0, self.choice.findData(wanted))
        self.choice.setCurrentIndex(index)
        self.choice.blockSignals(False)
        self.show_board(self.choice.currentData() or "")

    def _fill(self) -> None:
        self.model.removeRows(0, self.model.rowCount())
        if self.evacuation is None:
            self.summary.setText(self.tr("Select an incident and evacuate its cell; the "
                                         "board lists every household, those with people "
                                         "who need help first."))
            return
        done = sum(1 for r in self.rows if r.result)
        help_ = sum(1 for r in self.rows if r.vulnerable)
        self.summary.setText(fill(self.tr("%1: %2 of %3 households checked · %4 with people "
                                          "who need help · started %5"),
                                  self.evacuation.evacuation_id, done, len(self.rows), help_,
                                  format_local(self.evacuation.started_at,
                                               self._centre.city.time_zone, "%H:%M")))
        from core.registry.evacuation_board import cells_without_households

        empty = cells_without_households(self.evacuation, self.rows)
        if empty:
            self.summary.setText(self.summary.text() + "\n" + fill(self.tr(
                "No registered households in %1: no list to tick there, knock on every "
                "door"), ", ".join(empty)))
        for r in self.rows:
            needs = ", ".join(label(FLAG_LABELS, f) for f in r.flags)
            items = [QStandardItem(r.household_id), QStandardItem(needs),
                     QStandardItem(f"{r.address} {r.flat}".strip()),
                     QStandardItem(label(CHECK_LABELS, r.result) if r.result
                                   else self.tr("not yet")),
                     QStandardItem(r.checked_by), QStandardItem(r.note)]
            items[0].setData(r.household_id, ID_ROLE)
            if r.vulnerable and r.result in (None, "needs_help", "refused"):
                for item in items:
                    item.setForeground(QBrush(QColor("#b3261e")))
            self.model.appendRow(items)
        self.table.resizeColumnToContents(0)
        self.table.resizeColumnToContents(1)

    def shown_households(self) -> list[str]:
        """The household ids in the order the board shows them."""
        return [self.model.item(n, 0).text() for n in range(self.model.rowCount())]
