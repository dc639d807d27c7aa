"""Every time on screen is in the centre's zone, with the zone written beside it (issue 12)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from console.models.roster_model import RosterColumn
from core.local_time import offset_text, to_local


def test_every_panel_that_shows_a_time_names_the_zone(qtbot, window, centre) -> None:  # noqa: ANN001
    zone = offset_text(to_local(centre.service.clock.now(), centre.city.time_zone))
    assert zone == "UTC+08:00"  # the demo city is Asia/Shanghai
    assert zone in window.status.clock.text()  # the status bar's clock
    roster = window.roster.tree.model()
    assert zone in roster.headerData(RosterColumn.REPORT, Qt.Orientation.Horizontal)
    axis = window.external["dashboard"]._open_plot.getAxis("bottom")  # noqa: SLF001
    assert zone in axis.labelText
    window.queue.step(0)
    qtbot.waitUntil(lambda: zone in window.dispatch.heading.text())
