"""The joint-decision panel (会商): proposals on the selected incident, their comments
and votes, and the commander's decision.

Every workstation follows the same event stream, so a proposal raised or a vote cast at
one console appears at the others as soon as their live state hears of it. Who may vote
or decide is the seat matrix of `core.auth`; the panel only offers the seats the
operator's sign-in role may take, and shows core's refusal when a seat may not act.
"""

from __future__ import annotations

from datetime import datetime
from html import escape

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from console.bridge import EventBridge, Selection
from console.command_runner import CommandRunner
from console.i18n import current_language
from console.simple_list import SimpleList
from console.vocabulary import fill, unit_kind_label
from core.auth import seats_for
from core.centre import Centre
from core.decisions.commands import KINDS, CommentProposal, RaiseProposal, VoteProposal
from core.decisions.effects import decide_proposal
from core.errors import ValidationError
from core.events import Event
from core.local_time import format_local


def parse_params(kind: str, text: str) -> dict:
    """The parameters typed for a proposal of `kind` (core checks them):
    level "II"; evacuate "C-01, C-02"; close_road "Jiefang Road" (or "Jiefang Road
    between Renmin Avenue and Hubin Road", a stretch);
    mutual_aid "ambulance:2, fire_engine:1 @ Eastside EMS"; notice "N-00001"."""
    text = text.strip()
    if kind == "level":
        return {"level": text}
    if kind == "evacuate":
        return {"cells": [c.strip() for c in text.split(",") if c.strip()]}
    if kind == "close_road":  # "Jiefang Road", or "Jiefang Road between A and B"
        road, sep, rest = text.partition(" between ")
        a, and_, b = rest.partition(" and ")
        if sep and and_ and a.strip() and b.strip():
            return {"road": road.strip(), "between": [a.strip(), b.strip()]}
        return {"road": text}
    if kind == "notice":
        return {"notice_id": text}
    if kind == "mutual_aid":
        units_text, _, agency = text.partition("@")
        units = []
        for part in units_text.split(","):
            kind_name, _, count = part.strip().partition(":")
            if kind_name:
                try:
                    units.append({"kind": kind_name.strip(), "count": int(count or 1)})
                except ValueError:
                    units.append({"kind": kind_name.strip(), "count": count})
        params: dict = {"units": units}
        if agency.strip():
            params["agency"] = agency.strip()
        return params
    return {}


