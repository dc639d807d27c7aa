"""A resident's community report reaches the console quietly: a line in the status
bar naming the cell and its grid worker, a count on the map's Reports toggle, and the
report in the context of incidents in that cell; no alarm, since none is urgent. And
the other way: the call-taker sees that the caller's code is texted to them."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtWidgets import QLabel, QToolButton

from core.centre import Centre
from core.commands import CreateIncident
from core.public.commands import PUBLIC_ACTOR, FileCommunityReport


def test_a_residents_report_shows_in_the_status_bar_map_and_context_without_an_alarm(
        qtbot, window, centre: Centre) -> None:  # noqa: ANN001
    layer = window.map_view.registry_layer
    button = window.map_view.findChild(QToolButton, "layerReports")
    qtbot.waitUntil(lambda: bool(layer.drawn_things), timeout=10000)  # first read done
    before = layer.community_count
    a = next(a for a in centre.city.addresses if a.cell_code)
    cell = centre.city.cells_by_code[a.cell_code]
    incident = centre.service.execute(CreateIncident(
        type="structure_fire", x=a.x, y=a.y, address=a.text, cell_code=a.cell_code),
        centre.actor).payload["id"]
    panel = window.external["incidentContext"]
    with qtbot.waitSignal(panel.contextShown, timeout=15000):
        window.selection.select_incident(incident)
    alarms = dict(centre.live.state.alarms)

    with qtbot.waitSignal(layer.loaded, timeout=10000):
        centre.service.execute(FileCommunityReport(
            "streetlight", "the lamp at the gate is out", a.text, cell.code,
            cell.worker_unit_code, a.x, a.y), PUBLIC_ACTOR)

    message = window.status.currentMessage()
    assert message.startswith("Community report CR-") and "Street light" in message
    assert f"cell {cell.code}" in message and f"grid worker {cell.worker_unit_code}" in message
    assert "the lamp" not in message  # the resident's words stay out of the status bar
    assert layer.community_count == before + 1
    assert button.text() == f"Reports ({before + 1})" and button.font().bold()
    assert "from residents" in button.toolTip()
    # the toggle may be folded away on a narrow map: the status bar keeps the count
    count = window.status.findChild(QLabel, "communityReportCount")
    assert count.isVisible() and count.text() == f"Community reports: {before + 1}"
    assert centre.live.state.alarms == alarms  # not an emergency: no alarm

    def shown() -> list[str]:
        reports = panel.section("reports")  # None while the context is being read again
        return [] if reports is None else [reports.child(i).text(0)
                                           for i in range(reports.childCount())]

    qtbot.waitUntil(lambda: any("the lamp at the gate" in t for t in shown()), timeout=15000)
    line = next(t for t in shown() if "the lamp at the gate" in t)
    assert line.startswith("Street light (from a resident): the lamp at the gate is out")
    assert line.endswith(a.text)
    if os.environ.get("BEACON_SCREENSHOTS"):  # to look at (docs/public.md)
        folder = Path(os.environ["BEACON_SCREENSHOTS"])
        window.status.showMessage(message, 60000)
        window.grab().save(str(folder / "console_community_report.png"))
        reports = panel.section("reports")
        panel.tree.scrollToItem(reports.child(reports.childCount() - 1))
        panel.grab().save(str(folder / "console_community_report_context.png"))


def test_the_call_taker_sees_that_the_code_is_also_texted(
        qtbot, window, centre: Centre, tmp_path: Path,  # noqa: ANN001
        monkeypatch) -> None:  # noqa: ANN001
    """With an SMS gateway configured, Create incident queues the code's text to the
    callback number and the form says so beside the code."""
    from PySide6.QtWidgets import QComboBox, QLineEdit, QPushButton

    from core.delivery.records import deliveries_for

    config = tmp_path / "delivery.toml"
    config.write_text('[[delivery.sms]]\nname = "gateway"\n'
                      'url = "http://127.0.0.1:9/send"\n', encoding="utf-8")
    monkeypatch.setenv("BEACON_DELIVERY_CONFIG", str(config))
    form = window.call_form
    form.findChild(QLineEdit, "callbackNumber").setText("+86 138 0000 1234")
    form.findChild(QLineEdit, "addressInput").setText(centre.city.addresses[40].text)
    combo = form.findChild(QComboBox, "incidentType")
    combo.setCurrentIndex(combo.findData("medical"))
    before = set(centre.live.state.incidents)
    form.findChild(QPushButton, "createIncidentButton").click()
    if set(centre.live.state.incidents) == before:  # offered as a duplicate of a call
        form.findChild(QPushButton, "createAnywayButton").click()
    (incident,) = set(centre.live.state.incidents) - before
    help_text = form.findChild(QLabel, "referenceCodeHelp").text()
    assert "also being sent to the callback number by text message" in help_text
    [record] = deliveries_for(centre.db, incident)
    assert record.kind == "reference_code" and record.endpoint == "gateway:+8613800001234"
