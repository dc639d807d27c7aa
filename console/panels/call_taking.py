"""The call-taking form: who called, where, what; warns of likely duplicates before it
opens a new incident and offers to attach the call to the existing one instead."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QEvent, QObject, QStringListModel, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console.command_runner import CommandRunner
from console.vocabulary import AddressLabels, fill, incident_type_label
from core.city.model import City
from core.commands import AttachCall, CreateIncident
from core.commands.incidents import CALL_FIELD_LIMITS, check_callback
from core.domain.incident_types import INCIDENT_TYPES
from core.domain.state import State
from core.duplicates import Duplicate, likely_duplicates
from core.errors import ValidationError
from core.geo import parse_latlon
from core.locate import (
    Location,
    great_circle_km,
    latlon_location,
    nearest_address,
    resolve_address,
)
from core.public.commands import IssueReferenceCode, text_code
from core.public.refcode import code_hash, new_code

PRIORITIES = (1, 2, 3, 4, 5)
ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class CallTakingForm(QWidget):
    """Guided call-taking; emits `incidentCreated` or `callAttached` with the incident id."""

    incidentCreated = Signal(str)
    callAttached = Signal(str)
    noticeShown = Signal(str)
    pickRequested = Signal(bool)  # True: the next click on the map sets the location

    def __init__(self, city: City, state: State, runner: CommandRunner,
                 now: Callable[[], datetime], addresses: AddressLabels,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("callTakingForm")
        self._city = city
        self._state = state
        self._runner = runner
        self._now = now
        self._addresses = addresses
        self._location: Location | None = None
        # A typed latitude/longitude that cannot be used: (lat, lon), shown in the form.
        self._bad_position: tuple[float, float] | None = None
        self._duplicates: list[Duplicate] = []

        self.caller = QLineEdit(objectName="callerName")
        self.callback = QLineEdit(objectName="callbackNumber")
        self.address = QLineEdit(objectName="addressInput")
        self.address.setClearButtonEnabled(True)
        self.pick_button = QPushButton(objectName="pickOnMapButton")
        self.pick_button.setCheckable(True)
        self._suggestions = QStringListModel(self)
        completer = self._completer = QCompleter(self._suggestions, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        # The city already chose the matches (prefix first, then containing, Chinese
        # road names too): the completer shows them as they are.
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        completer.setMaxVisibleItems(12)
        self.address.setCompleter(completer)
        self.resolved = QLabel(objectName="addressResolution")
        self.resolved.setWordWrap(True)
        self.type = QComboBox(objectName="incidentType")
        self.type.addItem("", "")
        for code in INCIDENT_TYPES:
            self.type.addItem("", code)
        self.priority = QComboBox(objectName="priority")
        for p in PRIORITIES:
            self.priority.addItem("", p)
        self.priority.setCurrentIndex(2)
        self.description = QPlainTextEdit(objectName="description")
        self.description.setTabChangesFocus(True)
        self.description.setFixedHeight(54)
        # Typing stops at what core accepts (the same numbers), so nothing typed is
        # refused later for its length.
        self.caller.setMaxLength(CALL_FIELD_LIMITS["caller_name"])
        self.callback.setMaxLength(CALL_FIELD_LIMITS["callback_number"])
        self.address.setMaxLength(CALL_FIELD_LIMITS["address"])
        self.create = QPushButton(objectName="createIncidentButton")
        self.create.setDefault(True)
        self.clear_button = QPushButton(objectName="clearCallButton")

        self._errors: dict[str, QLabel] = {}
        self._labels: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for key, widget in (("caller_name", self.caller), ("callback_number", self.callback),
                            ("address", self.address), ("type", self.type),
                            ("priority", self.priority), ("description", self.description)):
            box = QVBoxLayout()
            box.setContentsMargins(0, 0, 0, 0)
            box.setSpacing(1)
            if key == "address":
                line = QHBoxLayout()
                line.addWidget(widget, 1)
                line.addWidget(self.pick_button)
                box.addLayout(line)
            else:
                box.addWidget(widget)
            if key == "address":
                box.addWidget(self.resolved)
            error = QLabel(objectName=f"{widget.objectName()}Error")
            error.setProperty("severity", "error")
            error.setWordWrap(True)
            error.setVisible(False)
            box.addWidget(error)
            self._errors[key] = error
            label = QLabel()
            label.setBuddy(widget)
            self._labels[key] = label
            form.addRow(label, box)

        self.duplicate_box = QFrame(objectName="duplicateWarning")
        self.duplicate_box.setProperty("severity", "warning")
        self.duplicate_text = QLabel(objectName="duplicateText")
        self.duplicate_text.setWordWrap(True)
        self.attach_button = QPushButton(objectName="attachCallButton")
        self.create_anyway = QPushButton(objectName="createAnywayButton")
        dup_buttons = QHBoxLayout()
        dup_buttons.addWidget(self.attach_button)
        dup_buttons.addWidget(self.create_anyway)
        dup_layout = QVBoxLayout(self.duplicate_box)
        dup_layout.addWidget(self.duplicate_text)
        dup_layout.addLayout(dup_buttons)
        self.duplicate_box.setVisible(False)

        # The caller's reference code, shown once after the incident is created (only its
        # hash is kept): the call-taker reads it out before the caller hangs up.
        self.code_box = QFrame(objectName="referenceCodeBox")
        self.code_title = QLabel(objectName="referenceCodeTitle")
        self.code_title.setWordWrap(True)
        self.code_label = QLabel(objectName="referenceCode")
        self.code_label.setTextFormat(Qt.TextFormat.PlainText)
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.code_help = QLabel(objectName="referenceCodeHelp")
        self.code_help.setWordWrap(True)
        code_layout = QVBoxLayout(self.code_box)
        code_layout.setContentsMargins(6, 4, 6, 4)
        code_layout.setSpacing(2)
        code_row = QHBoxLayout()
        code_row.addWidget(self.code_title, 1)
        code_row.addWidget(self.code_label)
        code_layout.addLayout(code_row)
        code_layout.addWidget(self.code_help)
        self.code_box.setVisible(False)
        self._code_incident = ""
        self._code_texted = False  # the code was queued as a text to the caller

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.create)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(form)
        layout.addWidget(self.duplicate_box)
        layout.addWidget(self.code_box)
        layout.addLayout(buttons)
        layout.addStretch(1)

        self.address.textEdited.connect(self._on_address_edited)
        self.address.textChanged.connect(self._on_address_changed)
        completer.activated.connect(self._on_address_changed)
        self.type.currentIndexChanged.connect(self._on_type_changed)
        self.create.clicked.connect(self._on_create_clicked)
        self.clear_button.clicked.connect(self.clear)
        self.pick_button.toggled.connect(self.pickRequested)
        self.attach_button.clicked.connect(self._on_attach_clicked)
        self.create_anyway.clicked.connect(self._on_create_anyway_clicked)
        self.callback.textEdited.connect(self._on_callback_edited)
        self.caller.textEdited.connect(lambda _t: self._clear_error("caller_name"))
        self.description.textChanged.connect(self._on_description_changed)
        # Enter anywhere in the form creates the incident (docs/console.md), except while
        # the address suggestions are open (Enter picks one there) and with Shift in
        # "What happened" (a new line).
        for widget in (self.caller, self.callback, self.address, self.type, self.priority,
                       self.description):
            widget.installEventFilter(self)
        self.retranslate_ui()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() in ENTER_KEYS):
            if watched is self.address and self._completer.popup().isVisible():
                return False
            if (watched is self.description
                    and event.modifiers() & Qt.KeyboardModifier.ShiftModifier):
                return False
            if watched in (self.type, self.priority) and watched.view().isVisible():
                return False  # Enter chooses in the open list first
            self._on_create_clicked()
            return True
        return super().eventFilter(watched, event)

    # -- language ----------------------------------------------------------------------

    def retranslate_ui(self) -> None:
        """Set every visible text in the current language."""
        texts = {"caller_name": self.tr("&Caller"), "callback_number": self.tr("Call&back"),
                 "address": self.tr("&Address"), "type": self.tr("&Type"),
                 "priority": self.tr("&Priority"), "description": self.tr("&What happened")}
        for key, label in self._labels.items():
            label.setText(texts[key])
        for widget in (self.caller, self.callback, self.address, self.type, self.priority,
                       self.description, self.create):
            widget.setAccessibleName(widget.objectName())
        self.setAccessibleName("callTakingForm")
        self.caller.setPlaceholderText(self.tr("Name of the caller"))
        self.callback.setPlaceholderText(self.tr("e.g. +86 138 0000 0000"))
        self.address.setPlaceholderText(self.tr("Street address, or latitude, longitude"))
        self.description.setPlaceholderText(self.tr("What the caller reports"))
        self.type.setItemText(0, self.tr("— choose the incident type —"))
        self._retranslate_code()
        for n in range(1, self.type.count()):
            self.type.setItemText(n, incident_type_label(self.type.itemData(n)))
        for n in range(self.priority.count()):
            p = self.priority.itemData(n)
            text = {1: self.tr("P1 highest"), 5: self.tr("P5 lowest")}.get(p, f"P{p}")
            self.priority.setItemText(n, text)
        self.pick_button.setText(self.tr("Pick on map"))
        self.pick_button.setToolTip(self.tr("Click here, then on the map, to set the location"))
        self.create.setText(self.tr("Create incident"))
        self.create.setToolTip(self.tr("Open the incident (Enter)"))
        self.clear_button.setText(self.tr("Clear"))
        self.attach_button.setText(self.tr("Attach call to it"))
        self.create_anyway.setText(self.tr("Create new incident anyway"))
        self._show_resolution()
        if self._duplicates:
            self._show_duplicates()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    # -- location ----------------------------------------------------------------------

    def _on_address_edited(self, text: str) -> None:
        matches = self._city.find_addresses(text.strip(), 12) if len(text.strip()) >= 1 else []
        self._suggestions.setStringList([self._addresses.suggestion(a) for a in matches])
        if matches and self.address.hasFocus():
            self._completer.complete()

    def _on_address_changed(self, _text: str = "") -> None:
        text = self.address.text()
        self._bad_position = None
        self._location = resolve_address(self._city, text)
        latlon = parse_latlon(text) if self._location is None else None
        if latlon is not None:  # "31.2304, 121.4737": a position read off a phone or map
            try:
                self._location = latlon_location(self._city, *latlon)
            except ValidationError:
                self._bad_position = latlon
        self._clear_error("address")
        self._hide_duplicates()
        self._show_resolution()
        if self._bad_position is not None:
            self._set_error("address", self._position_problem())

    def _position_problem(self) -> str:
        """Why the typed latitude/longitude cannot locate the call, for the form."""
        assert self._bad_position is not None
        lat, lon = self._bad_position
        if self._city.reference is None:
            return self.tr("This map has no latitude and longitude: type a street address "
                           "or click the map.")
        x0, y0, x1, y1 = self._city.bounds
        clat, clon = self._city.to_latlon((x0 + x1) / 2.0, (y0 + y1) / 2.0)
        # One short line: the form's error labels have room for little more.
        return fill(self.tr("Off the map, %1 km away: check it, latitude comes first."),
                    f"{great_circle_km(lat, lon, clat, clon):,.0f}")

    def _show_resolution(self) -> None:
        loc = self._location
        if loc is None:
            self.resolved.setText("" if self._bad_position is not None else
                                  self.tr("Pick a known address from the list.")
                                  if self.address.text().strip() else "")
            return
        cell = loc.cell_code or self.tr("outside every grid cell")
        text = fill(self.tr("Grid cell %1 %2 · community %3 · grid worker %4"),
                    cell, self._addresses.place(loc.cell_name), loc.community_code or "-",
                    loc.worker_unit or "-")
        self.resolved.setText(f"{text}  ({loc.x:.0f}, {loc.y:.0f})")

    def set_location(self, x: float, y: float) -> None:
        """Use the address nearest to a point picked on the map."""
        loc = nearest_address(self._city, x, y)
        self.pick_button.setChecked(False)
        if loc is not None:
            shown = self._addresses.label(loc.address)
            self.address.setText(shown)
            self.noticeShown.emit(fill(self.tr("Location from the map: %1"), shown))

    @property
    def location(self) -> Location | None:
        """The resolved location of the call, if the address is known."""
        return self._location

    # -- type and priority ---------------------------------------------------------------

    def _on_type_changed(self, _index: int) -> None:
        code = self.type.currentData()
        self._clear_error("type")
        self._hide_duplicates()
        if code in INCIDENT_TYPES:
            self.priority.setCurrentIndex(
                self.priority.findData(INCIDENT_TYPES[code].default_priority))

    # -- create ------------------------------------------------------------------------

    def field_label(self, key: str) -> str:
        """The person's word for a field ("Caller", "Address"), as its label reads."""
        label = self._labels.get(key)
        if label is None:
            return key
        # Without the shortcut mark: "&Address" -> "Address", "地址(&A)" -> "地址".
        return re.sub(r"\(&\w\)|&", "", label.text()).strip()

    def _field_widget(self, key: str) -> QWidget:
        return {"caller_name": self.caller, "callback_number": self.callback,
                "address": self.address, "type": self.type, "priority": self.priority,
                "description": self.description}.get(key, self.description)

    def _set_error(self, key: str, text: str) -> None:
        """Mark a field wrong: its box outlined, the reason under it, named by its label."""
        key = key if key in self._errors else "description"
        label = self._errors[key]
        label.setText(fill(self.tr("%1: %2"), self.field_label(key), text))
        label.setVisible(True)
        widget = self._field_widget(key)
        widget.setProperty("invalid", True)
        widget.style().unpolish(widget)
        widget.style().polish(widget)

    def _clear_error(self, key: str) -> None:
        self._errors[key].setVisible(False)
        widget = self._field_widget(key)
        if widget.property("invalid"):
            widget.setProperty("invalid", False)
            widget.style().unpolish(widget)
            widget.style().polish(widget)

    def invalid_fields(self) -> list[str]:
        """The fields marked wrong now (keys such as "address"), in form order."""
        return [key for key, label in self._errors.items() if label.isVisibleTo(self)]

    def _on_callback_edited(self, text: str) -> None:
        # Checked as typed: a letter in a phone number is marked at once.
        try:
            check_callback(text)
        except ValidationError:
            self._set_error("callback_number", self._callback_problem())
            return
        self._clear_error("callback_number")

    def _callback_problem(self) -> str:
        return self.tr("only digits, spaces, +, - and parentheses.")

    def _on_description_changed(self) -> None:
        limit = CALL_FIELD_LIMITS["description"]
        text = self.description.toPlainText()
        if len(text) > limit:  # a paste past the limit: keep what fits, and say so
            cursor = self.description.textCursor()
            self.description.setPlainText(text[:limit])
            cursor.setPosition(limit)
            self.description.setTextCursor(cursor)
            self._set_error("description", fill(self.tr("at most %1 characters; the rest "
                                                        "was cut off."), limit))

    def _check(self) -> bool:
        for key in self._errors:
            self._clear_error(key)
        ok = True
        if self._location is None and self._bad_position is not None:
            self._set_error("address", self._position_problem())
            ok = False
        elif self._location is None:
            self._set_error("address", self.tr("not a known address: choose one from the "
                                               "suggestions or click the map.")
                            if self.address.text().strip() else
                            self.tr("enter where the incident is."))
            ok = False
        if not self.type.currentData():
            self._set_error("type", self.tr("choose the incident type."))
            ok = False
        try:
            check_callback(self.callback.text())
        except ValidationError:
            self._set_error("callback_number", self._callback_problem())
            ok = False
        return ok

    def _on_create_clicked(self) -> None:
        if not self._check():
            names = ", ".join(self.field_label(k) for k in self.invalid_fields())
            self.noticeShown.emit(fill(self.tr("The call was not recorded: check %1."), names))
            self._field_widget(self.invalid_fields()[0]).setFocus()
            return
        assert self._location is not None
        self._duplicates = likely_duplicates(self._state, self.type.currentData(),
                                             self._location.x, self._location.y, self._now())
        if self._duplicates:
            self._show_duplicates()
            return
        self._create()

    def _on_create_anyway_clicked(self) -> None:
        self._hide_duplicates()
        if self._check():
            self._create()

    def _create(self) -> None:
        loc = self._location
        assert loc is not None
        event = self._runner.run(CreateIncident(
            type=self.type.currentData(), x=loc.x, y=loc.y, address=loc.address,
            cell_code=loc.cell_code, priority=self.priority.currentData(),
            caller_name=self.caller.text(), callback_number=self.callback.text(),
            description=self.description.toPlainText()))
        if event is None:
            self._show_refusal()
            return
        incident_id = str(event.payload["id"])
        self.clear()
        code = new_code()
        issued = self._runner.run(IssueReferenceCode(incident_id, code_hash(code)))
        if issued is not None:
            # and text it to the caller when an SMS gateway is configured
            self._code_texted = bool(text_code(getattr(self._runner.service, "db", None),
                                               incident_id, code))
            self._show_code(incident_id, code)
        self.noticeShown.emit(fill(self.tr("Incident %1 created"), incident_id))
        self.incidentCreated.emit(incident_id)

    def _show_code(self, incident_id: str, code: str) -> None:
        self._code_incident = incident_id
        self.code_label.setText(code)
        self._retranslate_code()
        self.code_box.setVisible(True)

    def _retranslate_code(self) -> None:
        self.code_title.setText(fill(self.tr("Reference code for the caller of %1:"),
                                     self._code_incident))
        help_text = self.tr("Read it out now: it is not shown again. The caller "
                            "follows the report with it on the public page.")
        if self._code_texted:
            help_text += " " + self.tr("It is also being sent to the callback number by "
                                       "text message, with each change of the report's "
                                       "status.")
        self.code_help.setText(help_text)

    def _show_refusal(self) -> None:
        error = self._runner.last_error
        key = getattr(error, "field", None) or "description"
        key = key if key in self._errors else "description"
        # Core names the field as the program does ("caller_name"): say the label instead.
        text = str(error).replace(str(getattr(error, "field", "") or key), self.field_label(key))
        self._set_error(key, fill(self.tr("refused: %1"), text))

    # -- duplicates --------------------------------------------------------------------

    def _show_duplicates(self) -> None:
        first = self._duplicates[0]
        inc = first.incident
        text = fill(self.tr("Likely the same incident: %1 %2 at %3, %4 m away, reported %5 "
                            "min ago (%6 calls)."),
                    inc.id, incident_type_label(inc.type), self._addresses.label(inc.address),
                    round(first.distance_m), round(first.age_s / 60), inc.calls)
        if len(self._duplicates) > 1:
            text += " " + fill(self.tr("%1 more nearby."), len(self._duplicates) - 1)
        self.duplicate_text.setText(text)
        self.attach_button.setText(fill(self.tr("Attach call to %1"), inc.id))
        self.duplicate_box.setVisible(True)
        self.attach_button.setFocus()

    def _hide_duplicates(self) -> None:
        self._duplicates = []
        self.duplicate_box.setVisible(False)

    def _on_attach_clicked(self) -> None:
        if not self._duplicates:
            return
        incident_id = self._duplicates[0].incident.id
        event = self._runner.run(AttachCall(incident_id, caller_name=self.caller.text(),
                                            callback_number=self.callback.text(),
                                            description=self.description.toPlainText()))
        if event is None:
            self._show_refusal()
            return
        self.clear()
        self.noticeShown.emit(fill(self.tr("Call attached to %1"), incident_id))
        self.callAttached.emit(incident_id)

    def clear(self) -> None:
        """Empty the form for the next call and put the cursor in the caller field."""
        for edit in (self.caller, self.callback, self.address):
            edit.clear()
        self.description.clear()
        self.type.setCurrentIndex(0)
        self.priority.setCurrentIndex(2)
        for key in self._errors:
            self._clear_error(key)
        self._hide_duplicates()
        self.code_box.setVisible(False)
        self.pick_button.setChecked(False)
        self.caller.setFocus(Qt.FocusReason.ShortcutFocusReason)
