"""Nothing cut off (issue 12): at 1920x1080 and 1600x1000, in English and in Chinese,
every visible header, cell, label, button, tab and panel title fits its room."""

from __future__ import annotations

import pytest

from console.cut_off import cut_off_texts
from console.models.roster_model import RosterColumn

# Long free text, elided on purpose with the whole of it in a tooltip.
ELIDED = {"incidentTable": {5}, "rosterTree": {int(RosterColumn.TASK)}, "incidentTimeline": {3},
          "alarmTree": {3}}


@pytest.mark.parametrize("size", [(1920, 1080), (1600, 1000)], ids=["1920", "1600"])
@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_nothing_is_cut_off(qtbot, make_window, language, size) -> None:  # noqa: ANN001
    window = make_window(language, at_start=True, size=size)
    window.queue.step(0)  # an incident selected: the dispatch panel shows its lines
    qtbot.waitUntil(lambda: window.dispatch.incident_id is not None, timeout=5000)
    found: list = []
    dashboard = window.external["dashboard"]

    def nothing_cut() -> bool:
        # The panels fit their columns a moment after the values arrive.
        found[:] = cut_off_texts(window, elided_columns=ELIDED)
        # The charts (drawn, not widgets): every plot inside the dashboard's canvas.
        room = dashboard._canvas.viewport().width()  # noqa: SLF001
        for plot in (dashboard._open_plot, dashboard._response_plot,  # noqa: SLF001
                     dashboard._status_plot):  # noqa: SLF001
            right = int(plot.sceneBoundingRect().right())
            if right > room + 1:
                found.append(f"dashboard chart {plot.titleLabel.text!r} reaches {right} px "
                             f"of {room}")
        return not found

    try:
        qtbot.waitUntil(nothing_cut, timeout=3000)
    except Exception:  # pytest-qt's TimeoutError: say what is cut off instead
        raise AssertionError("\n".join(str(p) for p in found)) from None
