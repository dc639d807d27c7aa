"""The alarm list (`alarmList`): every alarm that waits for a person, in one place.

Alarms are core state (`core.domain.alarms`) kept current by the log, so an alarm
acknowledged at another workstation leaves this list as soon as its event arrives. A
flood is grouped (one row per kind and minute, with a count) and makes one sound; each
new group sounds once. Unacknowledged rows and the banner flash until acknowledged.
Escalated alarms are red and bold everywhere, and at the senior seats (supervisor,
commander) the banner says so and the sound plays at full volume.

Without a hub this panel also runs the time-based alarm rules (`core.alarm_watch`) every
few seconds; linked to a hub it leaves them to the hub (`set_watching(False)`). The rules
read a copy of the state taken on the GUI thread (which applies every event) and run on a
worker thread, with 10,000 incidents ~0.1 s of reading and a transaction; the alarms they
record come back to the GUI thread and are published there like any other event.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QEvent,
    QObject,
    QSysInfo,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.alarm_sound import AlarmSound
from console.bridge import EventBridge, Selection
from console.column_fit import ColumnFitter
from console.command_runner import CommandRunner
from console.worker_pool import WorkerPool
from core.alarm_watch import WATCH_INTERVAL_S, AlarmRules, WatchSnapshot, run_watch, watch_snapshot
from core.auth import ESCALATION_ROLES
from core.bus import EventBus
from core.centre import Centre
from core.commands import AcknowledgeAlarms, SetAlarmSoundMuted
from core.domain.alarms import Alarm, AlarmKind, active_alarms, group_alarms
from core.errors import ValidationError
from core.events import Event
from core.local_time import offset_text, to_local
from core.service import CommandService

log = logging.getLogger(__name__)

KIND_LABELS: dict[AlarmKind, str] = {
    AlarmKind.P1_INCIDENT: QT_TRANSLATE_NOOP("AlarmList", "New priority-1 incident"),
    AlarmKind.RESPONSE_BREACH: QT_TRANSLATE_NOOP("AlarmList",
                                                 "Response standard about to be breached"),
    AlarmKind.UNIT_EMERGENCY: QT_TRANSLATE_NOOP("AlarmList", "Unit emergency"),
    AlarmKind.PLAYBOOK_STEP_OVERDUE: QT_TRANSLATE_NOOP("AlarmList", "Playbook step overdue"),
    AlarmKind.SENSOR_SILENT: QT_TRANSLATE_NOOP("AlarmList", "Sensor silent"),
    AlarmKind.EXTERNAL: QT_TRANSLATE_NOOP("AlarmList", "Alarm"),
}
FLASH_MS = 500
GROUP_NAMES = 4  # incidents named on a group's row; the rest are under it
# Rows built at most (groups, and alarms under one group): a centre with thousands of
# waiting alarms must not stall the screen; a last row says how many more there are.
MAX_GROUPS = 200
MAX_CHILDREN = 100
IDS = Qt.ItemDataRole.UserRole  # the alarm ids a row stands for
ESCALATED_BRUSH = QBrush(QColor("#b71c1c"))
FLASH_BRUSH = QBrush(QColor("#ffcc80"))
BANNER_STYLE = ("QLabel {{ background: {bg}; color: {fg}; font-weight: bold; "
                "padding: 4px 8px; border-radius: 3px; }}")


class _WatchRelay(QObject):
    done = Signal(object)  # list[Event] recorded, or the Exception that stopped the round


class _WatchRound:
    """Worker job: one round of the alarm rules on a snapshot, recorded through a
    service of its own whose bus nobody hears (its events go back to the GUI thread)."""

    def __init__(self, service: CommandService, snapshot: WatchSnapshot, rules: AlarmRules,
                 relay: _WatchRelay) -> None:
        self._service, self._snapshot, self._rules = service, snapshot, rules
        self._relay = relay

    def run(self) -> None:
        try:
            result: object = run_watch(self._service, self._snapshot, self._rules)
        except Exception as exc:  # noqa: BLE001 - reported on the GUI thread
            result = exc
        self._relay.done.emit(result)


def kind_label(kind: AlarmKind) -> str:
    """The alarm kind in the operator's language."""
    return QCoreApplication.translate("AlarmList", KIND_LABELS[kind])


