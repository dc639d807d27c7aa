"""The notices panel: write a public notice (CAP 1.2) over grid cells in Chinese and
English, preview what residents receive, approve, publish, update and cancel it, and see
every notice with its state and how its deliveries went.

Who may do what, the second person for an Actual notice and Exercise-only on a training
or demo database are core's rules (`core.notices.commands`); the panel sends commands
and shows core's refusal, word for word, under the buttons. The list is read from the
log on a worker thread when the panel opens and after each notice event (while hidden,
once it is shown again). The delivery service (`beacon delivery run`) keeps its records
outside the log, so no event says a webhook answered: while the panel is shown, the
published notices' delivery records are read again every `DELIVERY_POLL_MS`.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
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
from console.panels.notice_deliveries import DeliveryText
from console.panels.notice_form import NoticeForm
from console.simple_list import SimpleList
from console.vocabulary import fill
from console.worker_pool import WorkerPool
from core.centre import Centre
from core.delivery.records import DeliveryRecord, deliveries_for
from core.errors import UserError
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
from core.notices.preview import preview

CONFIRM_MS = 8000
DELIVERY_POLL_MS = 5000  # how often the shown panel reads the delivery records again


class _Relay(QObject):
    fetched = Signal(object)  # (records, deliveries) or an Exception
    deliveriesFetched = Signal(object)  # {notice id: [DeliveryRecord]} or an Exception


class _Fetch:
    """Reads the notices and their deliveries; with `notice_ids`, only those notices'
    deliveries (the timer's read: the log is read only after notice events)."""

    def __init__(self, centre: Centre, relay: _Relay,
                 notice_ids: list[str] | None = None) -> None:
        self._centre, self._relay, self._ids = centre, relay, notice_ids

    def run(self) -> None:
        from core.notices.query import notice_records

        signal = self._relay.fetched if self._ids is None else self._relay.deliveriesFetched
        try:
            db = self._centre.service.db
            if self._ids is None:
                records = notice_records(db)
                result: object = (records, _deliveries(
                    db, [nid for nid, r in records.items() if r.published]))
            else:
                result = _deliveries(db, self._ids)
        except Exception as exc:  # noqa: BLE001 - shown as it was; read again next time
            result = exc
        signal.emit(result)  # WorkerPool ignores a closed panel


def _deliveries(db: Any, notice_ids: list[str]) -> dict[str, list[DeliveryRecord]]:
    """The delivery records of each notice (a published one: a draft has none)."""
    return {nid: deliveries_for(db, nid) for nid in notice_ids}


class NoticePanel(QWidget):
    """Compose, preview, approve, publish, update and cancel public notices."""

    noticesLoaded = Signal()
    deliveriesLoaded = Signal()

    def __init__(self, centre: Centre, bridge: EventBridge, selection: Selection,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("noticePanel")
        self._centre = centre
        self._selection = selection
        self.runner = CommandRunner(centre.service, centre.actor, self)
        self.runner.refused.connect(self._on_refused)
        self.records: dict[str, Any] = {}
        self.deliveries: dict[str, list[DeliveryRecord]] = {}
        self._delivery_problem = ""  # why the last read of the records failed
        self._reading_deliveries = False
        self._stale = False  # a notice event came while hidden: read when shown
        self.delivery_text = DeliveryText(self._time, self)
        self._pending_select = ""  # a notice just saved: selected once the list is read
        # A cancel tells residents the danger is over: the button asks for a second click
        # (no modal dialog to trap the operator), and forgets after CONFIRM_MS.
        self._armed_cancel = ""
        self._disarm = QTimer(self, singleShot=True, interval=CONFIRM_MS)
        self._disarm.timeout.connect(self._disarm_cancel)

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

        # Right: the form (console/panels/notice_form.py), scrolled up and down only.
        self.form = NoticeForm(centre.city)
        self.form.incident_cell.clicked.connect(self._on_incident_cell)
        self.form.preview_button.clicked.connect(self._on_preview)
        self.form.draft_button.clicked.connect(self._on_draft)
        self.form.update_button.clicked.connect(self._on_update)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

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
        self._relay.deliveriesFetched.connect(self._on_deliveries)
        # Deliveries are not in the log: read on a timer, only while the panel is shown.
        self.delivery_timer = QTimer(self, interval=DELIVERY_POLL_MS)
        self.delivery_timer.timeout.connect(self.refresh_deliveries)
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
        self._fill_list()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    # -- reading -------------------------------------------------------------------------

    def on_event(self, event: Event) -> None:
        """Read the notices again after a notice event (here or at another console);
        while the panel is hidden, once it is shown."""
        if event.type.startswith("notice_"):
            if self.isVisible():
                self.refresh()
            else:
                self._stale = True

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        if self._stale:
            self.refresh()
        else:
            self.refresh_deliveries()
        self.delivery_timer.start()
        super().showEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802
        self.delivery_timer.stop()
        super().hideEvent(event)

    def refresh(self) -> None:
        """Read the notices and their deliveries on the worker thread."""
        self._stale = False
        self._pool.start(_Fetch(self._centre, self._relay))

    def refresh_deliveries(self) -> None:
        """Read the published notices' delivery records again (on the worker thread;
        one read at a time)."""
        ids = [nid for nid, r in self.records.items() if r.published]
        if ids and not self._reading_deliveries:
            self._reading_deliveries = True
            self._pool.start(_Fetch(self._centre, self._relay, ids))

    def _on_fetched(self, result: object) -> None:
        if isinstance(result, Exception):
            self._on_refused(result)
            return
        self.records, self.deliveries = result  # type: ignore[misc]
        self._delivery_problem = ""
        self._fill_list()
        self.noticesLoaded.emit()

    def _on_deliveries(self, result: object) -> None:
        self._reading_deliveries = False
        if isinstance(result, Exception):
            problem = str(result)
            changed = problem != self._delivery_problem
            self._delivery_problem = problem
        else:
            found = {**self.deliveries, **result}  # type: ignore[dict-item]
            changed = found != self.deliveries or bool(self._delivery_problem)
            self.deliveries, self._delivery_problem = found, ""
        if changed:  # redrawn only on news: the operator's scroll position stays
            self._fill_list()
        self.deliveriesLoaded.emit()

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
                                  self._headline(content))
                             + self.delivery_text.flag(
                                 self.deliveries.get(record.notice_id, [])),
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
        deliveries = self.deliveries.get(record.notice_id, [])
        if record.published:
            lines.append(self.delivery_text.summary_html(deliveries, self._delivery_problem))
        for n in record.published:
            lines.append(escape(fill(self.tr("Sent: CAP %1 at %2 (%3)"), n.msg_type,
                                     self._time(n.sent), n.identifier)))
            lines += [self.delivery_text.record_html(d) for d in deliveries
                      if d.message_id == n.identifier]
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

    def _incident(self) -> Any:
        return self._centre.live.state.incidents.get(self._selection.incident_id or "")

    def _update_incident_button(self) -> None:
        incident = self._incident()
        self.form.set_incident_cell(incident.id if incident is not None else "",
                                    incident.cell_code if incident is not None else None)

    def _on_incident_cell(self) -> None:
        incident = self._incident()
        if incident is not None and incident.cell_code:
            self.form.set_cells(sorted(set(self.form.checked_cells()) | {incident.cell_code}))

    def form_content(self) -> NoticeContent | None:
        """The form as a notice's content, or None (core's reason shown) when it is not."""
        incident = self._incident()
        try:
            return self.form.content(self._centre.service.clock.now(),
                                     incident.id if incident is not None else None)
        except UserError as exc:  # a refusal, or a settings file the user must fix
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
        self.form.load(record.content)
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

    def _disarm_cancel(self) -> None:
        self._armed_cancel = ""
        self.cancel_button.setText(self.tr("Cancel notice"))
        self.cancel_button.setStyleSheet("")

    def _on_cancel(self) -> None:
        nid = self._need_notice()
        if not nid:
            return
        if self._armed_cancel != nid:
            self._armed_cancel = nid
            self.cancel_button.setText(fill(self.tr("Click again to cancel %1"), nid))
            self.cancel_button.setStyleSheet("color: #c62828; font-weight: bold;")
            self._done(fill(self.tr("Cancelling %1 tells residents it no longer holds. "
                                    "Click again to confirm."), nid))
            self._disarm.start()
            return
        self._disarm.stop()
        self._disarm_cancel()
        if (event := self.runner.run(CancelNotice(nid))) is not None:
            self._after(event, fill(self.tr("%1 cancelled: residents are told it no "
                                            "longer holds."), nid))

    def shutdown(self) -> None:
        """Stop reading (the window is closing)."""
        self.delivery_timer.stop()
        self._pool.waitForDone(2000)
