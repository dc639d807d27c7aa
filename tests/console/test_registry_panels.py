"""The registry in the console: the incident's context (a wheelchair user at the address,
the nearest hydrant) with every display of people recorded, and the evacuation board
following checks made at another workstation."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QToolButton

from core.auth import Actor
from core.centre import Centre
from core.commands import ChangeIncidentStatus, CreateIncident
from core.domain.kinds import Role
from core.domain.lifecycle import IncidentStatus
from core.registry.evacuation_commands import CheckHousehold
from core.registry.importer import import_file
from core.service import CommandService
from core.store import event_log
from core.store.database import open_database

ADMIN = Actor("cli:test", Role.SUPERVISOR)
NAME = "Lin Xiaoyu"


def _views(centre: Centre) -> list:
    with centre.db.session() as s:
        return event_log.query(s, event_log.EventQuery(type="registry_people_viewed"))


def _seed(centre: Centre, tmp_path: Path) -> str:
    """A registered building with a wheelchair user and a hydrant 15 m away, at an
    address of the demo city that the demo registry left without a building; an open
    incident there. Returns the incident's id."""
    city = centre.city
    with centre.db.session() as s:
        from sqlalchemy import select

        from core.registry.tables import RegistryRow
        taken = {r.data.get("address") for r in s.execute(select(RegistryRow).where(
            RegistryRow.kind == "building")).scalars()}
    a = next(a for a in city.addresses[50:] if a.text not in taken)
    lat, lon = city.to_latlon(a.x + 15, a.y)
    files = {"building": ["id,address,floors,hazards", f"X-B,{a.text},7,paint store in the "
                                                       "basement"],
             "household": ["id,building,flat", "X-H,X-B,4-02", "X-H2,X-B,6-01"],
             "person": ["id,household,name,flags,basis", f"X-P,X-H,{NAME},wheelchair,consent"],
             "thing": ["id,type,lat,lon", f"X-T,hydrant,{lat:.7f},{lon:.7f}"]}
    for kind, lines in files.items():
        path = tmp_path / f"{kind}.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        assert import_file(centre.service, city, ADMIN, path, kind).recorded == len(lines) - 1
    return centre.service.execute(CreateIncident(
        type="structure_fire", x=a.x, y=a.y, address=a.text, cell_code=a.cell_code),
        centre.actor).payload["id"]


def test_the_context_shows_the_wheelchair_user_and_the_hydrant_and_records_each_display(
        qtbot, centre: Centre, bridge, selection, tmp_path: Path) -> None:  # noqa: ANN001
    from console.panels.incident_context import IncidentContextPanel

    incident = _seed(centre, tmp_path)
    panel = IncidentContextPanel(centre, bridge, selection)
    qtbot.addWidget(panel)
    QCoreApplication.processEvents()  # the set-up's events reach the panel first
    before = len(_views(centre))
    with qtbot.waitSignal(panel.contextShown, timeout=15000):
        selection.select_incident(incident)
    assert panel.shown_ids("people")[0] == "X-P"
    people = panel.section("people").child(0).text(0)
    assert NAME in people and "uses a wheelchair" in people and "at this address" in people
    assert panel.shown_ids("hydrant")[0] == "X-T"
    assert "15 m" in panel.section("hydrant").child(0).text(0)
    assert "paint store" in panel.section("building").child(0).text(0)
    views = _views(centre)
    assert len(views) == before + 1
    assert views[-1].incident_id == incident and "X-P" in views[-1].payload["person_ids"]
    assert views[-1].actor == centre.actor.name
    # Selecting it again shows the people again: another display, another record.
    selection.select_incident("")
    with qtbot.waitSignal(panel.contextShown, timeout=15000):
        selection.select_incident(incident)
    assert len(_views(centre)) == before + 2
    # A refresh while it stays selected (the panel's own re-read after a change) shows
    # the same people without recording them again.
    with qtbot.waitSignal(panel.contextShown, timeout=15000):
        panel.refresh()
    assert panel.shown_ids("people")[0] == "X-P"
    assert len(_views(centre)) == before + 2
    # Once the incident is over, the people are not shown and nothing is recorded.
    with qtbot.waitSignal(panel.contextShown, timeout=15000):
        centre.service.execute(ChangeIncidentStatus(incident, IncidentStatus.CANCELLED),
                               centre.actor)
    assert NAME not in panel.section("people").child(0).text(0)
    assert "only while the incident is open" in panel.section("people").child(0).text(0)
    assert panel.shown_ids("hydrant")[0] == "X-T"  # things are not personal data
    assert len(_views(centre)) == before + 2


