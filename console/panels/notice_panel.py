"""The notices panel: write a public notice (CAP 1.2) over grid cells in Chinese and
English, preview what residents receive, approve, publish, update and cancel it, and see
every notice with its state.

Who may do what, the second person for an Actual notice and Exercise-only on a training
or demo database are core's rules (`core.notices.commands`); the panel sends commands
and shows core's refusal, word for word, under the buttons. The list is read from the
log on a worker thread when the panel opens and after each notice event.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from console.bridge import EventBridge, Selection
from console.command_runner import CommandRunner
from console.i18n import current_language
from console.simple_list import SimpleList
from console.vocabulary import fill
from console.worker_pool import WorkerPool
from core.centre import Centre
from core.errors import ValidationError
from core.events import Event
from core.local_time import format_local
from core.notices.commands import (
    ApproveNotice,
    CancelNotice,
    DraftNotice,
    NoticeContent,
    PublishNotice,
    UpdateNotice,
)
from core.notices.model import CERTAINTIES, LANGUAGES, SEVERITIES, URGENCIES
from core.notices.preview import preview


class _Relay(QObject):
    fetched = Signal(object)  # (records, deliveries) or an Exception


class _Fetch:
    def __init__(self, centre: Centre, relay: _Relay) -> None:
        self._centre, self._relay = centre, relay

    def run(self) -> None:
        from core.notices.query import notice_records

        try:
            db = self._centre.service.db
            records = notice_records(db)
            deliveries = {nid: _deliveries(db, nid) for nid, r in records.items()
                          if r.published}
            result: object = (records, deliveries)
        except Exception as exc:  # noqa: BLE001 - shown as it was; read again next event
            result = exc
        try:
            self._relay.fetched.emit(result)
        except RuntimeError:  # the panel closed meanwhile
            pass


def _deliveries(db: Any, notice_id: str) -> list[Any]:
    """Delivery records of a notice, where the delivery channels are installed."""
    try:
        from core.delivery.records import deliveries_for  # type: ignore[import-not-found]
    except ImportError:
        return []
    return list(deliveries_for(db, notice_id))


class NoticePanel(QWidget):
    """Compose, preview, approve, publish, update and cancel public notices."""

    noticesLoaded = Signal()

    def __init__(self, centre: Centre, bridge: EventBridge, selection: Selection,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("noticePanel")
        self._centre = centre
        self._selection = selection
        self.runner = CommandRunner(centre.service, centre.actor, self)
        self.runner.refused.connect(self._on_refused)
        self.records: dict[str, Any] = {}
        self.deliveries: dict[str, list[Any]] = {}
        self._pending_select = ""  # a notice just saved: selected once the list is read

        # Left: the notices and what the selected one says.
        self.notices = SimpleList(objectName="noticeList")
        self.notices.currentChanged_.connect(self._show_selected)
        self.detail = QTextBrowser(objectName="noticeDetail")
        self.approve_button = QPushButton(objectName="approveNotice")
        self.approve_button.clicked.connect(self._on_approve)
        self.publish_button = QPushButton(objectName="publishNotice")
        self.publish_button.clicked.connect(self._on_publish)
        self.cancel_button = QPushButton(objectName="cancelNotice")
        self.cancel_button.clicked.connect(self._on_cancel)
        self.load_button = QPushButton(objectName="loadNotice")
        self.load_button.clicked.connect(self._on_load)
        self.message = QLabel(objectName="noticeMessage")
        self.message.setWordWrap(True)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        self.list_caption = QLabel()
        lv.addWidget(self.list_caption)
        lv.addWidget(self.notices, 1)
        lv.addWidget(self.detail, 3)
        row = QHBoxLayout()
        for b in (self.approve_button, self.publish_button, self.cancel_button,
                  self.load_button):
            row.addWidget(b)
        lv.addLayout(row)

        # Right: the form.
        self.cells_model = QStandardItemModel(self)
        for cell in centre.city.cells:
            item = QStandardItem(f"{cell.code} · {cell.name}" if cell.name else cell.code)
            item.setData(cell.code, Qt.ItemDataRole.UserRole)
            item.setCheckable(True)
            item.setEditable(False)
            self.cells_model.appendRow(item)
        self.cells = QListView(objectName="noticeCells")
        self.cells.setModel(self.cells_model)
        self.cells.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.cells.setMinimumHeight(90)
        self.incident_cell = QPushButton(objectName="noticeIncidentCell")
        self.incident_cell.clicked.connect(self._on_incident_cell)
        self.event_edit = QLineEdit(objectName="noticeEvent")
        self.urgency = QComboBox(objectName="noticeUrgency")
        self.severity = QComboBox(objectName="noticeSeverity")
        self.certainty = QComboBox(objectName="noticeCertainty")
        self.hours = QDoubleSpinBox(objectName="noticeHours", minimum=0.5, maximum=168.0,
                                    value=6.0, singleStep=1.0, decimals=1)
        self.texts: dict[str, dict[str, QLineEdit | QPlainTextEdit]] = {}
        for lang in LANGUAGES:
            short = lang[:2]
            description = QPlainTextEdit(objectName=f"noticeDescription_{short}")
            description.setMaximumHeight(60)
            description.setTabChangesFocus(True)
            self.texts[lang] = {
                "headline": QLineEdit(objectName=f"noticeHeadline_{short}"),
                "description": description,
                "instruction": QLineEdit(objectName=f"noticeInstruction_{short}"),
            }
        self.preview_button = QPushButton(objectName="previewNotice")
        self.preview_button.clicked.connect(self._on_preview)
        self.draft_button = QPushButton(objectName="draftNotice")
        self.draft_button.clicked.connect(self._on_draft)
        self.update_button = QPushButton(objectName="updateNotice")
        self.update_button.clicked.connect(self._on_update)
        form_widget = QWidget()
        self.form = QFormLayout(form_widget)
        # Labels above their fields: in a bottom dock the fields need the width.
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        self._labels: dict[str, QLabel] = {}

        def add(key: str, widget: QWidget) -> None:
            label = QLabel()
            label.setBuddy(widget)
            self._labels[key] = label
            self.form.addRow(label, widget)

        cells_box = QWidget()
        cb = QVBoxLayout(cells_box)
        cb.setContentsMargins(0, 0, 0, 0)
        cb.addWidget(self.cells)
        cb.addWidget(self.incident_cell)
        add("cells", cells_box)
        add("event", self.event_edit)
        add("urgency", self.urgency)
        add("severity", self.severity)
        add("certainty", self.certainty)
        add("hours", self.hours)
        for lang in LANGUAGES:
            for name, widget in self.texts[lang].items():
                add(f"{name}_{lang}", widget)
        buttons = QVBoxLayout()  # stacked: the form stays as narrow as the dock
        for b in (self.preview_button, self.draft_button, self.update_button):
            buttons.addWidget(b)
        buttons_box = QWidget()
        buttons_box.setLayout(buttons)
        buttons.setContentsMargins(0, 0, 0, 0)
        self.form.addRow(buttons_box)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(form_widget)
        # Fields shrink to the dock's width; only the height scrolls.
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for combo in (self.urgency, self.severity, self.certainty):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(6)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(scroll)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        # What core said (a refusal in red) on top, where it cannot be scrolled away.
        layout.addWidget(self.message)
        layout.addWidget(splitter, 1)

        self._pool = WorkerPool(self)
        self._relay = _Relay(self)
        self._relay.fetched.connect(self._on_fetched)
        bridge.eventArrived.connect(self.on_event)
        selection.incidentSelected.connect(lambda _id: self._update_incident_button())
        self.retranslate_ui()
        self.refresh()

    # -- language ------------------------------------------------------------------------

    def state_label(self, state: str) -> str:
        """The translated state of a notice."""
        return {"draft": self.tr("draft, not sent"),
                "approved": self.tr("approved, not sent"),
                "active": self.tr("active"),
                "update draft": self.tr("active; update waiting"),
                "update approved": self.tr("active; update approved"),
                "expired": self.tr("expired"),
                "cancelled": self.tr("cancelled")}.get(state, state)

    def status_label(self, status: str) -> str:
        """The translated CAP status (the document itself keeps the CAP word)."""
        return {"Actual": self.tr("Actual (real)"), "Exercise": self.tr("Exercise"),
                "Test": self.tr("Test")}.get(status, status)

    def retranslate_ui(self) -> None:
        """Set every text in the current language."""
        self.setAccessibleName("noticePanel")
        self.list_caption.setText(self.tr("Public notices (newest first)"))
        self.approve_button.setText(self.tr("Approve"))
        self.approve_button.setToolTip(self.tr(
            "A second person (supervisor or commander, not the writer) approves a notice "
            "with status Actual before it goes out"))
        self.publish_button.setText(self.tr("Publish"))
        self.publish_button.setToolTip(self.tr("Send the selected notice to the public"))
        self.cancel_button.setText(self.tr("Cancel notice"))
        self.cancel_button.setToolTip(self.tr("Withdraw the selected notice (CAP Cancel)"))
        self.load_button.setText(self.tr("Edit in form"))
        self.load_button.setToolTip(self.tr("Copy the selected notice into the form to "
                                            "write an update"))
        self._update_incident_button()
        labels = {"cells": self.tr("Grid cells"), "event": self.tr("Event"),
                  "urgency": self.tr("Urgency"), "severity": self.tr("Severity"),
                  "certainty": self.tr("Certainty"),
                  "hours": self.tr("Holds for (hours)")}
        for lang, lang_name in (("zh-CN", self.tr("Chinese")), ("en-US", self.tr("English"))):
            labels[f"headline_{lang}"] = fill(self.tr("Headline (%1)"), lang_name)
            labels[f"description_{lang}"] = fill(self.tr("Description (%1)"), lang_name)
            labels[f"instruction_{lang}"] = fill(self.tr("What to do (%1)"), lang_name)
        for key, label in self._labels.items():
            label.setText(labels[key])
        self.event_edit.setPlaceholderText(self.tr("e.g. Flood, Gas leak"))
        words = {
            "Immediate": self.tr("Immediate"), "Expected": self.tr("Expected"),
            "Future": self.tr("Future"), "Past": self.tr("Past"),
            "Unknown": self.tr("Unknown"), "Extreme": self.tr("Extreme"),
            "Severe": self.tr("Severe"), "Moderate": self.tr("Moderate"),
            "Minor": self.tr("Minor"), "Observed": self.tr("Observed"),
            "Likely": self.tr("Likely"), "Possible": self.tr("Possible"),
            "Unlikely": self.tr("Unlikely")}
        for combo, values, default in ((self.urgency, URGENCIES, "Expected"),
                                       (self.severity, SEVERITIES, "Moderate"),
                                       (self.certainty, CERTAINTIES, "Likely")):
            keep = combo.currentData() or default
            combo.clear()
            for v in values:
                combo.addItem(words.get(v, v), v)
            combo.setCurrentIndex(max(0, combo.findData(keep)))
        self.preview_button.setText(self.tr("Preview"))
        self.preview_button.setToolTip(self.tr("Show exactly what residents will receive"))
        self.draft_button.setText(self.tr("Save as new notice"))
        self.update_button.setText(self.tr("Save as update of selected"))
        self._fill_list()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    # -- reading -------------------------------------------------------------------------

    def on_event(self, event: Event) -> None:
        """Read the notices again after a notice event (here or at another console)."""
        if event.type.startswith("notice_"):
            self.refresh()

    def refresh(self) -> None:
        """Read the notices on the worker thread."""
        self._pool.start(_Fetch(self._centre, self._relay))

    def _on_fetched(self, result: object) -> None:
        if isinstance(result, Exception):
            self._on_refused(result)
            return
        self.records, self.deliveries = result  # type: ignore[misc]
        self._fill_list()
        self.noticesLoaded.emit()

    def selected_notice(self) -> str:
        """The id of the selected notice, or ""."""
        return str(self.notices.current_data() or "")

    def select_notice(self, notice_id: str) -> None:
        """Select a notice by id."""
        for row in range(self.notices.count()):
            if self.notices.item(row).data(Qt.ItemDataRole.UserRole) == notice_id:
                self.notices.set_current_row(row)
                return

    def _headline(self, content: dict[str, Any]) -> str:
        lang = "zh-CN" if current_language().startswith("zh") else "en-US"
        return (content.get("texts") or {}).get(lang, {}).get("headline", "")

    def _fill_list(self) -> None:
        keep, self._pending_select = self._pending_select or self.selected_notice(), ""
        now = self._centre.service.clock.now()
        self.notices.blockSignals(True)
        self.notices.clear()
        for record in reversed(list(self.records.values())):
            content = record.published_content if record.last else record.content
            self.notices.add(fill(self.tr("%1 · %2 · %3 · %4"), record.notice_id,
                                  self.state_label(record.state_at(now)),
                                  self.status_label(content.get("status", "")),
                                  self._headline(content)),
                             record.notice_id)
        self.notices.blockSignals(False)
        if keep:
            self.select_notice(keep)
        self._show_selected()

    def _time(self, at: datetime | str) -> str:
        if isinstance(at, str):
            at = datetime.fromisoformat(at)
        return format_local(at, self._centre.city.time_zone, "%m-%d %H:%M")

    def _show_selected(self) -> None:
        record = self.records.get(self.selected_notice())
        if record is None:
            self.detail.setHtml(escape(self.tr(
                "No notice selected. Fill in the form on the right, preview it, then save "
                "it; a second person approves a notice with status Actual before it is "
                "published.")))
            return
        now = self._centre.service.clock.now()
        c = record.content
        lines = [f"<b>{escape(record.notice_id)} · "
                 f"{escape(self.state_label(record.state_at(now)))}</b>",
                 escape(fill(self.tr("Status %1 · %2 · cells %3"), self.status_label(c["status"]),
                             c["event"],
                             ", ".join(c["cells"]))),
                 escape(fill(self.tr("From %1 to %2"), self._time(c["onset"]),
                             self._time(c["expires"]))),
                 escape(fill(self.tr("Revision %1 written by %2"), record.revision,
                             record.drafted_by))]
        if record.approved_by:
            lines.append(escape(fill(self.tr("Approved by %1"), record.approved_by)))
        for n in record.published:
            lines.append(escape(fill(self.tr("Sent: CAP %1 at %2 (%3)"), n.msg_type,
                                     self._time(n.sent), n.identifier)))
        for d in self.deliveries.get(record.notice_id, []):
            lines.append(escape(" · ".join(str(getattr(d, k)) for k in (
                "channel", "endpoint", "state", "reason") if getattr(d, k, None))))
        lines.append("<hr>" + self._preview_html(c, "Update" if record.last else "Alert"))
        self.detail.setHtml("<br>".join(lines))

    def _preview_html(self, content: dict[str, Any], msg_type: str) -> str:
        names = {"sms": self.tr("Text message"), "cap": self.tr("CAP headline")}
        title = self.tr("What residents receive")
        rows = [f"<b>{escape(title)}</b>"]
        for p in preview(content, msg_type):
            parts = (fill(self.tr(" (%1 messages)"), p.parts) if p.parts > 1 else "")
            rows.append(f"{escape(names[p.channel])} [{escape(p.language)}]{escape(parts)}: "
                        f"{escape(p.text)}")
        return "<br>".join(rows)

    # -- the form ------------------------------------------------------------------------

    def checked_cells(self) -> list[str]:
        """The grid cells ticked in the form."""
        return [self.cells_model.item(r).data(Qt.ItemDataRole.UserRole)
                for r in range(self.cells_model.rowCount())
                if self.cells_model.item(r).checkState() == Qt.CheckState.Checked]

    def set_cells(self, cells: list[str]) -> None:
        """Tick exactly these cells."""
        wanted = set(cells)
        for r in range(self.cells_model.rowCount()):
            item = self.cells_model.item(r)
            item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole)
                               in wanted else Qt.CheckState.Unchecked)

    def _incident(self) -> Any:
        return self._centre.live.state.incidents.get(self._selection.incident_id or "")

    def _update_incident_button(self) -> None:
        incident = self._incident()
        cell = incident.cell_code if incident is not None else None
        self.incident_cell.setEnabled(bool(cell))
        self.incident_cell.setText(fill(self.tr("Tick %1 (cell of %2)"), cell, incident.id)
                                   if cell else self.tr("Tick the incident's cell"))
        self.incident_cell.setToolTip(self.tr("Select an incident in the queue to tick the "
                                              "grid cell it is in"))

    def _on_incident_cell(self) -> None:
        incident = self._incident()
        if incident is not None and incident.cell_code:
            self.set_cells(sorted(set(self.checked_cells()) | {incident.cell_code}))

    def _text(self, widget: QLineEdit | QPlainTextEdit) -> str:
        return widget.toPlainText() if isinstance(widget, QPlainTextEdit) else widget.text()

    def form_content(self) -> NoticeContent | None:
        """The form as a notice's content, or None (the reason shown) when it is not one."""
        from core.notices.compose import compose
        from core.notices.config import load_notice_settings

        incident = self._incident()
        try:
            return compose(
                self._centre.city, load_notice_settings(), cells=self.checked_cells(),
                event=self.event_edit.text(), urgency=self.urgency.currentData(),
                severity=self.severity.currentData(), certainty=self.certainty.currentData(),
                texts={lang: {name: self._text(w) for name, w in fields.items()}
                       for lang, fields in self.texts.items()},
                hours=self.hours.value(), now=self._centre.service.clock.now(),
                incident_id=incident.id if incident is not None else None)
        except ValidationError as exc:
            self._on_refused(exc)
            return None
        except Exception as exc:  # noqa: BLE001 - a settings file the user must fix
            self._on_refused(exc)
            return None

    def _on_preview(self) -> None:
        content = self.form_content()
        if content is None:
            return
        from core.profile import DatabaseKind, database_kind

        live = database_kind(self._centre.service.db) is DatabaseKind.LIVE
        shown = {"status": "Actual" if live else "Exercise", "texts": content.texts}
        self.detail.setHtml(self._preview_html(shown, "Alert"))
        self._done(self.tr("Preview only: nothing was saved or sent."))

    def _on_draft(self) -> None:
        content = self.form_content()
        if content is None:
            return
        event = self.runner.run(DraftNotice(content))
        if event is not None:
            self._after(event, fill(self.tr("%1 saved (%2): nothing sent yet."),
                                    event.payload["notice_id"],
                                    self.status_label(event.payload["content"]["status"])))

    def _on_update(self) -> None:
        nid = self._need_notice()
        content = self.form_content() if nid else None
        if content is None:
            return
        event = self.runner.run(UpdateNotice(nid, content))
        if event is not None:
            self._after(event, fill(self.tr("Update of %1 saved: approve and publish it to "
                                            "send it."), nid))

    def _on_load(self) -> None:
        record = self.records.get(self._need_notice())
        if record is None:
            return
        c = record.content
        self.set_cells(list(c["cells"]))
        self.event_edit.setText(c["event"])
        for combo, key in ((self.urgency, "urgency"), (self.severity, "severity"),
                           (self.certainty, "certainty")):
            combo.setCurrentIndex(max(0, combo.findData(c[key])))
        for lang, fields in self.texts.items():
            for name, widget in fields.items():
                text = c["texts"].get(lang, {}).get(name, "")
                if isinstance(widget, QPlainTextEdit):
                    widget.setPlainText(text)
                else:
                    widget.setText(text)
        self._done(fill(self.tr("%1 copied into the form: change it, then save as update."),
                        record.notice_id))

    # -- actions -------------------------------------------------------------------------

    def _on_refused(self, error: object) -> None:
        self.message.setText(str(error))
        self.message.setStyleSheet("color: #c62828;")

    def _done(self, text: str) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("")

    def _need_notice(self) -> str:
        nid = self.selected_notice()
        if not nid:
            self._on_refused(self.tr("Select a notice first."))
        return nid

    def _after(self, event: Event, text: str) -> None:
        self._done(text)
        self._pending_select = event.payload["notice_id"]
        self.refresh()

    def _on_approve(self) -> None:
        nid = self._need_notice()
        if nid and (event := self.runner.run(ApproveNotice(nid))) is not None:
            self._after(event, fill(self.tr("%1 approved by %2."), nid, event.actor))

    def _on_publish(self) -> None:
        nid = self._need_notice()
        if nid and (event := self.runner.run(PublishNotice(nid))) is not None:
            self._after(event, fill(self.tr("%1 sent: CAP %2 (%3)."), nid,
                                    event.payload["msg_type"],
                                    self.status_label(event.payload["status"])))

    def _on_cancel(self) -> None:
        nid = self._need_notice()
        if nid and (event := self.runner.run(CancelNotice(nid))) is not None:
            self._after(event, fill(self.tr("%1 cancelled: residents are told it no "
                                            "longer holds."), nid))

    def shutdown(self) -> None:
        """Stop reading (the window is closing)."""
        self._pool.waitForDone(2000)