class AlarmList(QWidget):
    """The list of active alarms with Acknowledge and a logged mute."""

    noticeShown = Signal(str)
    activeChanged = Signal(int)  # how many alarms wait for acknowledgement

    def __init__(self, centre: Centre, bridge: EventBridge, selection: Selection,
                 parent: QWidget | None = None, *, sound: AlarmSound | None = None,
                 rules: AlarmRules | None = None,
                 watch_interval_ms: int = int(WATCH_INTERVAL_S * 1000)) -> None:
        super().__init__(parent)
        self.setObjectName("alarmList")
        self.setAccessibleName("alarmList")
        self._centre = centre
        self._state = centre.live.state
        self._selection = selection
        self._zone = centre.city.time_zone
        self.runner = CommandRunner(centre.service, centre.actor, self)
        self.runner.refused.connect(self._on_refused)
        actor = centre.actor
        self.senior = bool(actor and actor.role in ESCALATION_ROLES)
        settings_sound, settings_rules = _alarm_settings()
        self.sound = sound or AlarmSound(settings_sound)
        self.rules = rules or settings_rules
        self._seen: set[str] = set()  # active alarms this panel has sounded for
        self._seen_escalated: set[str] = set()
        self._flash_on = False
        self._refresh_due = False
        self._watching_now = False  # a round of the rules is under way on the worker
        self._watch_pool = WorkerPool(self)
        self._watch_relay = _WatchRelay(self)
        self._watch_relay.done.connect(self._on_watched)
        self._watch_service: CommandService | None = None

        self.banner = QLabel(self)
        self.banner.setObjectName("alarmBanner")
        self.banner.setAccessibleName("alarmBanner")
        self.banner.setWordWrap(True)
        self.banner.hide()
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("alarmTree")
        self.tree.setAccessibleName("alarmTree")
        self.tree.setColumnCount(4)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setUniformRowHeights(True)
        # Fitted to the values in either language; "About" takes what is left (elided).
        self._fitter = ColumnFitter(self.tree, stretch=3, stretch_min=80)
        self.tree.currentItemChanged.connect(self._on_current)
        self.tree.itemActivated.connect(lambda *_: self.acknowledge_selected())
        self.ack_button = QPushButton(self)
        self.ack_button.setObjectName("alarmAcknowledge")
        self.ack_button.setAccessibleName("alarmAcknowledge")
        self.ack_button.clicked.connect(self.acknowledge_selected)
        self.mute_button = QPushButton(self)
        self.mute_button.setObjectName("alarmMute")
        self.mute_button.setAccessibleName("alarmMute")
        self.mute_button.setCheckable(True)
        self.mute_button.toggled.connect(self._on_mute)
        self.notice = QLabel(self)
        self.notice.setObjectName("alarmNotice")
        self.notice.setWordWrap(True)

        buttons = QHBoxLayout()
        buttons.addWidget(self.ack_button)
        buttons.addWidget(self.mute_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.banner)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.notice)

        self._flash = QTimer(self, interval=FLASH_MS)
        self._flash.timeout.connect(self._on_flash)
        self._watch = QTimer(self, interval=watch_interval_ms)
        self._watch.timeout.connect(self.check_rules)
        self._watch.start()
        bridge.eventArrived.connect(self._on_event)
        self.retranslate_ui()
        self.refresh()

    # -- what is shown -------------------------------------------------------------

    def active(self) -> list[Alarm]:
        """The alarms waiting for acknowledgement, oldest first."""
        return active_alarms(self._state)

    def _on_event(self, event: Event) -> None:
        if event.type.startswith("alarm_") or "alarm_id" in event.payload:
            # Many events arrive together (a follower's batch): one refresh, one sound.
            if not self._refresh_due:
                self._refresh_due = True
                QTimer.singleShot(0, self.refresh)

    def refresh(self) -> None:
        """Rebuild the rows from the state; sound for new groups and escalations."""
        self._refresh_due = False
        active = self.active()
        groups = group_alarms(active)
        current = self.selected_ids()
        self.tree.clear()
        restore: QTreeWidgetItem | None = None
        for group in groups[:MAX_GROUPS]:
            item = self._group_item(group)
            self.tree.addTopLevelItem(item)
            if current and set(current) <= set(item.data(0, IDS)):
                restore = item
        hidden = sum(len(g) for g in groups[MAX_GROUPS:])
        if hidden:
            self.tree.addTopLevelItem(self._more_item(hidden, []))
        if restore is not None:
            self.tree.setCurrentItem(restore)
        self._sound_for(groups)
        self._show_banner(active)
        self.ack_button.setEnabled(bool(active))
        if active and not self._flash.isActive():
            self._flash.start()
        elif not active:
            self._flash.stop()
        self.activeChanged.emit(len(active))

    def _group_item(self, group: list[Alarm]) -> QTreeWidgetItem:
        first = group[0]
        escalated = any(a.escalated for a in group)
        label = kind_label(first.kind)
        if len(group) > 1:
            label = self.tr("%1 × %2").replace("%1", label).replace("%2", str(len(group)))
        item = QTreeWidgetItem([self._time(first), label, self._status(escalated),
                                self._about_group(group)])
        item.setData(0, IDS, [a.id for a in group])
        item.setData(1, IDS, escalated)
        if len(group) > 1:
            for alarm in group[:MAX_CHILDREN]:
                child = QTreeWidgetItem([self._time(alarm), kind_label(alarm.kind),
                                         self._status(alarm.escalated), self._about(alarm)])
                child.setData(0, IDS, [alarm.id])
                child.setData(1, IDS, alarm.escalated)
                item.addChild(child)
            if len(group) > MAX_CHILDREN:
                item.addChild(self._more_item(len(group) - MAX_CHILDREN,
                                              [a.id for a in group[MAX_CHILDREN:]]))
        self._paint(item)
        return item

    def _more_item(self, count: int, ids: list[str]) -> QTreeWidgetItem:
        """'… and N more': alarms not given a row of their own (acknowledging the row
        acknowledges them when they are known)."""
        more = QTreeWidgetItem(["", self.tr("… and %1 more").replace("%1", str(count)),
                                "", ""])
        more.setData(0, IDS, ids)
        more.setData(1, IDS, False)
        return more

    def _time(self, alarm: Alarm) -> str:
        return to_local(alarm.raised_at, self._zone).strftime("%H:%M:%S")

    def _about(self, alarm: Alarm) -> str:
        incident = self._state.incidents.get(alarm.incident_id or "")
        if alarm.kind is AlarmKind.UNIT_EMERGENCY:
            said = alarm.text.split(": ", 1)[1] if ": " in alarm.text else ""
            where = f" ({alarm.incident_id})" if alarm.incident_id else ""
            return f"{alarm.unit_id}{where}" + (f": {said}" if said else "")
        if alarm.kind in (AlarmKind.P1_INCIDENT, AlarmKind.RESPONSE_BREACH) and incident:
            return f"{incident.id}  {incident.address}"
        if alarm.resumed_at is not None:  # the sensor reads again; still to be seen
            return self.tr("%1 (readings resumed at %2)").replace("%1", alarm.text).replace(
                "%2", to_local(alarm.resumed_at, self._zone).strftime("%H:%M:%S"))
        return alarm.text

    def _about_group(self, group: list[Alarm]) -> str:
        if len(group) == 1:
            return self._about(group[0])
        names = [a.incident_id or a.unit_id or a.source for a in group]
        shown = ", ".join(names[:GROUP_NAMES])
        return shown + (", …" if len(names) > GROUP_NAMES else "")

    def _status(self, escalated: bool) -> str:
        return self.tr("Escalated") if escalated else self.tr("Waiting")

    def _paint(self, item: QTreeWidgetItem, children: bool = True) -> None:
        """Escalated rows red and bold; the others flash with the timer (the flash
        repaints only the top rows: a group's members stay still under it)."""
        items = [item] + ([item.child(n) for n in range(item.childCount())] if children
                          else [])
        for it in items:
            escalated = bool(it.data(1, IDS))
            font = QFont(it.font(0))
            font.setBold(escalated)
            for col in range(4):
                it.setFont(col, font)
                if escalated:
                    it.setBackground(col, ESCALATED_BRUSH)
                    it.setForeground(col, QBrush(QColor("white")))
                else:
                    flash = self._flash_on and it.parent() is None
                    it.setBackground(col, FLASH_BRUSH if flash else QBrush())
                    it.setForeground(col, QBrush(QColor("black")) if flash else QBrush())

    def _on_flash(self) -> None:
        self._flash_on = not self._flash_on
        for n in range(self.tree.topLevelItemCount()):
            self._paint(self.tree.topLevelItem(n), children=False)
        self._style_banner()

    def _show_banner(self, active: list[Alarm]) -> None:
        if not active:
            self.banner.hide()
            return
        escalated = [a for a in active if a.escalated]
        if escalated and self.senior:
            text = self.tr("Escalated alarms, not acknowledged in time: %1. A supervisor "
                           "must answer.").replace("%1", str(len(escalated)))
        else:
            text = self.tr("Alarms waiting for acknowledgement: %1").replace(
                "%1", str(len(active)))
        self.banner.setText(text)
        self.banner.setProperty("escalated", bool(escalated and self.senior))
        self._style_banner()
        self.banner.show()

    def _style_banner(self) -> None:
        if self.banner.property("escalated"):
            bg, fg = ("#b71c1c", "white") if self._flash_on else ("#7f0000", "white")
        else:
            bg, fg = ("#e65100", "white") if self._flash_on else ("#ffcc80", "black")
        self.banner.setStyleSheet(BANNER_STYLE.format(bg=bg, fg=fg))

    def _sound_for(self, groups: list[list[Alarm]]) -> None:
        """One sound per new group (a flood joining a group already sounded is quiet);
        an escalation sounds again, at full volume at the senior seats."""
        new_group = any(not ({a.id for a in g} & self._seen) for g in groups)
        escalated_now = {a.id for g in groups for a in g if a.escalated}
        newly_escalated = escalated_now - self._seen_escalated
        active_ids = {a.id for g in groups for a in g}
        self._seen = active_ids
        self._seen_escalated = escalated_now
        if newly_escalated:
            self.sound.play(loud=self.senior)
        elif new_group:
            self.sound.play()

    # -- what the operator does ----------------------------------------------------------

    def selected_ids(self) -> list[str]:
        """The alarm ids of the selected row (a group: all of them), or []."""
        item = self.tree.currentItem()
        return list(item.data(0, IDS)) if item is not None else []

    def _on_current(self, item: QTreeWidgetItem | None, _previous: object) -> None:
        if item is None:
            return
        ids = item.data(0, IDS)
        alarm = self._state.alarms.get(ids[0]) if ids else None
        if alarm is not None and alarm.incident_id:
            self._selection.select_incident(alarm.incident_id)

    def acknowledge_selected(self) -> bool:
        """Acknowledge the selected row (a group: every alarm in it), or, with nothing
        selected, the oldest group. True when the acknowledgement was recorded."""
        ids = self.selected_ids()
        if not ids and self.tree.topLevelItemCount():
            ids = list(self.tree.topLevelItem(self.tree.topLevelItemCount() - 1).data(0, IDS))
        if not ids:
            return False
        event = self.runner.run(AcknowledgeAlarms(tuple(ids)))
        if event is None:
            return False
        self.notice.clear()
        self.refresh()  # our own event was applied when recorded
        return True

    def _on_mute(self, muted: bool) -> None:
        if muted == self.sound.muted:
            return
        event = self.runner.run(SetAlarmSoundMuted(muted, QSysInfo.machineHostName()[:64]))
        if event is None:  # refused: the button goes back
            self.mute_button.blockSignals(True)
            self.mute_button.setChecked(self.sound.muted)
            self.mute_button.blockSignals(False)
            return
        self.sound.muted = muted
        self._retranslate_mute()

    def _on_refused(self, error: ValidationError) -> None:
        text = self.tr("Refused: %1").replace("%1", str(error))
        self.notice.setText(text)
        self.noticeShown.emit(text)

    # -- the time-based rules --------------------------------------------------------

    def set_watching(self, on: bool) -> None:
        """Run the time-based alarm rules here (no hub) or not (a hub runs them)."""
        if on:
            self._watch.start()
        else:
            self._watch.stop()

    def check_rules(self) -> None:
        """Raise breach warnings and escalations that are due (idempotent: another
        console or the hub may have done it first), on the worker thread: the state is
        copied here, on the thread that applies events to it."""
        if self._watching_now:
            return  # the last round is still under way
        service = self._centre.service
        if self._watch_service is None:
            # Same database and clock; a bus of its own, so the events it records are
            # published here, on the GUI thread (see `_on_watched`), not on the worker.
            self._watch_service = CommandService(service.db, EventBus(), service.clock)
        self._watch_service.exercise = service.exercise  # a drill's events say so
        self._watching_now = True
        self._watch_pool.start(_WatchRound(self._watch_service, watch_snapshot(self._state),
                                           self.rules, self._watch_relay))

    def _on_watched(self, result: object) -> None:
        self._watching_now = False
        if isinstance(result, Exception):  # tried again at the next tick
            log.warning("alarm rules could not be checked: %s", result)
            return
        live = self._centre.live
        for event in result:  # type: ignore[union-attr]
            if live.is_new(event):  # not yet read from the log by the follower
                self._centre.service.bus.publish(event)

    def wait_for_rules(self) -> None:
        """Wait for a round of the rules under way (tests; before the database closes)."""
        self._watch_pool.waitForDone()

    # -- language ----------------------------------------------------------------------

    def retranslate_ui(self) -> None:
        """Texts in the current language."""
        # The zone once, in the header (as the roster does), not on every row.
        zone = offset_text(to_local(self._centre.service.clock.now(), self._zone))
        self.tree.setHeaderLabels([self.tr("Raised (%1)").replace("%1", zone),
                                   self.tr("Alarm"), self.tr("State"), self.tr("About")])
        self.ack_button.setText(self.tr("Acknowledge (F9)"))
        self.ack_button.setToolTip(self.tr("Acknowledge the selected alarm or group; with "
                                           "nothing selected, the oldest"))
        self._retranslate_mute()

    def _retranslate_mute(self) -> None:
        self.mute_button.setText(self.tr("Sound muted") if self.sound.muted
                                 else self.tr("Mute sound"))
        self.mute_button.setToolTip(self.tr("Mutes this workstation's alarm sound (logged); "
                                            "alarms still wait for acknowledgement"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange and hasattr(self, "mute_button"):
            self.retranslate_ui()
            self.refresh()
        super().changeEvent(event)

    def close_sound(self) -> None:
        """Stop the watch and release the sound (when the window closes)."""
        self._watch.stop()
        self._flash.stop()
        self._watch_pool.waitForDone()
        self.sound.close()


def _alarm_settings() -> tuple[str | None, AlarmRules]:
    """The sound mode and rules from the settings file; defaults if it cannot be read
    (the console says so where it reads the file first)."""
    from core.settings import load_settings

    try:
        settings = load_settings()
    except Exception:  # noqa: BLE001 - a bad settings file is reported at start-up
        return None, AlarmRules()
    try:
        rules = AlarmRules(settings.alarm_escalate_after_s or AlarmRules().escalate_after_s)
    except ValueError as exc:
        log.warning("%s: using the default", exc)
        rules = AlarmRules()
    return settings.alarm_sound, rules