class DecisionPanel(QWidget):
    """Proposals of the selected incident; raise, comment, vote and decide."""

    proposalsChanged = Signal(str)  # incident id

    def __init__(self, centre: Centre, bridge: EventBridge, selection: Selection,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("decisionPanel")
        self._centre = centre
        self._state = centre.live.state
        self._runner = CommandRunner(centre.service, centre.actor, self)
        self._runner.refused.connect(self._on_refused)
        self._incident_id = ""

        self.heading = QLabel(objectName="decisionHeading")
        self.heading.setWordWrap(True)
        self.seat_caption = QLabel()
        self.seat = QComboBox(objectName="decisionSeat")
        self.proposals = SimpleList(objectName="proposalList")
        self.proposals.setMaximumHeight(130)
        self.proposals.currentChanged_.connect(self._show_detail)
        self.detail = QTextBrowser(objectName="proposalDetail")
        self.kind = QComboBox(objectName="proposalKind")
        self.param = QLineEdit(objectName="proposalParam")
        self.text = QLineEdit(objectName="proposalText")
        self.raise_button = QPushButton(objectName="raiseProposal")
        self.raise_button.clicked.connect(self._on_raise)
        self.comment = QLineEdit(objectName="commentText")
        self.comment_button = QPushButton(objectName="commentProposal")
        self.comment_button.clicked.connect(self._on_comment)
        self.approve = QPushButton(objectName="approveProposal")
        self.approve.clicked.connect(lambda: self._on_vote(True))
        self.reject = QPushButton(objectName="rejectProposal")
        self.reject.clicked.connect(lambda: self._on_vote(False))
        self.accept = QPushButton(objectName="acceptProposal")
        self.accept.clicked.connect(lambda: self._on_decide(True))
        self.decline = QPushButton(objectName="declineProposal")
        self.decline.clicked.connect(lambda: self._on_decide(False))
        self.message = QLabel(objectName="decisionMessage")
        self.message.setWordWrap(True)

        seat_row = QHBoxLayout()
        seat_row.addWidget(self.seat_caption)
        seat_row.addWidget(self.seat, 1)
        new_row = QHBoxLayout()
        new_row.addWidget(self.kind)
        new_row.addWidget(self.param, 1)
        new_row.addWidget(self.text, 2)
        new_row.addWidget(self.raise_button)
        comment_row = QHBoxLayout()
        comment_row.addWidget(self.comment, 1)
        comment_row.addWidget(self.comment_button)
        vote_row = QHBoxLayout()
        for button in (self.approve, self.reject, self.accept, self.decline):
            vote_row.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(seat_row)
        layout.addWidget(self.proposals)
        layout.addWidget(self.detail, 1)
        layout.addLayout(vote_row)
        layout.addLayout(comment_row)
        layout.addLayout(new_row)
        layout.addWidget(self.message)

        selection.incidentSelected.connect(self._on_incident_selected)
        bridge.eventArrived.connect(self.on_event)
        self.kind.currentIndexChanged.connect(lambda *_: self._update_param_hint())
        self.retranslate_ui()
        if selection.incident_id:
            self._on_incident_selected(selection.incident_id)

    # -- language ------------------------------------------------------------------------

    def kind_label(self, kind: str) -> str:
        """The translated name of a proposal kind."""
        return {"level": self.tr("Change the response level"),
                "evacuate": self.tr("Evacuate grid cells"),
                "close_road": self.tr("Close a road"),
                "mutual_aid": self.tr("Request mutual aid"),
                "notice": self.tr("Approve a public notice"),
                "text": self.tr("Free text")}.get(kind, kind)

    def seat_label(self, seat: str) -> str:
        """The translated name of a seat."""
        return {"commander": self.tr("Commander"), "fire": self.tr("Fire"),
                "medical": self.tr("Medical"), "police": self.tr("Police"),
                "community": self.tr("Community / grid"),
                "public_info": self.tr("Public information")}.get(seat, seat)

    def status_label(self, status: str) -> str:
        """The translated state of a proposal."""
        return {"open": self.tr("open"), "accepted": self.tr("accepted"),
                "rejected": self.tr("rejected")}.get(status, status)

    def retranslate_ui(self) -> None:
        """Set every text in the current language."""
        self.setAccessibleName("decisionPanel")
        self.seat_caption.setText(self.tr("My seat:"))
        current_seat = self.seat.currentData()
        self.seat.clear()
        actor = self._centre.actor
        for seat in seats_for(actor.role if actor else None):
            self.seat.addItem(self.seat_label(seat.value), seat.value)
        if current_seat:
            self.seat.setCurrentIndex(max(0, self.seat.findData(current_seat)))
        current_kind = self.kind.currentData()
        self.kind.clear()
        for kind in KINDS:
            self.kind.addItem(self.kind_label(kind), kind)
        if current_kind:
            self.kind.setCurrentIndex(max(0, self.kind.findData(current_kind)))
        self.text.setPlaceholderText(self.tr("Why (what you propose and the reason)"))
        self.raise_button.setText(self.tr("Propose"))
        self.comment.setPlaceholderText(self.tr("Comment on the selected proposal"))
        self.comment_button.setText(self.tr("Comment"))
        self.approve.setText(self.tr("Vote approve"))
        self.reject.setText(self.tr("Vote reject"))
        self.accept.setText(self.tr("Decide: accept"))
        self.decline.setText(self.tr("Decide: reject"))
        self.accept.setToolTip(self.tr("Only the commander's seat decides"))
        self._update_param_hint()
        self.refresh()

    def _update_param_hint(self) -> None:
        hints = {"level": self.tr("level, e.g. II"),
                 "evacuate": self.tr("grid cells, e.g. C-0101, C-0102"),
                 "close_road": self.tr("road, e.g. Jiefang Road"),
                 "mutual_aid": self.tr("e.g. ambulance:2, fire_engine:1 @ Eastside EMS"),
                 "notice": self.tr("a notice drafted in the notices panel, e.g. N-00001"),
                 "text": self.tr("(nothing needed)")}
        checklist = self._state.playbooks.get(self._incident_id)
        if checklist is not None:
            hints["level"] = fill(self.tr("level, one of: %1"), ", ".join(
                lv["id"] for lv in sorted(checklist["levels"], key=lambda lv: lv["rank"])))
        self.param.setPlaceholderText(hints.get(self.kind.currentData() or "", ""))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    # -- what is shown -------------------------------------------------------------------

    def incident_proposals(self) -> list[dict]:
        """The selected incident's proposals, oldest first."""
        return sorted((p for p in self._state.proposals.values()
                       if p["incident_id"] == self._incident_id), key=lambda p: p["id"])

    def selected_proposal(self) -> str:
        """The id of the selected proposal, or ""."""
        return str(self.proposals.current_data() or "")

    def select_proposal(self, proposal_id: str) -> None:
        """Select a proposal by id."""
        for row in range(self.proposals.count()):
            if self.proposals.item(row).data(Qt.ItemDataRole.UserRole) == proposal_id:
                self.proposals.set_current_row(row)
                return

    def _on_incident_selected(self, incident_id: str) -> None:
        self._incident_id = incident_id
        self.message.setText("")
        self.refresh()

    def on_event(self, event: Event) -> None:
        """Refresh when a proposal of the shown incident changed (here or elsewhere)."""
        if event.type.startswith("proposal_") or event.type == "playbook_level_changed":
            if event.incident_id == self._incident_id:
                self.refresh()
                self.proposalsChanged.emit(self._incident_id)

    def _summary(self, p: dict) -> str:
        params = p["params"]
        what = {"level": params.get("level", ""),
                "evacuate": ", ".join(params.get("cells", [])),
                "close_road": params.get("road", "") + (
                    " ({} – {})".format(*params["between"]) if params.get("between") else ""),
                "mutual_aid": ", ".join(f"{u['count']} × {unit_kind_label(u['kind'])}"
                                        for u in params.get("units", [])),
                "notice": self._notice_summary(params)}.get(p["kind"], "")
        approve = sum(1 for v in p["votes"] if v["vote"] == "approve")
        reject = len(p["votes"]) - approve
        return fill(self.tr("%1 · %2 %3 · %4 · %5 approve / %6 reject"), p["id"],
                    self.kind_label(p["kind"]), what, self.status_label(p["status"]),
                    approve, reject)

    def _notice_summary(self, params: dict) -> str:
        """A proposed notice: its id, revision and headline in the console's language."""
        headlines = params.get("headlines") or {}
        lang = "zh-CN" if current_language().startswith("zh") else "en-US"
        headline = headlines.get(lang) or next(iter(headlines.values()), "")
        return fill(self.tr("%1 (revision %2): %3"), params.get("notice_id", ""),
                    params.get("revision", ""), headline)

    def refresh(self) -> None:
        """Show the selected incident's proposals (keeping the selection)."""
        incident = self._state.incidents.get(self._incident_id)
        if incident is None:
            self.heading.setText(self.tr("Select an incident to see and raise proposals."))
            self.proposals.clear()
            self.detail.clear()
            return
        self.heading.setText(fill(self.tr("%1: joint decisions"), incident.id))
        self._update_param_hint()
        keep = self.selected_proposal()
        self.proposals.blockSignals(True)
        self.proposals.clear()
        for p in self.incident_proposals():
            self.proposals.add(self._summary(p), p["id"])
        self.proposals.blockSignals(False)
        if keep:
            self.select_proposal(keep)
        elif self.proposals.count():
            self.proposals.set_current_row(self.proposals.count() - 1)
        self._show_detail()

    def _time(self, at: str) -> str:
        return format_local(datetime.fromisoformat(at), self._centre.city.time_zone,
                            "%H:%M:%S")

    def _show_detail(self) -> None:
        p = self._state.proposals.get(self.selected_proposal())
        if p is None:
            self.detail.setHtml(escape(self.tr("No proposal yet. Choose what to propose "
                                               "below.")))
            return
        lines = [f"<b>{escape(self._summary(p))}</b>",
                 escape(fill(self.tr("Proposed by %1 (%2) at %3"), p["by"],
                             self.seat_label(p["seat"]), self._time(p["at"])))]
        if p["text"]:
            lines.append(f"<i>{escape(p['text'])}</i>")
        for c in p["comments"]:
            lines.append(escape(fill(self.tr("%1 %2 (%3): %4"), self._time(c["at"]), c["by"],
                                     self.seat_label(c["seat"]), c["text"])))
        for v in p["votes"]:
            vote = self.tr("approves") if v["vote"] == "approve" else self.tr("rejects")
            lines.append(escape(fill(self.tr("%1 %2 (%3) %4"), self._time(v["at"]), v["by"],
                                     self.seat_label(v["seat"]), vote)))
        d = p["decision"]
        if d:
            lines.append("<b>" + escape(fill(self.tr("Decided %1 by %2 at %3"),
                                             self.status_label(d["outcome"]), d["by"],
                                             self._time(d["at"]))) + "</b>")
        self.detail.setHtml("<br>".join(lines))

    # -- actions -------------------------------------------------------------------------

    def _on_refused(self, error: object) -> None:
        self.message.setText(str(error))
        self.message.setStyleSheet("color: #c62828;")

    def _done(self, text: str) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("")

    def _need_proposal(self) -> str:
        pid = self.selected_proposal()
        if not pid:
            self._on_refused(self.tr("Select a proposal first."))
        return pid

    def _on_raise(self) -> None:
        if not self._incident_id:
            self._on_refused(self.tr("Select an incident first."))
            return
        kind = self.kind.currentData()
        event = self._runner.run(RaiseProposal(self._incident_id, self.seat.currentData() or "",
                                               kind, self.text.text(),
                                               parse_params(kind, self.param.text())))
        if event is not None:
            self.text.clear()
            self.param.clear()
            self.refresh()
            self.select_proposal(event.payload["id"])
            self._done(fill(self.tr("Proposal %1 raised."), event.payload["id"]))

    def _on_comment(self) -> None:
        pid = self._need_proposal()
        if pid and self._runner.run(CommentProposal(pid, self.seat.currentData() or "",
                                                    self.comment.text())):
            self.comment.clear()
            self.refresh()
            self._done(self.tr("Comment recorded."))

    def _on_vote(self, approve: bool) -> None:
        pid = self._need_proposal()
        if pid and self._runner.run(VoteProposal(pid, self.seat.currentData() or "", approve)):
            self.refresh()
            self._done(self.tr("Vote recorded."))

    def _on_decide(self, accept: bool) -> None:
        pid = self._need_proposal()
        if not pid:
            return
        try:
            decide_proposal(self._centre.service, pid, self.seat.currentData() or "", accept,
                            self._runner.actor)
        except ValidationError as exc:
            self._on_refused(exc)
            return
        self.refresh()
        self._done(fill(self.tr("%1 decided."), pid))
