"""The plugin panel: every data-source plugin with its state, counters and last error,
live, and a switch to turn each on or off (a command, so the log records who did it);
and, on a second tab, the external warnings in force (`console.panels.warning_list`).

Reads run on a worker thread, never on the GUI thread. The panel reads again at once
when the log says something about plugins or their sensors (`PLUGIN_EVENTS` from the
bridge: a switch, a sensor's incident, a silent sensor...). A host's own health
(state, counters, last error) is not in the log: hosts rewrite it every half second,
so the panel also reads it every `interval_ms`, only while the panel is on screen.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import QHeaderView, QLabel, QTableView, QTabWidget, QVBoxLayout, QWidget

from console.bridge import EventBridge, Selection
from console.command_runner import CommandRunner
from console.models.plugin_status_model import PluginColumn, PluginStatusModel
from console.worker_pool import WorkerPool
from core.centre import Centre
from core.commands import SetPluginEnabled
from core.errors import ValidationError

log = logging.getLogger(__name__)

# Events after which the plugins' status is worth reading at once.
PLUGIN_EVENTS = frozenset({"plugin_switched", "sensor_incident_raised",
                           "sensor_incident_updated", "sensor_incident_cleared",
                           "sensor_silent", "sensor_resumed", "external_alert_received"})


class _Relay(QObject):
    fetched = Signal(object)  # (status rows, switches, installed names) or an Exception


class _Fetch:
    def __init__(self, centre: Centre, relay: _Relay) -> None:
        super().__init__()
        self._centre, self._relay = centre, relay

    def run(self) -> None:
        from importlib.metadata import entry_points

        from core.plugins.api import ENTRY_POINT_GROUP
        from core.plugins.records import plugin_switches, read_status

        try:
            db = self._centre.service.db
            installed = sorted(ep.name for ep in entry_points(group=ENTRY_POINT_GROUP))
            result: object = (read_status(db), plugin_switches(db)[0], installed)
        except Exception as exc:  # noqa: BLE001 - shown, and tried again next time
            result = exc
        self._relay.fetched.emit(result)


class PluginPanel(QWidget):
    """Plugins and their health, with an on/off switch each (objectName `pluginPanel`)."""

    def __init__(self, centre: Centre, bridge: EventBridge, selection: Selection,
                 parent: QWidget | None = None, interval_ms: int = 1000) -> None:
        super().__init__(parent)
        self.setObjectName("pluginPanel")
        self._centre = centre
        self.runner = CommandRunner(centre.service, centre.actor, self)
        self.model = PluginStatusModel(self, time_zone=centre.city.time_zone)
        self.model.switchRequested.connect(self._on_switch_requested)
        bridge.eventArrived.connect(self.model.on_event)
        bridge.eventArrived.connect(self._on_event)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("pluginTabs")
        plugins_tab = QWidget(self.tabs)
        self.table = QTableView(plugins_tab)
        self.table.setObjectName("pluginTable")
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(PluginColumn.LAST_ERROR, QHeaderView.ResizeMode.Stretch)
        self.note = QLabel(plugins_tab)
        self.note.setObjectName("pluginNote")
        self.note.setWordWrap(True)
        tab_layout = QVBoxLayout(plugins_tab)
        tab_layout.setContentsMargins(0, 4, 0, 0)
        tab_layout.addWidget(self.table)
        tab_layout.addWidget(self.note)
        from console.panels.warning_list import WarningList

        self.warnings = WarningList(centre, bridge, self.tabs)
        self.tabs.addTab(plugins_tab, "")
        self.tabs.addTab(self.warnings, "")
        self.warnings.feed.changed.connect(self._name_tabs)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.tabs)
        self._pool = WorkerPool(self)
        self._pool.setMaxThreadCount(1)
        self._relay = _Relay(self)
        self._relay.fetched.connect(self._on_fetched)
        self._busy = False
        # The hosts' health is not in the log: read on a timer, only while shown.
        self._timer = QTimer(self, interval=interval_ms)
        self._timer.timeout.connect(self.refresh)
        self._debounce = QTimer(self, singleShot=True, interval=100)
        self._debounce.timeout.connect(self.refresh)
        self.fetches = 0
        self._problem = ""
        self.retranslate_ui()
        self.refresh()

    def _on_event(self, event: object) -> None:
        if getattr(event, "type", "") in PLUGIN_EVENTS:
            self._debounce.start()  # one read for a burst

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        self._timer.start()
        self.refresh()
        super().showEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802
        self._timer.stop()
        super().hideEvent(event)

    def refresh(self) -> None:
        """Read the status rows again (on the worker; one read at a time)."""
        if self._busy:
            return
        self._busy = True
        self._pool.start(_Fetch(self._centre, self._relay))

    def _on_fetched(self, result: object) -> None:
        self._busy = False
        self.fetches += 1
        if isinstance(result, Exception):
            self._problem = self.tr("Could not read the status of the plugins: {error}").format(
                error=result)
        else:
            status, switches, installed = result  # type: ignore[misc]
            self.model.set_switches(switches)
            self.model.set_status(status, installed)
            self._problem = ""
        self.retranslate_ui()

    def _on_switch_requested(self, name: str, on: bool) -> None:
        event = self.runner.run(SetPluginEnabled(name, on))
        if event is None:
            error: ValidationError | None = self.runner.last_error
            self._problem = self.tr("Not switched: {reason}").format(reason=error)
        else:
            self.model.on_event(event)
            self._problem = ""
        self.retranslate_ui()

    def switch(self, name: str, on: bool) -> None:
        """Ask for `name` to be switched on or off, as ticking its box does."""
        self._on_switch_requested(name, on)

    def retranslate_ui(self) -> None:
        """Texts in the current language."""
        self.table.setAccessibleName(self.tr("Data-source plugins"))
        if self._problem:
            self.note.setText(self._problem)
        elif self.model.rowCount() == 0:
            self.note.setText(self.tr("No plugins are installed. Plugins bring in sensors "
                                      "and other data sources; they run in the plugin host "
                                      "(beacon plugin run)."))
        else:
            self.note.setText(self.tr("Tick the box of a plugin to switch it on or off in every "
                                      "plugin host; the log records who did it."))
        self.model.retranslate()
        self._name_tabs()

    def _name_tabs(self) -> None:
        self.tabs.setTabText(0, self.tr("Plugins"))
        count = len(self.warnings.feed.warnings)
        self.tabs.setTabText(1, self.tr("External warnings (%1)").replace("%1", str(count))
                             if count else self.tr("External warnings"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def shutdown(self) -> None:
        """Stop reading (the window is closing)."""
        self._timer.stop()
        self._debounce.stop()
        self.warnings.shutdown()
        self._pool.waitForDone(2000)
