"""The keyboard: every frequent action, its shortcut, and the cheat sheet listing them."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


@dataclass(frozen=True, slots=True)
class ActionSpec:
    """One action of the main window: stable name, English text, shortcuts."""

    name: str
    text: str
    keys: tuple[str, ...]


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("newCall", QT_TRANSLATE_NOOP("Actions", "New call"), ("F2", "Ctrl+N")),
    ActionSpec("dispatchRecommended",
               QT_TRANSLATE_NOOP("Actions", "Dispatch the selected/recommended units"),
               ("Ctrl+D",)),
    ActionSpec("focusQueue", QT_TRANSLATE_NOOP("Actions", "Go to the incident queue"), ("F3",)),
    ActionSpec("focusRoster", QT_TRANSLATE_NOOP("Actions", "Go to the resource roster"),
               ("F4",)),
    ActionSpec("focusMap", QT_TRANSLATE_NOOP("Actions", "Go to the map"), ("F5",)),
    ActionSpec("focusDispatch", QT_TRANSLATE_NOOP("Actions", "Go to the dispatch panel"),
               ("F6",)),
    ActionSpec("nextIncident", QT_TRANSLATE_NOOP("Actions", "Next incident"), ("Alt+Down",)),
    ActionSpec("previousIncident", QT_TRANSLATE_NOOP("Actions", "Previous incident"),
               ("Alt+Up",)),
    ActionSpec("incidentMenu",
               QT_TRANSLATE_NOOP("Actions", "Change the status or priority of the incident"),
               ("Ctrl+I",)),
    ActionSpec("changeUnitStatus",
               QT_TRANSLATE_NOOP("Actions", "Change the status of the selected unit"),
               ("Ctrl+U",)),
    ActionSpec("acknowledgeAlarm",
               QT_TRANSLATE_NOOP("Actions", "Acknowledge the selected (or oldest) alarm"),
               ("F9",)),
    ActionSpec("toggleTheme", QT_TRANSLATE_NOOP("Actions", "Light / dark theme"), ("Ctrl+T",)),
    ActionSpec("toggleLanguage", QT_TRANSLATE_NOOP("Actions", "Switch language (English / 中文)"),
               ("Ctrl+L",)),
    ActionSpec("resetLayout", QT_TRANSLATE_NOOP("Actions", "Reset the panel layout"), ()),
    ActionSpec("cheatSheet", QT_TRANSLATE_NOOP("Actions", "Keyboard shortcuts"), ("F1",)),
    ActionSpec("quit", QT_TRANSLATE_NOOP("Actions", "Quit"), ("Ctrl+Q",)),
)


def build_actions(parent: QWidget) -> dict[str, QAction]:
    """One QAction per spec, named, with its shortcuts, active anywhere in the window."""
    actions: dict[str, QAction] = {}
    for spec in ACTIONS:
        action = QAction(parent)
        action.setObjectName(spec.name)
        action.setShortcuts([QKeySequence(k) for k in spec.keys])
        # Also from a floating dock or the cheat sheet, which are windows of their own.
        action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        parent.addAction(action)
        actions[spec.name] = action
    retranslate_actions(actions)
    return actions


def retranslate_actions(actions: dict[str, QAction]) -> None:
    """Set the actions' texts in the current language."""
    for spec in ACTIONS:
        actions[spec.name].setText(QCoreApplication.translate("Actions", spec.text))


class CheatSheet(QDialog):
    """Lists every action and its keys; F1 opens it, Esc closes it."""

    def __init__(self, actions: dict[str, QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cheatSheet")
        self._actions = actions
        self.table = QTableWidget(len(ACTIONS), 2, self)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(520, 460)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        """Set the texts in the current language."""
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        self.table.setHorizontalHeaderLabels([self.tr("Action"), self.tr("Keys")])
        for row, spec in enumerate(ACTIONS):
            action = self._actions[spec.name]
            keys = "  /  ".join(k.toString(QKeySequence.SequenceFormat.NativeText)
                                for k in action.shortcuts()) or "—"
            self.table.setItem(row, 0, QTableWidgetItem(action.text()))
            self.table.setItem(row, 1, QTableWidgetItem(keys))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)