def test_an_observer_sees_the_building_but_not_the_people(
        qtbot, centre: Centre, bridge, selection, tmp_path: Path) -> None:  # noqa: ANN001
    from console.panels.incident_context import IncidentContextPanel

    incident = _seed(centre, tmp_path)
    centre.actor = Actor("olga", Role.OBSERVER)
    panel = IncidentContextPanel(centre, bridge, selection)
    qtbot.addWidget(panel)
    before = len(_views(centre))
    with qtbot.waitSignal(panel.contextShown, timeout=15000):
        selection.select_incident(incident)
    assert "does not show people" in panel.section("people").child(0).text(0)
    assert panel.shown_ids("building") == ["X-B"]
    assert len(_views(centre)) == before


def test_the_evacuation_board_puts_the_wheelchair_user_first_and_follows_other_desks(
        qtbot, window, centre: Centre, tmp_path: Path) -> None:  # noqa: ANN001
    incident = _seed(centre, tmp_path)
    board = window.external["evacuationBoard"]
    window.selection.select_incident(incident)
    evacuation = board.evacuate_selected_cell()
    assert evacuation is not None
    shown = board.shown_households()
    # Households with people who need help come first (the demo registry has some in
    # this cell too), then the others: X-H before X-H2.
    flagged = [bool(board.model.item(n, 1).text()) for n in range(len(shown))]
    assert flagged == sorted(flagged, reverse=True)
    row = shown.index("X-H")
    assert flagged[row] and not flagged[shown.index("X-H2")]
    assert "uses a wheelchair" in board.model.item(row, 1).text()
    assert board.model.item(row, 3).text() == "not yet"
    # Another workstation (its own service on the same database) records a check; this
    # console follows the log and the board updates.
    other = CommandService(open_database(centre.db.url.render_as_string(hide_password=False)))
    try:
        other.execute(CheckHousehold(evacuation, "X-H", "needs_help", "stairs only"),
                      Actor("wu", Role.DISPATCHER))
    finally:
        other.db.dispose()
    def row_of_x_h() -> int:
        return board.shown_households().index("X-H")

    qtbot.waitUntil(lambda: board.model.item(row_of_x_h(), 3).text() ==
                    "Needs help to leave", timeout=5000)
    assert board.model.item(row_of_x_h(), 4).text() == "wu"
    assert board.model.item(row_of_x_h(), 5).text() == "stairs only"
    assert "1 of" in board.summary.text()


@pytest.mark.parametrize("language", ["zh_CN"])
def test_the_registry_panels_speak_chinese(
        qtbot, make_window, centre: Centre, tmp_path: Path, language: str) -> None:  # noqa: ANN001
    incident = _seed(centre, tmp_path)
    window = make_window(language)
    panel = window.external["incidentContext"]
    with qtbot.waitSignal(panel.contextShown, timeout=15000):
        window.selection.select_incident(incident)
    assert "使用轮椅" in panel.section("people").child(0).text(0)
    assert panel.section("hydrant").text(0) == "最近的消火栓"


