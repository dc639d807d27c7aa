"""The list of external warnings in force (CAP alerts from an outside feed that touch
the city): until when, how severe, what, and the headline; soonest to expire first.
Expired, cancelled and replaced ones vanish (`console.warnings_feed`). A tab of the
plugin panel."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from console.bridge import EventBridge
from console.column_fit import ColumnFitter
from console.warnings_feed import WarningFeed
from core.local_time import to_local


class WarningList(QWidget):
    """External warnings in force (objectName `warningList`)."""

    def __init__(self, centre: Any, bridge: EventBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("warningList")
        self._zone = centre.city.time_zone
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("warningTree")
        self.tree.setRootIsDecorated(False)
        self.tree.setColumnCount(5)
        # The headline stretches; areas go first when the panel is narrow.
        self._fitter = ColumnFitter(self.tree, stretch=3, stretch_min=160,
                                    samples={0: "88-88 88:88"}, optional=(4, 2))
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.tree)
        layout.addWidget(self.note)
        self.feed = WarningFeed(centre, self)
        self.feed.changed.connect(self.redraw)
        bridge.eventArrived.connect(self.feed.on_event)
        self.retranslate_ui()

    def redraw(self) -> None:
        """The rows as last read."""
        self.tree.clear()
        for w in self.feed.warnings:
            until = (to_local(w.expires, self._zone).strftime("%m-%d %H:%M") if w.expires
                     else self.tr("no end given"))
            item = QTreeWidgetItem([until, w.severity, w.event,
                                    w.headline or w.identifier, "; ".join(w.areas)])
            item.setToolTip(3, f"{w.headline}\n{w.sender} {w.identifier}")
            self.tree.addTopLevelItem(item)
        self._fitter.schedule()
        self._say()

    def _say(self) -> None:
        if self.feed.problem:
            self.note.setText(self.tr("Could not read the warnings: %1").replace(
                "%1", self.feed.problem))
        elif not self.feed.warnings:
            self.note.setText(self.tr("No external warning is in force for the city. "
                                      "Warnings come from an alert feed plugin (cap_feed)."))
        else:
            self.note.setText(self.tr("Warnings from outside services that touch the city; "
                                      "each disappears when it expires. They are also drawn "
                                      "on the map (layer \"External warnings\")."))

    def retranslate_ui(self) -> None:
        """Texts in the current language."""
        self.tree.setHeaderLabels([self.tr("Until"), self.tr("Severity"), self.tr("Event"),
                                   self.tr("Headline"), self.tr("Areas")])
        self.tree.setAccessibleName(self.tr("External warnings"))
        self.redraw()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def shutdown(self) -> None:
        """Stop reading (the window is closing)."""
        self.feed.shutdown()
