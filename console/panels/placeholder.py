"""Placeholder panels for what other issues build (map, dashboard, video, playbook,
decisions): each says on screen what will be there, so nobody mistakes it for a fault."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

# objectName -> (title, what will be there); English sources, translated at run time.
PLACEHOLDER_TEXTS: dict[str, tuple[str, str]] = {
    "mapView": (
        QT_TRANSLATE_NOOP("Placeholder", "City map: coming"),
        QT_TRANSLATE_NOOP("Placeholder", "The map of the city with its grid cells, incidents "
                          "and units is being built in the map issue. Once it is here, "
                          "clicking it while taking a call will set the call's location.")),
    "dashboard": (
        QT_TRANSLATE_NOOP("Placeholder", "Situation dashboard: coming"),
        QT_TRANSLATE_NOOP("Placeholder", "Live figures (open incidents, response times, units "
                          "busy) are being built in the dashboard issue.")),
    "videoWall": (
        QT_TRANSLATE_NOOP("Placeholder", "Video wall: coming"),
        QT_TRANSLATE_NOOP("Placeholder", "Live camera tiles near the selected incident will show "
                          "here; another issue builds them.")),
    "playbookPanel": (
        QT_TRANSLATE_NOOP("Placeholder", "Playbook: coming"),
        QT_TRANSLATE_NOOP("Placeholder", "The contingency plan of the selected incident, with "
                          "its steps and who does them, will show here; another issue "
                          "builds it.")),
    "decisionPanel": (
        QT_TRANSLATE_NOOP("Placeholder", "Joint decisions: coming"),
        QT_TRANSLATE_NOOP("Placeholder", "Proposals shared by several workstations, to approve "
                          "or reject on the record, will show here; another issue builds "
                          "them.")),
}


class PlaceholderPanel(QWidget):
    """A clearly-labelled stand-in for a panel another issue delivers."""

    def __init__(self, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setAccessibleName(object_name)
        self.setProperty("placeholder", True)
        self._title = QLabel(objectName=f"{object_name}PlaceholderTitle")
        self._title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._title.setProperty("role", "placeholderTitle")
        self._body = QLabel(objectName=f"{object_name}PlaceholderText")
        self._body.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._body.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self._title)
        layout.addWidget(self._body)
        layout.addStretch(1)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        """Set the texts in the current language."""
        title, body = PLACEHOLDER_TEXTS[self.objectName()]
        self._title.setText(QCoreApplication.translate("Placeholder", title))
        self._body.setText(QCoreApplication.translate("Placeholder", body))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)
