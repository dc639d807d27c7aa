"""The playbook panel (预案): matching playbooks for the selected incident, activation,
and its live checklist (owner, countdown, state, who ticked it and when).

The panel reads the console's live state and sends commands through its own
`CommandRunner`; the checklist's rules (`core.playbooks`) decide everything. A clock
tick (once a second) moves the countdowns, turns overdue steps red, calls
`on_step_overdue` once per step, and lets the level rules fire (`core.playbooks.rules`:
idempotent, so two consoles never record a firing twice).
"""

from __future__ import annotations

import logging
from datetime import datetime

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.bridge import EventBridge, Selection
from console.command_runner import CommandRunner
from console.i18n import current_language
from console.simple_list import SimpleList
from console.vocabulary import capability_label, fill, incident_type_label
from core.centre import Centre
from core.errors import ValidationError
from core.events import Event
from core.local_time import offset_text, to_local
from core.playbooks.commands import ActivatePlaybook, ChangePlaybookLevel, SkipStep, TickStep
from core.playbooks.format import LoadResult, Playbook, load_playbooks
from core.playbooks.live import StepView, level_needs, overdue_everywhere, step_views
from core.playbooks.matching import Match, match_playbooks
from core.playbooks.rules import due_firings, evaluate_rules
from core.playbooks.sensors import sensor_rules_pending

log = logging.getLogger(__name__)

OVERDUE_BACKGROUND = QColor("#c62828")
OVERDUE_TEXT = QColor("#ffffff")
DONE_TEXT = QColor("#2e7d32")
MUTED_TEXT = QColor("#808080")


def content_language() -> str:
    """The language of playbook text to show: "zh" when the console speaks Chinese."""
    return "zh" if current_language().startswith("zh") else "en"


def _short(text: str, limit: int = 48) -> str:
    text = text.rstrip(".。")
    return text if len(text) <= limit else text[:limit - 1] + "…"


