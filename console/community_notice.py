"""A resident's community report arriving in the console: a line in the status bar
and a count on the map's Reports toggle, never an alarm or a sound.

A blocked fire lane or a dark street light is not an emergency: it belongs to the
cell's grid worker, so the operator is told quietly that it came and where it is
(the map's Reports layer, the incident context of incidents in that cell). The
resident's own words are not put in the status bar (they are shown as plain text in
the map's tool tip and the incident context).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QLabel, QWidget

from console.registry_labels import REPORT_LABELS, label
from console.vocabulary import fill
from core.events import Event
from core.public.commands import is_community_report


def community_reports(event: Event) -> list[dict[str, Any]]:
    """The residents' community reports `event` records (none for any other event)."""
    if event.type != "registry_records_recorded" or event.payload.get("kind") != "report":
        return []
    return [r for r in event.payload.get("records", [])
            if isinstance(r, dict) and is_community_report(r.get("id", ""))]


def community_notice(event: Event) -> str | None:
    """The status-bar line for a community report `event` records (None otherwise)."""
    found = community_reports(event)
    if not found:
        return None
    record = found[0]
    data = record.get("data") or {}
    kind = (label(REPORT_LABELS, data.get("type"))
            or QCoreApplication.translate("CommunityNotice", "Report"))
    worker = (record.get("worker")
              or QCoreApplication.translate("CommunityNotice", "no grid worker"))
    return fill(QCoreApplication.translate(
        "CommunityNotice", "Community report %1 from a resident: %2 in cell %3, for grid "
                           "worker %4 (low priority; on the map's Reports layer)"),
        record.get("id", ""), kind, record.get("cell", ""), worker)


class CommunityCount(QLabel):
    """In the status bar, while any are open: how many community reports residents
    filed ("Community reports: 2"), read from the map's registry layer. It stays in
    view where the map's toolbar folds its Reports toggle away on a narrow dock."""

    def __init__(self, layer: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("communityReportCount")
        self.setAccessibleName("communityReportCount")
        self._layer = layer
        layer.loaded.connect(self.update_count)
        self.update_count()

    def update_count(self) -> None:
        """Show the count (hidden at none)."""
        count = self._layer.community_count
        self.setText(fill(QCoreApplication.translate(
            "CommunityNotice", "Community reports: %1"), count))
        self.setToolTip(QCoreApplication.translate(
            "CommunityNotice", "Open reports residents filed on the public page (a blocked "
                               "fire lane, a street light): low priority, for the cells' grid "
                               "workers; on the map's Reports layer"))
        self.setVisible(count > 0)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.update_count()
        super().changeEvent(event)
