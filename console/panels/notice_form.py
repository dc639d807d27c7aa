"""The notices panel's form: grid cells, what happens, how bad, how long, and the texts
in Chinese and English. It holds no rules: `content` hands what was typed to
`core.notices.compose`, and core says what is wrong."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console.vocabulary import fill
from core.city.model import City
from core.notices.commands import NoticeContent
from core.notices.model import CERTAINTIES, LANGUAGES, SEVERITIES, URGENCIES


class NoticeForm(QWidget):
    """The fields of a notice, labels above them (a bottom dock needs the width), and
    the preview and save buttons (connected by the panel)."""

    def __init__(self, city: City, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("noticeForm")
        self._city = city
        self.cells_model = QStandardItemModel(self)
        for cell in city.cells:
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
        self.event_edit = QLineEdit(objectName="noticeEvent")
        self.urgency = QComboBox(objectName="noticeUrgency")
        self.severity = QComboBox(objectName="noticeSeverity")
        self.certainty = QComboBox(objectName="noticeCertainty")
        for combo in (self.urgency, self.severity, self.certainty):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(6)
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
        self.draft_button = QPushButton(objectName="draftNotice")
        self.update_button = QPushButton(objectName="updateNotice")

        form = QFormLayout(self)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        self._labels: dict[str, QLabel] = {}

        def add(key: str, widget: QWidget) -> None:
            label = QLabel()
            label.setBuddy(widget)
            self._labels[key] = label
            form.addRow(label, widget)

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
        buttons_box = QWidget()
        buttons = QVBoxLayout(buttons_box)  # stacked: the form stays as narrow as the dock
        buttons.setContentsMargins(0, 0, 0, 0)
        for b in (self.preview_button, self.draft_button, self.update_button):
            buttons.addWidget(b)
        form.addRow(buttons_box)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        """Set every text in the current language."""
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
        self.incident_cell.setToolTip(self.tr("Select an incident in the queue to tick the "
                                              "grid cell it is in"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def set_incident_cell(self, incident_id: str, cell: str | None) -> None:
        """Offer to tick the selected incident's cell (disabled without one)."""
        self.incident_cell.setEnabled(bool(cell))
        self.incident_cell.setText(fill(self.tr("Tick %1 (cell of %2)"), cell, incident_id)
                                   if cell else self.tr("Tick the incident's cell"))

    def checked_cells(self) -> list[str]:
        """The grid cells ticked."""
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

    @staticmethod
    def _text(widget: QLineEdit | QPlainTextEdit) -> str:
        return widget.toPlainText() if isinstance(widget, QPlainTextEdit) else widget.text()

    def typed_texts(self) -> dict[str, dict[str, str]]:
        """The texts typed, by language and field."""
        return {lang: {name: self._text(w) for name, w in fields.items()}
                for lang, fields in self.texts.items()}

    def content(self, now: datetime, incident_id: str | None) -> NoticeContent:
        """What was typed as a notice's content; `ValidationError` (or `UserError` for a
        malformed settings file) saying what is wrong."""
        from core.notices.compose import compose
        from core.notices.config import load_notice_settings

        return compose(
            self._city, load_notice_settings(), cells=self.checked_cells(),
            event=self.event_edit.text(), urgency=self.urgency.currentData(),
            severity=self.severity.currentData(), certainty=self.certainty.currentData(),
            texts=self.typed_texts(), hours=self.hours.value(), now=now,
            incident_id=incident_id)

    def load(self, content: dict[str, Any]) -> None:
        """Fill the form from a notice's content (to write an update of it)."""
        self.set_cells(list(content["cells"]))
        self.event_edit.setText(content["event"])
        for combo, key in ((self.urgency, "urgency"), (self.severity, "severity"),
                           (self.certainty, "certainty")):
            combo.setCurrentIndex(max(0, combo.findData(content[key])))
        for lang, fields in self.texts.items():
            for name, widget in fields.items():
                text = content["texts"].get(lang, {}).get(name, "")
                if isinstance(widget, QPlainTextEdit):
                    widget.setPlainText(text)
                else:
                    widget.setText(text)
