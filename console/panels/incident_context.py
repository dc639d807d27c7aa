"""What the community registry knows around the selected incident.

The building and its hazards, the people there who need help (recorded as a display
before they are shown: `core.registry.access`), the nearest hydrants, AEDs and shelters
by road, the cell's grid worker and its open reports and organisations. Everything is
read on a worker thread; the panel fills when the answer comes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from PySide6 import QtGui
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from console.bridge import EventBridge, Selection
from console.registry_labels import (
    CONSTRUCTION_LABELS,
    FLAG_LABELS,
    ORGANISATION_LABELS,
    REPORT_LABELS,
    THING_LABELS,
    label,
)
from console.vocabulary import fill, format_duration
from console.worker_pool import WorkerPool
from core.errors import PermissionDenied, ValidationError
from core.events import Event

log = logging.getLogger(__name__)

ID_ROLE = Qt.ItemDataRole.UserRole + 1  # the registry record id of an item (for tests)
SECTIONS = ("building", "people", "hydrant", "aed", "shelter", "worker", "reports",
            "organisations")
# Events after which the context may have changed.
_REFRESH = frozenset({"registry_records_recorded", "registry_person_recorded",
                      "registry_record_verified", "registry_person_erased",
                      "incident_status_changed"})


@dataclass
class _Answer:
    incident_id: str
    context: Any = None  # core.registry.context.IncidentContext
    people: list[Any] | None = None  # None: not shown (closed incident, role)
    people_note: str = ""
    error: str = ""


class _Relay(QObject):
    done = Signal(int, object)


class _Job:
    def __init__(self, token: int, centre: Any, incident: Any, relay: _Relay,
                 recorded: frozenset[str]) -> None:
        super().__init__()
        self._token, self._centre, self._incident, self._relay = token, centre, incident, relay
        self._recorded = recorded

    def run(self) -> None:
        from core.recommendation import road_network
        from core.registry import access
        from core.registry.context import incident_context

        c, i = self._centre, self._incident
        answer = _Answer(i.id)
        try:
            with c.db.session() as session:
                answer.context = incident_context(
                    session, c.city, address=i.address, cell=i.cell_code, x=i.x, y=i.y,
                    now=c.service.clock.now(), network=road_network(c.city))
            try:
                answer.people = access.people_for_incident(
                    c.service, c.actor, i.id, already_recorded=self._recorded)
            except PermissionDenied:
                answer.people_note = "role"
            except ValidationError:
                answer.people_note = "closed"
        except Exception as exc:  # noqa: BLE001 - shown on the panel, kept in the log
            log.exception("the registry context of %s could not be read", i.id)
            answer.error = str(exc)
        self._relay.done.emit(self._token, answer)  # WorkerPool ignores a closed panel


class IncidentContextPanel(QWidget):
    """The registry's context of the selected incident (`objectName` `incidentContext`).

    `contextShown` is emitted with the incident id each time the panel has filled.
    """

    contextShown = Signal(str)

    def __init__(self, centre: Any, bridge: EventBridge, selection: Selection,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("incidentContext")
        self._centre = centre
        self._selection = selection
        self._token = 0
        self._answer: _Answer | None = None
        # People whose display the selected incident's view already recorded: a refresh
        # records only newcomers; a new selection records again.
        self._recorded: frozenset[str] = frozenset()
        self._pool = WorkerPool(self)
        self._pool.setMaxThreadCount(1)
        self._relay = _Relay(self)
        self._relay.done.connect(self._on_answer)
        self._debounce = QTimer(self, singleShot=True, interval=250)
        self._debounce.timeout.connect(self.refresh)
        self.heading = QLabel(objectName="incidentContextHeading")
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.tree = QTreeWidget(objectName="incidentContextTree")
        self.tree.setHeaderHidden(True)
        self.tree.setWordWrap(True)
        self.tree.setUniformRowHeights(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.heading)
        layout.addWidget(self.tree, 1)
        selection.incidentSelected.connect(self._on_selected)
        bridge.eventArrived.connect(self._on_event)
        self.retranslate_ui()

    # -- language ----------------------------------------------------------------------

    def retranslate_ui(self) -> None:
        """Set every visible text in the current language."""
        self._fill()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    # -- reading ------------------------------------------------------------------------

    def _on_selected(self, incident_id: str) -> None:
        self._answer = None
        self._recorded = frozenset()
        self.refresh()

    def _on_event(self, event: Event) -> None:
        incident = self._centre.live.state.incidents.get(self._selection.incident_id)
        if incident is None or event.type not in _REFRESH:
            return
        p = event.payload
        if event.type == "incident_status_changed":
            relevant = event.incident_id == incident.id
        elif event.type == "registry_records_recorded":
            # Things count city-wide (the nearest hydrant may be across a cell border).
            relevant = p.get("kind") == "thing" or any(
                r.get("cell") == incident.cell_code for r in p.get("records", ()))
        else:
            relevant = p.get("cell") in (None, incident.cell_code)
        if relevant:
            self._debounce.start()  # a burst of changes reads the registry once

    def refresh(self) -> None:
        """Read the context of the selected incident again (on a worker thread)."""
        self._debounce.stop()
        self._token += 1
        incident = self._centre.live.state.incidents.get(self._selection.incident_id)
        if incident is None:
            self._answer = None
            self._fill()
            return
        self._fill(loading=True)
        self._pool.start(_Job(self._token, self._centre, incident, self._relay, self._recorded))

    def _on_answer(self, token: int, answer: _Answer) -> None:
        if token != self._token:
            return  # a newer selection is on its way
        self._answer = answer
        if answer.people:
            self._recorded |= {p.person_id for p in answer.people}
        self._fill()
        self.contextShown.emit(answer.incident_id)

    # -- what is shown ------------------------------------------------------------------

    def section(self, name: str) -> QTreeWidgetItem | None:
        """The tree's item for a section (one of `SECTIONS`), or None when not shown."""
        for n in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(n)
            if item.data(0, ID_ROLE) == name:
                return item
        return None

    def shown_ids(self, name: str) -> list[str]:
        """The record ids listed under a section (for tests and scripts)."""
        item = self.section(name)
        if item is None:
            return []
        ids = (item.child(n).data(0, ID_ROLE) for n in range(item.childCount()))
        return [i for i in ids if i]

    def _fill(self, loading: bool = False) -> None:
        self.tree.clear()
        answer = self._answer
        incident = self._centre.live.state.incidents.get(self._selection.incident_id)
        if incident is None:
            self.heading.setText(self.tr("Select an incident to see what the community "
                                         "registry knows around it."))
            return
        self.heading.setText(fill(self.tr("%1 · %2 · cell %3"), incident.id,
                                  incident.address, incident.cell_code or "-"))
        if answer is None or loading:
            self._add("loading", self.tr("Reading the registry…"), [])
            return
        if answer.error:
            self._add("error", fill(self.tr("The registry could not be read: %1"),
                                    answer.error), [])
            return
        ctx = answer.context
        self._building(ctx)
        self._people(answer)
        for kind, title in (("hydrant", self.tr("Nearest hydrants")),
                            ("aed", self.tr("Nearest AEDs")),
                            ("shelter", self.tr("Nearest shelters"))):
            rows = [(n.record.record_id, self._nearby(n)) for n in ctx.nearest.get(kind, [])]
            self._add(kind, title, rows, empty=self.tr("none in the registry"))
        worker = ctx.worker or "-"
        self._add("worker", self.tr("Grid worker"), [(worker, fill(
            self.tr("%1 · %2 · reach them with a message to the unit"), worker,
            ctx.worker_name))])
        self._add("reports", fill(self.tr("Open reports in the cell (%1)"), len(ctx.reports)),
                  [(r.record_id, self._report(r)) for r in ctx.reports],
                  empty=self.tr("none"))
        self._add("organisations", self.tr("Organisations in the cell"),
                  [(o.record_id, f"{label(ORGANISATION_LABELS, o.data.get('type'))}: "
                                 f"{o.data.get('name', '')}"
                                 + (f" · {o.data['offers']}" if o.data.get("offers") else "")
                                 + (f" · {o.data['contact']}" if o.data.get("contact") else ""))
                   for o in ctx.organisations], empty=self.tr("none"))
        self.tree.expandAll()

    def _building(self, ctx: Any) -> None:
        rows = []
        for b in ctx.buildings:
            d = b.data
            text = fill(self.tr("%1 floors, %2"), d.get("floors"),
                        label(CONSTRUCTION_LABELS, d.get("construction")))
            if d.get("access_notes"):
                text += " · " + fill(self.tr("Access: %1"), d["access_notes"])
            if d.get("hazards"):
                text += " · " + fill(self.tr("Hazards: %1"), d["hazards"])
            rows.append((b.record_id, text))
        self._add("building", self.tr("Building"), rows,
                  empty=self.tr("not in the registry"),
                  warn={b.record_id for b in ctx.buildings if b.data.get("hazards")})

    def _people(self, answer: _Answer) -> None:
        if answer.people is None:
            why = (self.tr("Your role does not show people's data.")
                   if answer.people_note == "role" else
                   self.tr("People are shown only while the incident is open."))
            self._add("people", self.tr("People who may need help"), [("", why)])
            return
        rows = []
        for p in answer.people:
            where = self.tr("at this address") if p.at_address else fill(
                self.tr("elsewhere in the cell: %1"), p.address)
            text = f"{p.name} · " + ", ".join(label(FLAG_LABELS, f) for f in p.flags)
            text += f" · {where}" + (f" {p.flat}" if p.flat else "")
            if p.contact:
                text += f" · {p.contact}"
            if p.stale:
                text += " · " + self.tr("not verified for a year")
            rows.append((p.person_id, text))
        self._add("people", fill(self.tr("People who may need help (%1)"), len(rows)), rows,
                  empty=self.tr("none recorded"),
                  warn={p.person_id for p in answer.people if p.flags and p.at_address})

    def _report(self, r: Any) -> str:
        """One open report; a resident's community report says so, with its address."""
        from core.public.commands import is_community_report

        kind = label(REPORT_LABELS, r.data.get("type"))
        if not is_community_report(r.record_id):
            return f"{kind}: {r.data.get('description', '')}"
        # the resident's words first: the panel is narrow and the rest is in the tool tip
        kind = fill(self.tr("%1 (from a resident)"), kind)  # tr() outside: lupdate finds it
        text = f"{kind}: {r.data.get('description', '')}"
        return text + (f" · {r.data['address']}" if r.data.get("address") else "")

    def _nearby(self, n: Any) -> str:
        d = n.record.data
        text = fill(self.tr("%1 m"), round(n.metres))
        if n.road_seconds is not None and n.road_seconds >= 1:  # 0: the same road node
            text += " · " + fill(self.tr("%1 by road"), format_duration(n.road_seconds))
        if d.get("note"):
            text += f" · {d['note']}"
        return f"{label(THING_LABELS, d.get('type'))} {n.record.record_id} · {text}"

    def _add(self, name: str, title: str, rows: list[tuple[str, str]], *, empty: str = "",
             warn: set[str] | None = None) -> None:
        top = QTreeWidgetItem([title])
        top.setData(0, ID_ROLE, name)
        font = top.font(0)
        font.setBold(True)
        top.setFont(0, font)
        for rid, text in rows:
            child = QTreeWidgetItem([text])
            child.setData(0, ID_ROLE, rid)
            # Escaped: a resident's community report may hold markup; Qt would render a
            # tool tip that looks like HTML as HTML.
            child.setToolTip(0, QtGui.Qt.convertFromPlainText(
                text, QtGui.Qt.WhiteSpaceMode.WhiteSpaceNormal))
            if warn and rid in warn:
                child.setForeground(0, QBrush(QColor("#b3261e")))
            top.addChild(child)
        if not rows and empty:
            child = QTreeWidgetItem([empty])
            child.setData(0, ID_ROLE, "")
            top.addChild(child)
        self.tree.addTopLevelItem(top)
