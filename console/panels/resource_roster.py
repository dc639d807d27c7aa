"""The resource roster panel: every unit by agency and station, its status, task and
ETA; the operator changes a unit's status from the context menu or the keyboard."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QMenu, QTreeView, QVBoxLayout, QWidget

from console.bridge import Selection
from console.column_fit import ColumnFitter
from console.command_runner import CommandRunner
from console.models.roster_model import UNIT_ID_ROLE, RosterColumn, RosterModel
from console.vocabulary import fill, unit_status_label
from core.commands import ChangeUnitStatus
from core.domain.lifecycle import UNIT_TRANSITIONS, UnitStatus
from core.domain.state import State
from core.errors import IllegalTransition


class ResourceRoster(QWidget):
    """Units grouped by agency and station."""

    noticeShown = Signal(str)  # a refusal or confirmation worth a line in the status bar

    def __init__(self, model: RosterModel, state: State, runner: CommandRunner,
                 selection: Selection, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("resourceRoster")
        self._model = model
        self._state = state
        self._runner = runner
        self._selection = selection

        self.tree = QTreeView(objectName="rosterTree")
        self.tree.setModel(model)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self._on_model_reset()
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        # Fitted to headers and values in either language; the task takes what is left
        # (elided, whole in the tooltip); a narrow roster hides the kind (the call sign
        # says it too) rather than cut it off.
        self._fitter = ColumnFitter(self.tree, stretch=RosterColumn.TASK, stretch_min=100,
                                    samples={RosterColumn.ETA: "88:88",
                                             RosterColumn.IN_STATUS: "88:88",
                                             RosterColumn.REPORT: "88:88:88"},
                                    optional=(RosterColumn.KIND, RosterColumn.REPORT),
                                    decorated=True, sample_rows=400,
                                    fixed=(RosterColumn.REPORT,))
        self.notice = QLabel(objectName="rosterNotice")
        self.notice.setWordWrap(True)
        self.notice.setVisible(False)
        self.notice.setProperty("severity", "warning")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.tree)
        layout.addWidget(self.notice)

        self.tree.customContextMenuRequested.connect(self._on_context_menu)
        self.tree.selectionModel().currentChanged.connect(self._on_current_changed)
        selection.unitSelected.connect(self._on_unit_selected)
        model.modelReset.connect(self._on_model_reset)
        self.retranslate_ui()

    def _on_model_reset(self) -> None:
        # Agency and station names span the row: long station names stay readable.
        for row, parent in self._model.group_rows():
            self.tree.setFirstColumnSpanned(row, parent, True)
        self.tree.expandAll()

    def retranslate_ui(self) -> None:
        """Set every visible text in the current language."""
        self.setAccessibleName("resourceRoster")
        self.tree.setToolTip(self.tr("Right-click a unit, or press Ctrl+U, to change its "
                                     "status"))
        self._model.retranslate()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    # -- selection ---------------------------------------------------------------------

    def current_unit(self) -> str:
        """The unit under the cursor, or ""."""
        index = self.tree.currentIndex()
        return str(index.data(UNIT_ID_ROLE) or "") if index.isValid() else ""

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        unit_id = current.data(UNIT_ID_ROLE) if current.isValid() else None
        if unit_id:
            self._selection.select_unit(str(unit_id))

    def _on_unit_selected(self, unit_id: str) -> None:
        items = self._model.unit_items(unit_id)
        if not items or self.current_unit() == unit_id:
            return
        index = items[0].index()
        self.tree.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.tree.scrollTo(index)

    # -- status changes ----------------------------------------------------------------

    def status_menu(self, unit_id: str) -> QMenu:
        """A menu of every unit status; the ones the life cycle allows come first."""
        unit = self._state.units[unit_id]
        menu = QMenu(self)
        menu.setObjectName("unitStatusMenu")
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # one menu per popup
        menu.setTitle(fill(self.tr("Change status of %1"), unit_id))
        allowed = UNIT_TRANSITIONS[unit.status]
        for n, status in enumerate(sorted(UnitStatus, key=lambda s: (s not in allowed,
                                                                     list(UnitStatus).index(s)))):
            action = QAction(f"&{n + 1}  {unit_status_label(status)}", menu)
            action.setData(status.value)
            action.setEnabled(status is not unit.status)
            action.triggered.connect(
                lambda _checked=False, s=status: self.change_status(unit_id, s))
            menu.addAction(action)
        return menu

    def open_status_menu(self) -> None:
        """Pop the status menu up at the current unit (keyboard: Ctrl+U)."""
        unit_id = self.current_unit()
        if not unit_id:
            self._show_notice(self.tr("Select a unit in the roster first."))
            return
        rect = self.tree.visualRect(self.tree.currentIndex())
        self.status_menu(unit_id).popup(self.tree.viewport().mapToGlobal(rect.bottomLeft()))

    def _on_context_menu(self, pos: QPoint) -> None:
        index = self.tree.indexAt(pos)
        unit_id = index.data(UNIT_ID_ROLE) if index.isValid() else None
        if unit_id:
            self.tree.setCurrentIndex(index)
            self.status_menu(str(unit_id)).popup(self.tree.viewport().mapToGlobal(pos))

    def change_status(self, unit_id: str, status: UnitStatus) -> bool:
        """Ask core to change a unit's status; a refusal is shown, never hidden."""
        unit = self._state.units.get(unit_id)
        previous = unit.status if unit else None
        event = self._runner.run(ChangeUnitStatus(unit_id, status))
        if event is None:
            error = self._runner.last_error
            if isinstance(error, IllegalTransition) and previous is not None:
                allowed = ", ".join(unit_status_label(s) for s in UNIT_TRANSITIONS[previous])
                text = fill(self.tr("Refused: %1 is %2 and cannot become %3. Allowed: %4."),
                            unit_id, unit_status_label(previous), unit_status_label(status),
                            allowed or "-")
            else:
                text = fill(self.tr("Refused: %1"), str(error))
            self._show_notice(text)
            return False
        self.notice.setVisible(False)
        self.noticeShown.emit(fill(self.tr("%1 is now %2"), unit_id, unit_status_label(status)))
        return True

    def _show_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(True)
        self.noticeShown.emit(text)