class PlaybookPanel(QWidget):
    """Matching playbooks and the live checklist of the selected incident."""

    checklistChanged = Signal(str)  # incident id
    stepOverdue = Signal(str, str)  # incident id, step id

    def __init__(self, centre: Centre, bridge: EventBridge, selection: Selection,
                 parent: QWidget | None = None, *, playbooks: LoadResult | None = None
                 ) -> None:
        super().__init__(parent)
        self.setObjectName("playbookPanel")
        self._centre = centre
        self._state = centre.live.state
        self._runner = CommandRunner(centre.service, centre.actor, self)
        self._runner.refused.connect(self._on_refused)
        self._selection = selection
        self._incident_id = ""
        self._matches: list[Match] = []
        self._views: list[StepView] = []
        self._overdue_told: set[tuple[str, str]] = set()
        self.loaded = playbooks if playbooks is not None else load_playbooks()

        self.heading = QLabel(objectName="playbookHeading")
        self.heading.setWordWrap(True)
        self.load_errors = QLabel(objectName="playbookLoadErrors")
        self.load_errors.setWordWrap(True)
        self.load_errors.setStyleSheet("color: #c62828;")
        self.matches = SimpleList(objectName="playbookMatches")
        self.activate = QPushButton(objectName="activatePlaybook")
        self.activate.clicked.connect(self._on_activate)
        self.level = QComboBox(objectName="playbookLevel")
        self.change_level = QPushButton(objectName="changeLevel")
        self.change_level.clicked.connect(self._on_change_level)
        self.needs = QLabel(objectName="playbookNeeds")
        self.needs.setWordWrap(True)
        self.notice = QLabel(objectName="playbookNotice")
        self.notice.setWordWrap(True)
        self.model = QStandardItemModel(0, 5, self)
        self.table = QTableView(objectName="playbookChecklist")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.tick = QPushButton(objectName="tickStep")
        self.tick.clicked.connect(self._on_tick)
        self.skip_reason = QLineEdit(objectName="skipReason")
        self.skip = QPushButton(objectName="skipStep")
        self.skip.clicked.connect(self._on_skip)
        self.message = QLabel(objectName="playbookMessage")
        self.message.setWordWrap(True)

        match_row = QHBoxLayout()
        match_row.addWidget(self.matches, 1)
        match_row.addWidget(self.activate, 0, Qt.AlignmentFlag.AlignTop)
        level_row = QHBoxLayout()
        self.level_caption = QLabel()
        level_row.addWidget(self.level_caption)
        level_row.addWidget(self.level, 1)
        level_row.addWidget(self.change_level)
        step_row = QHBoxLayout()
        step_row.addWidget(self.tick)
        step_row.addWidget(self.skip_reason, 1)
        step_row.addWidget(self.skip)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.load_errors)
        layout.addLayout(match_row, 1)
        layout.addLayout(level_row)
        layout.addWidget(self.needs)
        layout.addWidget(self.notice)
        layout.addWidget(self.table, 1)
        layout.addLayout(step_row)
        layout.addWidget(self.message)

        selection.incidentSelected.connect(self._on_incident_selected)
        bridge.eventArrived.connect(self.on_event)
        self._clock = QTimer(self, interval=1000)
        self._clock.timeout.connect(self.on_clock)
        self._clock.start()
        self.retranslate_ui()
        if selection.incident_id:
            self._on_incident_selected(selection.incident_id)

    # -- language ------------------------------------------------------------------------

    def retranslate_ui(self) -> None:
        """Set every text in the current language."""
        self.setAccessibleName("playbookPanel")
        self.activate.setText(self.tr("Activate"))
        self.activate.setToolTip(self.tr("Turn the selected playbook into this incident's "
                                         "live checklist"))
        self.level_caption.setText(self.tr("Response level:"))
        self.change_level.setText(self.tr("Change level"))
        self.tick.setText(self.tr("Done"))
        self.skip.setText(self.tr("Skip"))
        self.skip_reason.setPlaceholderText(self.tr("Why skip this step (required)"))
        offset = offset_text(to_local(self._now(), self._centre.city.time_zone))
        self.model.setHorizontalHeaderLabels([self.tr("State"), self.tr("Step"),
                                              self.tr("Owner"), fill(self.tr("Due (%1)"), offset),
                                              self.tr("Done by")])
        errors = self.loaded.errors
        self.load_errors.setText("" if not errors else fill(
            self.tr("%1 playbook file(s) could not be loaded: %2"), len(errors),
            "; ".join(str(e) for e in errors)))
        self.load_errors.setVisible(bool(errors))
        self.refresh()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def seat_label(self, seat: str) -> str:
        """The translated name of a seat role."""
        return {"commander": self.tr("Commander"), "fire": self.tr("Fire"),
                "medical": self.tr("Medical"), "police": self.tr("Police"),
                "community": self.tr("Community / grid"),
                "public_info": self.tr("Public information")}.get(seat, seat)

    def reason_text(self, match: Match) -> str:
        """Why a playbook matches, in the console's language."""
        parts = []
        for kind, detail in match.reasons:
            if kind == "type":
                parts.append(fill(self.tr("type %1"), incident_type_label(detail)))
            elif kind == "priority":
                parts.append(fill(self.tr("priority %1"), detail))
            elif kind == "time":
                parts.append(fill(self.tr("time of day %1"), detail))
            elif kind == "words":
                parts.append(fill(self.tr("words: %1"), detail))
            elif kind == "cell":
                parts.append(fill(self.tr("grid cell %1"), detail))
        return "; ".join(parts)

    def state_label(self, view: StepView) -> str:
        """The translated state of a step as shown."""
        if view.state == "done":
            return self.tr("Done")
        if view.state == "skipped":
            return self.tr("Skipped")
        if not view.active:
            return fill(self.tr("At level %1"), view.level)
        if view.overdue:
            return self.tr("OVERDUE")
        if view.blocked_by:
            return self.tr("Waiting")
        return self.tr("Open")

    # -- what is shown -------------------------------------------------------------------

    @property
    def incident_id(self) -> str:
        """The incident shown."""
        return self._incident_id

    @property
    def match_list(self) -> list[Match]:
        """The matching playbooks shown, best first."""
        return list(self._matches)

    @property
    def step_list(self) -> list[StepView]:
        """The checklist's steps as shown."""
        return list(self._views)

    def checklist(self) -> dict | None:
        """The selected incident's live checklist, or None."""
        return self._state.playbooks.get(self._incident_id)

    def _now(self):  # noqa: ANN202 - datetime
        return self._centre.service.clock.now()

    def _on_incident_selected(self, incident_id: str) -> None:
        self._incident_id = incident_id
        self.message.setText("")
        self.refresh()

    def on_event(self, event: Event) -> None:
        """Refresh when something about the shown incident (or the units) changed."""
        if not self._incident_id:
            return
        if event.incident_id == self._incident_id or event.type.startswith("playbook_") or \
                event.type in ("unit_status_changed", "units_assigned"):
            self.refresh()
            if event.type.startswith("playbook_"):
                self.checklistChanged.emit(event.incident_id or "")

    def refresh(self) -> None:
        """Show the matches or the checklist of the selected incident."""
        lang = content_language()
        incident = self._state.incidents.get(self._incident_id)
        checklist = self.checklist()
        has_checklist = checklist is not None
        self.matches.setVisible(incident is not None and not has_checklist)
        self.activate.setVisible(incident is not None and not has_checklist)
        for w in (self.level, self.change_level, self.level_caption, self.needs, self.table,
                  self.tick, self.skip, self.skip_reason, self.notice):
            w.setVisible(has_checklist)
        if incident is None:
            self.heading.setText(self.tr("Select an incident to see the playbooks that fit "
                                         "it."))
            self._matches, self._views = [], []
            self.matches.clear()
            self.model.removeRows(0, self.model.rowCount())
            return
        if checklist is None:
            local = to_local(self._now(), self._centre.city.time_zone).time()
            self._matches = match_playbooks(self.loaded.playbooks, incident, local)
            self.heading.setText(fill(self.tr("%1 · %2: playbooks that fit, best first"),
                                      incident.id, incident_type_label(incident.type)))
            self.matches.clear()
            for m in self._matches:
                self.matches.add(fill(self.tr("%1 (why: %2)"), m.playbook.title[lang],
                                      self.reason_text(m)), m.playbook.id)
            if self._matches:
                self.matches.set_current_row(0)
            else:
                self.matches.add(self.tr("No playbook fits this incident."))
            self._views = []
            return
        level = next(lv for lv in checklist["levels"] if lv["id"] == checklist["level"])
        self.heading.setText(fill(self.tr("%1 · %2 · %3"), incident.id,
                                  checklist["title"][lang], level["name"][lang]))
        self.level.blockSignals(True)
        self.level.clear()
        for lv in sorted(checklist["levels"], key=lambda lv: lv["rank"]):
            self.level.addItem(lv["name"][lang], lv["id"])
        self.level.setCurrentIndex(self.level.findData(checklist["level"]))
        self.level.blockSignals(False)
        needs = level_needs(checklist)
        self.needs.setText(fill(self.tr("This level calls for: %1"), ", ".join(
            f"{n} × {capability_label(c)}" for c, n in sorted(needs.items()))))
        self._fill_steps(checklist)

    def _fill_steps(self, checklist: dict) -> None:
        lang = content_language()
        now = self._now()
        zone = self._centre.city.time_zone
        selected = self.selected_step()
        self._views = step_views(checklist, now)
        texts = {s["id"]: s["text"][lang] for s in checklist["steps"]}
        self.model.removeRows(0, self.model.rowCount())
        overdue = []
        for view in self._views:
            text = view.text[lang]
            if view.blocked_by and view.state == "open":
                text += "\n" + fill(self.tr("waits for: %1"), "; ".join(
                    _short(texts.get(b, b)) for b in view.blocked_by))
            if view.state == "skipped":
                text += "\n" + fill(self.tr("skipped: %1"), view.reason)
            if view.due_at is None:
                due = ""
            else:
                left = int((view.due_at - now).total_seconds())
                clock = to_local(view.due_at, zone).strftime("%H:%M")
                if view.state != "open":
                    due = clock
                elif left >= 0:
                    due = fill(self.tr("%1 (in %2:%3)"), clock, left // 60,
                               f"{left % 60:02d}")
                else:
                    due = fill(self.tr("%1 (%2:%3 late)"), clock, -left // 60,
                               f"{-left % 60:02d}")
            done = ""
            if view.by:
                done = fill(self.tr("%1 at %2"), view.by,
                            to_local(datetime.fromisoformat(view.at), zone).strftime("%H:%M"))
            row = [QStandardItem(self.state_label(view)), QStandardItem(text),
                   QStandardItem(self.seat_label(view.role)), QStandardItem(due),
                   QStandardItem(done)]
            row[0].setData(view.id, Qt.ItemDataRole.UserRole)
            for item in row:
                if view.overdue:
                    item.setBackground(QBrush(OVERDUE_BACKGROUND))
                    item.setForeground(QBrush(OVERDUE_TEXT))
                elif view.state != "open":
                    item.setForeground(QBrush(DONE_TEXT))
                elif not view.active:
                    item.setForeground(QBrush(MUTED_TEXT))
            self.model.appendRow(row)
            if view.overdue:
                overdue.append(view)
        self.table.resizeRowsToContents()
        if selected:
            self.select_step(selected)
        if overdue:
            self.notice.setText(fill(self.tr("%1 step(s) overdue: %2. Do them now, or skip "
                                             "them with a reason."), len(overdue),
                                     "; ".join(v.text[lang].rstrip(".。") for v in overdue[:3])))
            self.notice.setStyleSheet("color: #c62828; font-weight: bold;")
        else:
            self.notice.setText(self.tr("No step is overdue."))
            self.notice.setStyleSheet("")

    def _tell_overdue(self) -> None:
        open_ids = {i.id for i in self._state.open_incidents()}
        for incident_id, view in overdue_everywhere(self._state.playbooks, open_ids,
                                                    self._now()):
            key = (incident_id, view.id)
            if key not in self._overdue_told:
                self._overdue_told.add(key)
                self._raise_overdue_alarm(incident_id, view)
                self.on_step_overdue(incident_id, view.id)

    def _raise_overdue_alarm(self, incident_id: str, view: StepView) -> None:
        """The step's alarm in the alarm list, until a person acknowledges it. Every
        console may try: the command refuses a second alarm for the same step
        (`AlarmExists`), so there is one whatever the number of consoles."""
        from core.auth import SYSTEM
        from core.commands.alarms import playbook_step_overdue

        title = f"{incident_id}: {view.text.get('en') or view.id}"
        try:
            self._centre.service.execute(playbook_step_overdue(incident_id, view.id, title),
                                         SYSTEM)
        except ValidationError:  # raised already (here or at another desk), or refused
            pass

    def on_step_overdue(self, incident_id: str, step_id: str) -> None:
        """Hook called once per overdue step of any open incident (not only the one on
        screen), from the clock tick, after its alarm was raised: emits `stepOverdue`."""
        self.stepOverdue.emit(incident_id, step_id)

    # -- the clock -----------------------------------------------------------------------

    def on_clock(self) -> None:
        """Move the countdowns and let the level rules fire (once, whoever is first)."""
        # A sensor rule's readings are in the database, not the state: while one could
        # fire, let the one evaluator read them (a small query once a second).
        if due_firings(self._state, self._now()) or sensor_rules_pending(
                self._state.playbooks, (i.id for i in self._state.open_incidents())):
            try:
                evaluate_rules(self._centre.service, self._state)
            except Exception:  # noqa: BLE001 - a rule must never stop the console
                log.exception("evaluating playbook rules failed")
        checklist = self.checklist()
        if checklist is not None:
            self._fill_steps(checklist)
        self._tell_overdue()

    # -- actions -------------------------------------------------------------------------

    def selected_playbook(self) -> Playbook | None:
        """The playbook selected in the matches list."""
        pid = self.matches.current_data()
        return next((m.playbook for m in self._matches if m.playbook.id == pid), None)

    def selected_step(self) -> str:
        """The id of the step selected in the checklist, or ""."""
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return ""
        return str(self.model.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole))

    def select_step(self, step_id: str) -> None:
        """Select a step of the checklist by id."""
        for row in range(self.model.rowCount()):
            if self.model.item(row, 0).data(Qt.ItemDataRole.UserRole) == step_id:
                self.table.selectRow(row)
                return

    def _on_refused(self, error: Exception) -> None:
        self.message.setText(str(error))
        self.message.setStyleSheet("color: #c62828;")

    def _done(self, text: str) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("")

    def _on_activate(self) -> None:
        playbook = self.selected_playbook()
        if playbook is None or not self._incident_id:
            self._on_refused(self.tr("Choose a playbook first."))
            return
        if self._runner.run(ActivatePlaybook(self._incident_id, playbook)):
            self.refresh()
            self._done(fill(self.tr("Playbook %1 is active."),
                            playbook.title[content_language()]))

    def _on_tick(self) -> None:
        step = self.selected_step()
        if not step:
            self._on_refused(self.tr("Select a step first."))
            return
        if self._runner.run(TickStep(self._incident_id, step)):
            self.refresh()
            self._done(self.tr("Step done."))

    def _on_skip(self) -> None:
        step = self.selected_step()
        if not step:
            self._on_refused(self.tr("Select a step first."))
            return
        if self._runner.run(SkipStep(self._incident_id, step, self.skip_reason.text())):
            self.skip_reason.clear()
            self.refresh()
            self._done(self.tr("Step skipped."))

    def _on_change_level(self) -> None:
        level = self.level.currentData()
        if level and self._runner.run(ChangePlaybookLevel(self._incident_id, level,
                                                          reason="by hand")):
            self.refresh()
            self._done(fill(self.tr("Level changed to %1."), self.level.currentText()))
