"""The incident's record: every logged event on the selected incident, newest first, and a
box to add a note.

The events come from the log itself (the indexed query by incident id in
`core.store.event_log`), read in a worker thread so a long record never stalls the
screen; afterwards the bus keeps the list current. Notes typed here, and everything other
workstations record on the incident, appear as their events arrive (the console follows
the log: through the hub, or by reading the shared database).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QUrl,
    Signal,
)
from PySide6.QtGui import QDesktopServices, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.bridge import EventBridge, Selection
from console.column_fit import ColumnFitter
from console.command_runner import CommandRunner
from console.panels.timeline_text import SNAPSHOT_EVENT, event_text, kind_label
from console.vocabulary import fill
from console.worker_pool import WorkerPool
from core.commands import AddNote
from core.commands.incidents import NOTE_MAX_LEN
from core.events import Event
from core.local_time import format_local, offset_text, to_local
from core.store import event_log

COLUMNS = ("time", "actor", "kind", "text")
_INDEX = QModelIndex | QPersistentModelIndex


# Who was shown which registry people is the audit log's business (`beacon audit log
# --subject`); on the record it would only push the incident's own events down.
NOT_IN_RECORD = frozenset({"registry_people_viewed"})

class TimelineModel(QAbstractTableModel):
    """The events of one incident, newest first (row 0 is the latest)."""

    def __init__(self, time_zone: str, display_names: dict[str, str] | None = None,
                 parent: QObject | None = None,
                 address_label: Callable[[str], str] = str) -> None:
        super().__init__(parent)
        self._zone = time_zone
        self._address_label = address_label
        self._names = display_names if display_names is not None else {}
        self._events: list[Event] = []
        self._seqs: set[int] = set()

    # -- content -----------------------------------------------------------------------

    def set_events(self, events: list[Event]) -> None:
        """Show exactly these events (any order; duplicates by sequence number dropped)."""
        self.beginResetModel()
        self._events, self._seqs = [], set()
        for e in sorted(events, key=lambda ev: ev.seq, reverse=True):
            if e.type in NOT_IN_RECORD:
                continue
            if e.seq not in self._seqs:
                self._seqs.add(e.seq)
                self._events.append(e)
        self.endResetModel()

    def add(self, event: Event) -> bool:
        """Add one event in its place by sequence number; False when already shown (or
        not part of the record: `NOT_IN_RECORD`)."""
        if event.seq in self._seqs or event.type in NOT_IN_RECORD:
            return False
        row = 0
        while row < len(self._events) and self._events[row].seq > event.seq:
            row += 1
        self.beginInsertRows(QModelIndex(), row, row)
        self._events.insert(row, event)
        self._seqs.add(event.seq)
        self.endInsertRows()
        return True

    def events(self) -> list[Event]:
        """The events shown, newest first."""
        return list(self._events)

    def zone_text(self) -> str:
        """The offset of the times shown (the centre's zone), e.g. "UTC+08:00"."""
        at = self._events[0].at if self._events else None
        return offset_text(to_local(at, self._zone)) if at else self._zone

    def event_at(self, row: int) -> Event:
        """The event on `row` (0: the newest)."""
        return self._events[row]

    def retranslate(self) -> None:
        """Texts follow the language (headers and every line)."""
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)
        if self._events:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self._events) - 1, len(COLUMNS) - 1))

    # -- Qt model ----------------------------------------------------------------------

    def rowCount(self, parent: _INDEX = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._events)

    def columnCount(self, parent: _INDEX = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        column = COLUMNS[section]
        if column == "time":
            return QCoreApplication.translate("IncidentTimeline", "Time")
        return {"actor": QCoreApplication.translate("IncidentTimeline", "Who"),
                "kind": QCoreApplication.translate("IncidentTimeline", "Event"),
                "text": QCoreApplication.translate("IncidentTimeline", "What")}[column]

    def data(self, index: _INDEX, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._events):
            return None
        event = self._events[index.row()]
        column = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if column == "time":
                return to_local(event.at, self._zone).strftime("%H:%M:%S")
            if column == "actor":
                return self.actor_label(event.actor)
            if column == "kind":
                return kind_label(event)
            return event_text(event, self._address_label).replace("\n", " ")
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == "time":
                return format_local(event.at, self._zone)
            if column == "actor":
                return event.actor
            text = event_text(event, self._address_label)
            if event.type == SNAPSHOT_EVENT:
                text += "\n" + fill(QCoreApplication.translate(
                    "IncidentTimeline", "SHA-256 %1\nDouble-click to open the picture"),
                    event.payload.get("sha256", ""))
            return text
        if role == Qt.ItemDataRole.FontRole and event.type == "note_added":
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.UserRole:
            return event.seq
        return None

    def actor_label(self, actor: str) -> str:
        """An operator's display name where known, else who the log names."""
        return self._names.get(actor) or actor


class _Relay(QObject):
    loaded = Signal(int, object)  # generation, list[Event] or an Exception


class _Load:
    def __init__(self, db: Any, incident_id: str, generation: int, relay: _Relay) -> None:
        super().__init__()
        self._db, self._incident, self._gen, self._relay = db, incident_id, generation, relay

    def run(self) -> None:
        try:
            with self._db.session() as session:
                result: object = event_log.query(
                    session, event_log.EventQuery(incident_id=self._incident))
        except Exception as exc:  # noqa: BLE001 - shown in the panel; the next pick retries
            result = exc
        self._relay.loaded.emit(self._gen, result)


class IncidentTimeline(QWidget):
    """The panel: the selected incident's events (`incidentTimeline`), a note box
    (`noteInput`) and its button (`addNoteButton`).

    A camera snapshot kept as evidence is a row of its own (camera, who, when, file); a
    double-click on it, or `openSnapshotButton`, opens its picture from the centre's
    evidence folder (after checking the file is still the one the log recorded).

    Signals: `loaded(incident_id)` once the selected incident's record is read;
    `noticeShown(text)` for the status bar.
    """

    loaded = Signal(str)
    noticeShown = Signal(str)

    def __init__(self, centre: Any, bridge: EventBridge, selection: Selection,
                 runner: CommandRunner, parent: QWidget | None = None,
                 address_label: Callable[[str], str] = str) -> None:
        super().__init__(parent)
        self.setObjectName("timelinePanel")
        self.setAccessibleName("timelinePanel")
        self._centre = centre
        self._runner = runner
        self._incident = ""
        self._generation = 0
        self._loading = False
        self._pending: list[Event] = []  # arrived while the record was being read
        names = {op.username: op.display_name
                 for op in centre.live.state.operators.values() if op.display_name}
        self.model = TimelineModel(centre.city.time_zone, names, self,
                                   address_label=address_label)
        self._pool = WorkerPool(self)
        self._pool.setMaxThreadCount(1)
        self._relay = _Relay(self)
        self._relay.loaded.connect(self._on_loaded)

        self.title = QLabel(objectName="timelineTitle")
        self.title.setWordWrap(True)
        self.open_button = QPushButton(objectName="openSnapshotButton")
        self.open_button.setAccessibleName("openSnapshotButton")
        self.open_button.setVisible(False)  # shown when the record holds a snapshot
        self.view = QTableView(objectName="incidentTimeline")
        self.view.setAccessibleName("incidentTimeline")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setVisible(False)
        self.view.setAlternatingRowColors(True)
        # Time, who and what fitted to their values; the text takes what is left (elided,
        # whole in the tooltip); a narrow dock hides who before cutting the rest.
        self._fitter = ColumnFitter(self.view, stretch=len(COLUMNS) - 1, stretch_min=120,
                                    samples={0: "88:88:88"}, optional=(1,))

        self.note = QLineEdit(objectName="noteInput")
        self.note.setAccessibleName("noteInput")
        self.note.setMaxLength(NOTE_MAX_LEN)  # what core accepts (AddNote)
        self.note.setClearButtonEnabled(True)
        self.add_button = QPushButton(objectName="addNoteButton")
        self.add_button.setAccessibleName("addNoteButton")
        self.error = QLabel(objectName="noteInputError")
        self.error.setProperty("severity", "error")
        self.error.setWordWrap(True)
        self.error.setVisible(False)

        row = QHBoxLayout()
        row.addWidget(self.note, 1)
        row.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(3)
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.open_button)
        layout.addLayout(head)
        layout.addWidget(self.view, 1)
        layout.addLayout(row)
        layout.addWidget(self.error)

        self.view.selectionModel().currentRowChanged.connect(
            lambda *_a: self._update_open_button())
        self.model.modelReset.connect(self._update_open_button)
        self.model.rowsInserted.connect(self._update_open_button)
        self.view.doubleClicked.connect(lambda index: self.open_snapshot(index.row()))
        self.open_button.clicked.connect(
            lambda: self.open_snapshot(self.view.currentIndex().row()))
        self.note.returnPressed.connect(self.add_note)
        self.add_button.clicked.connect(self.add_note)
        self.note.textEdited.connect(lambda _t: self.error.setVisible(False))
        bridge.eventArrived.connect(self.on_event)
        selection.incidentSelected.connect(self.show_incident)
        self.retranslate_ui()
        self.show_incident(selection.incident_id)

    # -- what is shown -----------------------------------------------------------------

    @property
    def incident_id(self) -> str:
        """The incident whose record is shown, or ""."""
        return self._incident

    def is_loading(self) -> bool:
        """Whether the record is still being read."""
        return self._loading

    def show_incident(self, incident_id: str) -> None:
        """Show `incident_id`'s record (read in a worker); "" empties the panel."""
        self._incident = incident_id
        self._generation += 1
        self._pending = []
        self.model.set_events([])
        self.error.setVisible(False)
        self._update_enabled()
        self._update_title()
        if not incident_id:
            self._loading = False
            return
        self._loading = True
        self._pool.start(_Load(self._centre.db, incident_id, self._generation, self._relay))

    def _on_loaded(self, generation: int, result: object) -> None:
        if generation != self._generation:
            return  # the operator moved on to another incident meanwhile
        self._loading = False
        if isinstance(result, Exception):
            self._show_error(fill(self.tr("The record could not be read: %1"), str(result)))
            return
        events = list(result) + self._pending  # type: ignore[call-overload]
        self._pending = []
        self.model.set_events(events)
        self._update_title()
        self.loaded.emit(self._incident)

    def on_event(self, event: Event) -> None:
        """Follow one bus event (connect to `EventBridge.eventArrived`)."""
        if not self._incident or event.incident_id != self._incident:
            return
        if self._loading:
            self._pending.append(event)
            return
        if self.model.add(event):
            self._update_title()

    # -- snapshots ---------------------------------------------------------------------

    def _update_open_button(self) -> None:
        events = self.model.events()
        self.open_button.setVisible(any(e.type == SNAPSHOT_EVENT for e in events))
        row = self.view.currentIndex().row()
        on = 0 <= row < len(events) and events[row].type == SNAPSHOT_EVENT
        self.open_button.setEnabled(on)
        self.open_button.setToolTip(self.tr("Open the selected snapshot's picture") if on else
                                    self.tr("Select a snapshot in the record to open its "
                                            "picture"))

    def snapshot_path(self, event: Event) -> Path:
        """Where the picture of a snapshot event lies (the centre's evidence folder)."""
        from core.cameras.evidence import evidence_dir

        return evidence_dir(self._centre.db) / str(event.payload.get("file_name", ""))

    def open_snapshot(self, row: int) -> bool:
        """Open the picture of the snapshot on `row` with the workstation's picture viewer;
        False (and a message saying why) when it cannot be, or the row is no snapshot."""
        if not 0 <= row < self.model.rowCount():
            return False
        event = self.model.event_at(row)
        if event.type != SNAPSHOT_EVENT:
            return False
        name = str(event.payload.get("file_name", ""))
        path = self.snapshot_path(event)
        if not name or Path(name).name != name:
            self._show_error(fill(self.tr("The snapshot's file name is not a plain file "
                                          "name: %1"), name))
            return False
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except FileNotFoundError:
            self._show_error(fill(self.tr("The picture %1 is not in the evidence folder "
                                          "(%2)."), name, str(path.parent)))
            return False
        except OSError as exc:
            self._show_error(fill(self.tr("The picture %1 cannot be read: %2"), name,
                                  exc.strerror or str(exc)))
            return False
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            self._show_error(fill(self.tr("No program on this workstation opens pictures; "
                                          "the file is %1"), str(path)))
            return False
        if digest != event.payload.get("sha256"):
            # Shown all the same (the operator may need to see it), but never silently.
            self._show_error(fill(self.tr("Warning: %1 is not the file that was recorded "
                                          "(its SHA-256 differs): it has been altered."), name))
        else:
            self.error.setVisible(False)
        self.noticeShown.emit(fill(self.tr("Opened the snapshot %1"), name))
        return True

    # -- notes -------------------------------------------------------------------------

    def add_note(self) -> None:
        """Record the note typed in `noteInput` on the shown incident."""
        text = self.note.text().strip()
        if not self._incident:
            self._show_error(self.tr("Select an incident first."))
            return
        if not text:
            self._show_error(self.tr("Note: type the note first."))
            return
        event = self._runner.run(AddNote(self._incident, text))
        if event is None:
            self._show_error(fill(self.tr("Note not added: %1"), str(self._runner.last_error)))
            return
        self.note.clear()
        self.error.setVisible(False)
        self.noticeShown.emit(fill(self.tr("Note added to %1"), self._incident))

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(True)

    def _update_enabled(self) -> None:
        on = bool(self._incident)
        self.note.setEnabled(on)
        self.add_button.setEnabled(on)

    def _update_title(self) -> None:
        if not self._incident:
            self.title.setText(self.tr("Select an incident to see its record."))
            self.note.setPlaceholderText("")
            return
        count = self.model.rowCount()
        # The times are the centre's local time: the title names the zone, as everywhere.
        self.title.setText(fill(self.tr("%1: %2 entries, newest first, times in %3"),
                                self._incident, count, self.model.zone_text())
                           if not self._loading else
                           fill(self.tr("%1: reading the record…"), self._incident))
        self.note.setPlaceholderText(fill(self.tr("Add a note to %1 (Enter)"), self._incident))

    # -- language ----------------------------------------------------------------------

    def retranslate_ui(self) -> None:
        """Every text in the current language."""
        self.add_button.setText(self.tr("Add note"))
        self.add_button.setToolTip(self.tr("Record the note on the incident (Enter)"))
        self.open_button.setText(self.tr("Open picture"))
        self._update_open_button()
        self._update_title()
        self.model.retranslate()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange and hasattr(self, "add_button"):
            self.retranslate_ui()
        super().changeEvent(event)

    def shutdown(self) -> None:
        """Wait for a read under way (before the database closes)."""
        self._pool.waitForDone()
