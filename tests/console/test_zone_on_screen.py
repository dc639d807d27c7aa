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


def test_names_stored_with_the_city_appear_in_chinese(qtbot, make_window, centre) -> None:  # noqa: ANN001
    """Station, river and park names and the demo operator's name, from the city's own
    `names_zh`, on the roster, the map and the status bar."""
    zh = centre.city.names_zh
    station = next(s for s in centre.city.stations if s.name in zh)
    window = make_window("zh_CN")
    roster = window.roster.tree.model()
    texts = set()
    for a in range(roster.rowCount()):
        agency = roster.index(a, 0)
        texts |= {roster.index(r, 0, agency).data() for r in range(roster.rowCount(agency))}
    assert zh[station.name] in texts and station.name not in texts
    labels = [t for _, _, t in window.map_view._static.station_labels._labels]  # noqa: SLF001
    assert zh[station.name] in labels
    areas = [t for _, _, t in window.map_view._static.area_labels._labels]  # noqa: SLF001
    assert "清水河" in areas
    assert "演示调度员" in window.status.operator.text()
    from console.status import Banner

    banner = Banner("DRILL: Demo shift (5x) · DEMO: signed in automatically as 'demo' "
                    "(Demo Dispatcher); not for real operations")
    qtbot.addWidget(banner)
    assert "演示班次 (5x)" in banner.text() and "Demo shift" not in banner.text()


def test_a_city_document_without_chinese_names_still_loads(centre) -> None:  # noqa: ANN001
    from core.city.serialize import city_from_dict, city_to_dict

    doc = city_to_dict(centre.city)
    assert doc["names_zh"]
    del doc["names_zh"]  # as every document written before issue 12
    assert city_from_dict(doc).names_zh == {}


def test_grid_cell_names_appear_in_chinese(qtbot, make_window, centre) -> None:  # noqa: ANN001
    """Every grid cell of the demo city has its Chinese name stored with the city; the
    map's cell labels and the call form's cell use it in Chinese, and go back to the
    stored names in English."""
    zh = centre.city.names_zh
    cells = list(centre.city.cells)
    assert all(zh.get(c.name) for c in cells)
    assert zh[cells[0].name].endswith("网格")
    window = make_window("zh_CN")
    labels = window.map_view._static.cell_labels.texts()  # noqa: SLF001
    assert sorted(labels) == sorted(zh[c.name] for c in cells)
    cell = cells[0]
    window.call_form.set_location(*cell.center)
    qtbot.waitUntil(lambda: zh[cell.name] in window.call_form.resolved.text())
    assert cell.name not in window.call_form.resolved.text()
    window.set_language("en")
    qtbot.waitUntil(lambda: sorted(window.map_view._static.cell_labels.texts())  # noqa: SLF001
                    == sorted(c.name for c in cells))