def test_the_map_shows_the_registry_things_and_open_reports_and_follows_an_import(
        qtbot, window, centre: Centre, tmp_path: Path) -> None:  # noqa: ANN001
    layer = window.map_view.registry_layer
    if not layer.drawn_things:
        with qtbot.waitSignal(layer.loaded, timeout=10000):
            pass
    kinds = {d["type"] for *_, d in layer.drawn_things}
    assert {"hydrant", "aed", "shelter"} <= kinds  # the demo registry's
    assert all(d["state"] != "closed" for *_, d in layer.drawn_reports)
    # Hundreds of things: off at start, on with their toggle; the reports are on.
    things_button = window.map_view.findChild(QToolButton, "layerThings")
    assert not things_button.isChecked() and not layer.things.isVisible()
    things_button.click()
    assert layer.things.isVisible() and layer.reports.isVisible()
    a = centre.city.addresses[7]
    path = tmp_path / "reports.csv"
    path.write_text("id,type,description,address\n"
                    f"R-NEW,blocked_fire_lane,van in the fire lane,{a.text}\n", encoding="utf-8")
    with qtbot.waitSignal(layer.loaded, timeout=10000):
        assert import_file(centre.service, centre.city, ADMIN, path, "report").recorded == 1
    assert "R-NEW" in [rid for rid, *_ in layer.drawn_reports]
    tip = layer._report_tip(a.x, a.y, "R-NEW")
    assert "Blocked fire lane" in tip and "van in the fire lane" in tip


def test_a_grid_worker_checks_a_household_over_the_hub_and_the_console_board_shows_it(
        qtbot, window, centre: Centre, tmp_path: Path) -> None:  # noqa: ANN001
    import asyncio
    import threading

    from core.field.client import FieldClient
    from core.hub.tokens import create_token
    from tests.hub.helpers import start_hub

    incident = _seed(centre, tmp_path)
    board = window.external["evacuationBoard"]
    window.selection.select_incident(incident)
    evacuation = board.evacuate_selected_cell()
    cell = centre.live.state.incidents[incident].cell_code
    worker = centre.city.cells_by_code[cell].worker_unit_code
    token = create_token(centre.db, "unit", worker)[1]
    url = centre.db.url.render_as_string(hide_password=False)
    answers: list = []

    async def field() -> None:
        hub, base = await start_hub(url)
        client = FieldClient(base, worker, token, backoff_min=0.05)
        try:
            await client.start()
            await client.wait_for_state(client.state.CONNECTED)
            answers.append(await client.check_household(evacuation, "X-H", "evacuated",
                                                        "left with a neighbour"))
        finally:
            await client.close()
            await hub.stop()

    # The grid worker's phone and the hub run apart from the console, as in life.
    thread = threading.Thread(target=lambda: asyncio.run(asyncio.wait_for(field(), 30)))
    thread.start()
    qtbot.waitUntil(lambda: not thread.is_alive(), timeout=40000)
    assert answers and answers[0]["type"] == "ack"
    row = lambda: board.shown_households().index("X-H")  # noqa: E731
    qtbot.waitUntil(lambda: board.model.item(row(), 3).text() == "Left the building",
                    timeout=5000)
    assert board.model.item(row(), 4).text() == f"unit:{worker}"


def test_a_residents_community_report_with_markup_shows_as_text_in_the_context(
        qtbot, centre: Centre, bridge, selection, tmp_path: Path) -> None:  # noqa: ANN001
    from console.panels.incident_context import IncidentContextPanel
    from core.public.commands import PUBLIC_ACTOR, FileCommunityReport

    incident = _seed(centre, tmp_path)
    cell = centre.city.cells_by_code[_incident_cell(centre, incident)]
    script = '<img src=x onerror=alert(1)><script>alert("x")</script> van in the lane'
    centre.service.execute(FileCommunityReport("blocked_fire_lane", script, "", cell.code,
                                               cell.worker_unit_code), PUBLIC_ACTOR)
    panel = IncidentContextPanel(centre, bridge, selection)
    qtbot.addWidget(panel)
    QCoreApplication.processEvents()
    with qtbot.waitSignal(panel.contextShown, timeout=15000):
        selection.select_incident(incident)
    reports = panel.section("reports")
    shown = [reports.child(i) for i in range(reports.childCount())]
    item = next(i for i in shown if "van in the lane" in i.text(0))
    assert script in item.text(0)  # the text as typed, in a plain-text item
    assert "<img" not in item.toolTip(0) and "&lt;img src=x" in item.toolTip(0)


def _incident_cell(centre: Centre, incident_id: str) -> str:
    with centre.db.session() as s:
        from core.store.schema import IncidentRow

        return s.get(IncidentRow, incident_id).cell_code
