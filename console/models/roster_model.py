"""The resource roster as a Qt tree model: agency > station > unit.

An adapter over `centre.live.state.units`: items are created once and updated from bus
events; ETAs count down from `unit.eta_at`, and each unit's time in its status counts up,
on one timer a second, both on the centre's clock (the one the queue and dashboard use).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from enum import IntEnum

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QObject,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QStandardItem, QStandardItemModel

from console import palette
from console.palette_icons import status_icon
from console.vocabulary import (
    agency_label,
    format_duration,
    incident_type_label,
    unit_kind_label,
    unit_status_label,
)
from console.worker_pool import WorkerPool
from core.domain.kinds import Agency
from core.domain.model import Unit
from core.domain.state import State
from core.events import Event
from core.local_time import offset_text, to_local
from core.unit_times import StatusSince

UNIT_ID_ROLE = Qt.ItemDataRole.UserRole + 10

STATUS_COLOURS = palette.STATUS_COLOURS  # the one colour language of the console


class RosterColumn(IntEnum):
    """The roster's columns."""

    UNIT = 0
    KIND = 1
    STATUS = 2
    IN_STATUS = 3  # how long it has been in that status: an age that counts
    TASK = 4
    ETA = 5
    REPORT = 6


HEADERS = (QT_TRANSLATE_NOOP("RosterModel", "Unit"), QT_TRANSLATE_NOOP("RosterModel", "Kind"),
           QT_TRANSLATE_NOOP("RosterModel", "Status"),
           QT_TRANSLATE_NOOP("RosterModel", "In status"),
           QT_TRANSLATE_NOOP("RosterModel", "Task"),
           QT_TRANSLATE_NOOP("RosterModel", "ETA"),
           QT_TRANSLATE_NOOP("RosterModel", "Last report"))

_UNIT_EVENTS = frozenset({"units_assigned", "unit_status_changed", "unit_position_reported",
                          "incident_status_changed", "unit_relocated"})


