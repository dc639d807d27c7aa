"""The plugin panel's table: one row per plugin, from the hosts' status rows.

An adapter only: rows come from `core.plugins.records` (read by the panel's worker),
the on/off column from the log's `plugin_switched` events. Ticking the on/off box does
not change the row: it emits `switchRequested`, the panel runs the command, and the
event that comes back through the bus updates the box.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from core.events import Event
from core.local_time import format_local

Index = QModelIndex | QPersistentModelIndex


class PluginColumn(IntEnum):
    """The table's columns."""

    ON = 0
    NAME = 1
    STATE = 2
    VERSION = 3
    ACCEPTED = 4
    REJECTED = 5
    LAST_ERROR = 6


HEADERS = (QT_TRANSLATE_NOOP("PluginStatusModel", "On"),
           QT_TRANSLATE_NOOP("PluginStatusModel", "Plugin"),
           QT_TRANSLATE_NOOP("PluginStatusModel", "State"),
           QT_TRANSLATE_NOOP("PluginStatusModel", "Version (API)"),
           QT_TRANSLATE_NOOP("PluginStatusModel", "Accepted"),
           QT_TRANSLATE_NOOP("PluginStatusModel", "Rejected"),
           QT_TRANSLATE_NOOP("PluginStatusModel", "Last error"))

STATE_LABELS: dict[str, str] = {
    "starting": QT_TRANSLATE_NOOP("PluginStatusModel", "starting"),
    "running": QT_TRANSLATE_NOOP("PluginStatusModel", "running"),
    "retrying": QT_TRANSLATE_NOOP("PluginStatusModel", "retrying"),
    "failed": QT_TRANSLATE_NOOP("PluginStatusModel", "failed"),
    "disabled": QT_TRANSLATE_NOOP("PluginStatusModel", "switched off"),
    "not run": QT_TRANSLATE_NOOP("PluginStatusModel", "not run"),
}
STATE_COLOURS = {"running": "#2a9d55", "starting": "#f0a500", "retrying": "#e07a00",
                 "failed": "#d62828", "disabled": "#6c757d", "not run": "#6c757d"}


def _tr(text: str) -> str:
    return QCoreApplication.translate("PluginStatusModel", text)


class PluginStatusModel(QAbstractTableModel):
    """Plugins by name: state, version, counters, last error, and whether it is on."""

    switchRequested = Signal(str, bool)  # plugin name, wanted on

    def __init__(self, parent: QObject | None = None, time_zone: str = "UTC") -> None:
        super().__init__(parent)
        self._zone = time_zone  # the centre's: times are shown as the clock on the wall
        self._names: list[str] = []
        self._rows: dict[str, dict[str, Any]] = {}
        self._enabled: dict[str, bool] = {}

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._names)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(PluginColumn)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _tr(HEADERS[section])
        return None

    def name_at(self, row: int) -> str:
        """The plugin shown in `row`."""
        return self._names[row]

    def is_on(self, name: str) -> bool:
        """Whether the log has the plugin switched on (plugins are on until switched off)."""
        return self._enabled.get(name, True)

    def state_of(self, name: str) -> str:
        """The state its host last reported ("not run" when none has)."""
        return str(self._rows.get(name, {}).get("state", "not run"))

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == PluginColumn.ON:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        name = self._names[index.row()]
        row = self._rows.get(name, {})
        column = PluginColumn(index.column())
        if column is PluginColumn.ON and role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if self.is_on(name) else Qt.CheckState.Unchecked
        state = self.state_of(name)
        if role == Qt.ItemDataRole.DisplayRole:
            if column is PluginColumn.NAME:
                return name
            if column is PluginColumn.STATE:
                label = _tr(STATE_LABELS.get(state, state))
                if row.get("next_attempt") and state == "retrying":
                    label += " " + QCoreApplication.translate(
                        "PluginStatusModel", "(next try {time})").format(
                        time=format_local(row["next_attempt"], self._zone, "%H:%M:%S"))
                return label
            if column is PluginColumn.VERSION:
                api = row.get("api_version")
                return f"{row.get('version', '')} ({api})" if api else row.get("version", "")
            if column is PluginColumn.ACCEPTED:
                return str(row.get("accepted", 0))
            if column is PluginColumn.REJECTED:
                return str(row.get("rejected", 0))
            if column is PluginColumn.LAST_ERROR:
                return str(row.get("last_error", ""))
        if role == Qt.ItemDataRole.ToolTipRole and column in (PluginColumn.LAST_ERROR,
                                                             PluginColumn.STATE):
            return str(row.get("last_error") or row.get("message") or "")
        if role == Qt.ItemDataRole.ForegroundRole and column is PluginColumn.STATE:
            return QBrush(QColor(STATE_COLOURS.get(state, "#000000")))
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (PluginColumn.ACCEPTED,
                                                                    PluginColumn.REJECTED):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index: Index, value: Any,  # noqa: N802
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if index.column() == PluginColumn.ON and role == Qt.ItemDataRole.CheckStateRole:
            wanted = Qt.CheckState(value) == Qt.CheckState.Checked
            self.switchRequested.emit(self._names[index.row()], wanted)
        return False  # the box follows the log, not the click

    def set_status(self, rows: dict[str, dict[str, Any]], installed: list[str]) -> None:
        """New status rows (and the installed plugins' names, shown even if never run)."""
        names = sorted(set(rows) | set(installed) | set(self._enabled))
        if names != self._names:
            self.beginResetModel()
            self._names, self._rows = names, dict(rows)
            self.endResetModel()
            return
        self._rows = dict(rows)
        if names:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(names) - 1, len(PluginColumn) - 1))

    def set_switches(self, switches: dict[str, bool]) -> None:
        """Which plugins the log switched on or off."""
        self._enabled.update(switches)
        self.set_status(self._rows, self._names)

    def on_event(self, event: Event) -> None:
        """A `plugin_switched` event (from this or another workstation) moves the box."""
        if event.type == "plugin_switched":
            self.set_switches({event.payload["plugin"]: bool(event.payload["enabled"])})

    def retranslate(self) -> None:
        """Headers and state names in the current language."""
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(PluginColumn) - 1)
        if self._names:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self._names) - 1, len(PluginColumn) - 1))