def format_age(seconds: float) -> str:
    """How long something has lasted, to the minute: "<1 min", "12 min", "2 h 05 min"."""
    minutes = max(0, int(seconds)) // 60
    if minutes < 1:
        return QCoreApplication.translate("RosterModel", "<1 min")
    if minutes < 60:
        return QCoreApplication.translate("RosterModel", "%1 min").replace("%1", str(minutes))
    return (QCoreApplication.translate("RosterModel", "%1 h %2 min")
            .replace("%1", str(minutes // 60)).replace("%2", f"{minutes % 60:02d}"))


class _SinceRelay(QObject):
    loaded = Signal(object)  # dict unit id -> (seq, time), or an Exception


class _LoadSince:
    def __init__(self, read: Callable[[], dict], relay: _SinceRelay) -> None:
        super().__init__()
        self._read, self._relay = read, relay

    def run(self) -> None:
        try:
            result: object = self._read()
        except Exception as exc:  # noqa: BLE001 - the ages stay empty; events fill them in
            result = exc
        self._relay.loaded.emit(result)


class RosterModel(QStandardItemModel):
    """Units grouped by agency and station; one row of items per unit.

    `status_since`, when given, reads since when each unit has been in its status (e.g.
    `core.unit_times.status_since` on the centre's database); it runs once, in a worker
    thread, and bus events keep the times current afterwards.
    """

    def __init__(self, state: State, station_names: Mapping[str, str],
                 now: Callable[[], datetime], parent: QObject | None = None,
                 time_zone: str = "UTC",
                 status_since: Callable[[], dict] | None = None,
                 place: Callable[[str], str] = str) -> None:
        super().__init__(parent)
        self._place = place  # a station's name in the current language
        self._zone = time_zone
        self._since = StatusSince()
        self._age_due: dict[str, datetime] = {}  # unit id -> when its age text next changes
        self._state = state
        self._station_names = dict(station_names)
        self._now = now
        self._rows: dict[str, list[QStandardItem]] = {}
        self._agency_items: dict[str, QStandardItem] = {}
        self._station_items: dict[str, QStandardItem] = {}
        self._counting: set[str] = set()
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._on_tick)
        self._tick.start()
        self.reload()
        self._pool: WorkerPool | None = None
        if status_since is not None:
            self._pool = WorkerPool(self)
            self._pool.setMaxThreadCount(1)
            self._since_relay = _SinceRelay(self)
            self._since_relay.loaded.connect(self._on_since_loaded)
            self._pool.start(_LoadSince(status_since, self._since_relay))

    def _on_since_loaded(self, result: object) -> None:
        if isinstance(result, Exception):
            return
        for unit_id in self._since.merge(result):  # type: ignore[arg-type]
            unit = self._state.units.get(unit_id)
            if unit is not None and unit_id in self._rows:
                self._update_in_status(unit)

    def status_since(self, unit_id: str) -> datetime | None:
        """Since when the unit has been in its status, where the log says."""
        return self._since.get(unit_id)

    def wait(self) -> None:
        """Wait for the read of the status times (before the database closes)."""
        if self._pool is not None:
            self._pool.waitForDone()

    def reload(self) -> None:
        """Rebuild the tree from the state."""
        self.clear()
        self._rows.clear()
        self._station_items.clear()
        self._agency_items.clear()
        self._counting.clear()
        self.setColumnCount(len(RosterColumn))
        self._set_headers()
        stations: dict[tuple[str, str], QStandardItem] = {}
        order = list(Agency)
        for unit in sorted(self._state.units.values(),
                           key=lambda u: (order.index(u.agency), u.station, u.id)):
            agency = self._agency_items.get(unit.agency.value)
            if agency is None:
                agency = self._group_item(agency_label(unit.agency))
                agency.setData(unit.agency.value, UNIT_ID_ROLE + 1)
                self._agency_items[unit.agency.value] = agency
                self.appendRow([agency] + [self._blank() for _ in range(len(RosterColumn) - 1)])
            key = (unit.agency.value, unit.station)
            station = stations.get(key)
            if station is None:
                station = self._group_item(self._station_name(unit.station))
                stations[key] = station
                self._station_items[unit.station] = station
                agency.appendRow([station] + [self._blank() for _ in range(len(RosterColumn) - 1)])
            row = [QStandardItem() for _ in RosterColumn]
            for item in row:
                item.setEditable(False)
                item.setData(unit.id, UNIT_ID_ROLE)
            self._rows[unit.id] = row
            station.appendRow(row)
            self._update(unit)

    def _station_name(self, code: str) -> str:
        return self._place(self._station_names.get(code, code))

    @staticmethod
    def _group_item(text: str) -> QStandardItem:
        item = QStandardItem(text)
        item.setEditable(False)
        item.setSelectable(False)
        font = item.font()
        font.setBold(True)
        item.setFont(font)
        return item

    @staticmethod
    def _blank() -> QStandardItem:
        item = QStandardItem()
        item.setEditable(False)
        item.setSelectable(False)
        return item

    def _set_headers(self) -> None:
        labels = [QCoreApplication.translate("RosterModel", h) for h in HEADERS]
        # Report times are the centre's local time: say which, as everywhere (on a second
        # line, so the column stays as narrow as its times).
        labels[RosterColumn.REPORT] += f"\n{offset_text(to_local(self._now(), self._zone))}"
        self.setHorizontalHeaderLabels(labels)

    def group_rows(self) -> list[tuple[int, object]]:
        """(row, parent index) of every agency and station row, for views to span."""
        out: list[tuple[int, object]] = []
        root = self.invisibleRootItem().index()
        for a in range(self.rowCount()):
            out.append((a, root))
            agency = self.index(a, 0)
            out.extend((s, agency) for s in range(self.rowCount(agency)))
        return out

    def unit_items(self, unit_id: str) -> list[QStandardItem] | None:
        """The row of items of a unit (for views that select it)."""
        return self._rows.get(unit_id)

    def _update(self, unit: Unit) -> None:
        row = self._rows.get(unit.id)
        if row is None:
            self.reload()
            return
        # The call sign is what a dispatcher says; the full name is a hover away.
        row[RosterColumn.UNIT].setText(unit.id)
        row[RosterColumn.UNIT].setToolTip(unit.name)
        row[RosterColumn.KIND].setText(unit_kind_label(unit.kind))
        status = row[RosterColumn.STATUS]
        status.setText(unit_status_label(unit.status))
        # The mark is the cue besides colour (the same one the map's legend shows).
        status.setIcon(status_icon(unit.status))
        colour = palette.status_colour(unit.status)
        status.setBackground(QBrush(QColor(colour)))
        status.setForeground(QBrush(QColor(palette.text_on(colour))))
        incident = self._state.incidents.get(unit.incident_id or "")
        if incident is not None:
            task = f"{incident.id} {incident_type_label(incident.type)}"
        elif unit.post:  # moved up: waiting away from its own station
            task = QCoreApplication.translate("RosterModel", "Moved up to %1").replace(
                "%1", self._station_name(unit.post))
        else:
            task = ""
        row[RosterColumn.TASK].setText(task)
        if unit.eta_at is not None:
            self._counting.add(unit.id)
        else:
            self._counting.discard(unit.id)
        self._update_eta(unit)
        self._update_in_status(unit)
        self._update_report(unit)

    def _update_in_status(self, unit: Unit, now: datetime | None = None) -> None:
        item = self._rows[unit.id][RosterColumn.IN_STATUS]
        since = self._since.get(unit.id)
        if since is None:
            text = ""
            self._age_due.pop(unit.id, None)
        else:
            age = ((now or self._now()) - since).total_seconds()
            text = format_age(age)
            # The text next changes at the next whole minute of the age.
            self._age_due[unit.id] = since + timedelta(minutes=max(0, int(age) // 60) + 1)
        if item.text() != text:
            item.setText(text)

    def _update_eta(self, unit: Unit) -> None:
        item = self._rows[unit.id][RosterColumn.ETA]
        if unit.eta_at is None:
            text = ""
        else:
            left = (unit.eta_at - self._now()).total_seconds()
            text = format_duration(left) if left > 0 else QCoreApplication.translate(
                "RosterModel", "due")
        if item.text() != text:
            item.setText(text)

    def _update_report(self, unit: Unit) -> bool:
        """Write the unit's last report time; True when the text changed."""
        item = self._rows[unit.id][RosterColumn.REPORT]
        # The centre's local time (the column header names the zone).
        text = (to_local(unit.last_report_at, self._zone).strftime("%H:%M:%S")
                if unit.last_report_at else "")
        if item.text() == text:
            return False
        item.setText(text)
        return True

    def on_event(self, event: Event) -> None:
        """Follow one bus event (connect to `EventBridge.eventArrived`)."""
        self._since.follow(event)
        if event.type == "units_registered":
            self.reload()
            return
        if event.type not in _UNIT_EVENTS:
            return
        if event.type == "unit_position_reported":
            self.on_positions([event])
            return
        ids: list[str] = []
        if event.type == "units_assigned":
            ids = list(event.payload.get("units", []))
        elif event.type in ("unit_status_changed", "unit_relocated"):
            ids = [event.payload["unit_id"]]
        elif event.type == "incident_status_changed":
            ids = list(event.payload.get("released_units", []))
        for unit_id in ids:
            unit = self._state.units.get(unit_id)
            if unit is not None:
                self._update(unit)

    def on_positions(self, events: list[Event]) -> None:
        """Follow a batch of position reports (`EventBridge.positionsReported`): each
        unit's "Last report" written once, however many reports it sent, and the views
        told once per station rather than once per unit (a thousand reports a second
        made a thousand `dataChanged` signals, each one a call into Python for the
        column fitter)."""
        rows_by_station: dict[int, tuple[QStandardItem, list[int]]] = {}
        self.blockSignals(True)
        try:
            for unit_id in {e.payload.get("unit_id", "") for e in events}:
                unit = self._state.units.get(unit_id)
                row = self._rows.get(unit_id) if unit is not None else None
                if row is None or not self._update_report(unit):  # type: ignore[arg-type]
                    continue
                item = row[RosterColumn.REPORT]
                parent = item.parent()
                if parent is not None:
                    rows_by_station.setdefault(id(parent), (parent, []))[1].append(item.row())
        finally:
            self.blockSignals(False)
        column = int(RosterColumn.REPORT)
        roles = [Qt.ItemDataRole.DisplayRole]
        for parent, rows in rows_by_station.values():
            top = parent.child(min(rows), column).index()
            bottom = parent.child(max(rows), column).index()
            self.dataChanged.emit(top, bottom, roles)

    def retranslate(self) -> None:
        """Labels change with the language."""
        self._set_headers()
        for code, item in self._agency_items.items():
            item.setText(agency_label(code))
        for code, item in self._station_items.items():
            item.setText(self._station_name(code))
        for unit_id in self._rows:
            unit = self._state.units.get(unit_id)
            if unit is not None:
                self._update(unit)

    def _on_tick(self) -> None:
        for unit_id in list(self._counting):
            unit = self._state.units.get(unit_id)
            if unit is not None:
                self._update_eta(unit)
        # Ages count in minutes: only the units whose age reached its next minute are
        # written (a few a second, not all 1,000).
        now = self._now()
        for unit_id in [u for u, due in self._age_due.items() if due <= now]:
            unit = self._state.units.get(unit_id)
            if unit is not None and unit_id in self._rows:
                self._update_in_status(unit, now)
            else:
                self._age_due.pop(unit_id, None)
