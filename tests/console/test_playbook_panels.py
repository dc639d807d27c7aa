"""The playbook and decision panels in the console: select an incident, see matching
playbooks, activate, tick, skip, raise the level (the needs and the recommended units
follow), an overdue step turns red on the simulated clock; propose, vote and decide."""

from __future__ import annotations

from PySide6.QtCore import Qt

from core.auth import Actor
from core.commands import CreateIncident
from core.domain.kinds import Role


def _incident(centre, description: str = "kitchen fire in a flat, 3rd floor") -> str:  # noqa: ANN001
    event = centre.service.execute(CreateIncident(
        type="structure_fire", x=0.0, y=0.0, address="12 Heping Road",
        description=description))
    return event.payload["id"]


def test_playbook_panel_flow(qtbot, centre, clock, make_window) -> None:  # noqa: ANN001
    centre.actor = Actor("chen", Role.COMMANDER)
    window = make_window()
    panel = window.external["playbookPanel"]
    dispatch = window.dispatch
    iid = _incident(centre)
    window.selection.select_incident(iid)
    qtbot.waitUntil(lambda: bool(panel.match_list))
    assert panel.match_list[0].playbook.id == "residential_fire"
    assert "why:" in panel.matches.item(0).text()
    qtbot.waitUntil(lambda: bool(dispatch.recommendations))
    fire_before = sum(1 for r in dispatch.recommendations if r.primary and r.capability == "fire")

    qtbot.mouseClick(panel.activate, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.checklist() is not None)
    assert not panel.table.isHidden() and panel.model.rowCount() == 11
    assert "Level IV" in panel.heading.text()

    panel.select_step("dispatch_first_alarm")
    qtbot.mouseClick(panel.tick, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.checklist()["steps"][0]["state"] == "done")
    panel.select_step("call_back_caller")
    qtbot.mouseClick(panel.skip, Qt.MouseButton.LeftButton)  # no reason: refused
    assert "reason is required" in panel.message.text()
    panel.skip_reason.setText("the caller is a passer-by")
    qtbot.mouseClick(panel.skip, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.checklist()["steps"][1]["state"] == "skipped")
    views = {v.id: v for v in panel.step_list}
    assert views["dispatch_first_alarm"].by == "chen"

    # Raise the level by hand: the needs, the checklist and the recommendation follow.
    panel.level.setCurrentIndex(panel.level.findData("III"))
    qtbot.mouseClick(panel.change_level, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.checklist()["level"] == "III")
    assert "4 ×" in panel.needs.text()
    assert {v.id: v for v in panel.step_list}["evacuate_floors"].active
    qtbot.waitUntil(lambda: sum(1 for r in dispatch.recommendations
                                if r.primary and r.capability == "fire") == 4, timeout=5000)
    assert fire_before == 2

    # Overdue on the simulated clock: red rows and a notice, the hook called once.
    told = []
    panel.stepOverdue.connect(lambda incident, step: told.append(step))
    clock.advance(6 * 60)
    panel.on_clock()
    row = next(r for r in range(panel.model.rowCount())
               if panel.model.item(r, 0).data(Qt.ItemDataRole.UserRole) == "ambulance_standby")
    assert panel.model.item(row, 1).background().color().name() == "#c62828"
    assert "overdue" in panel.notice.text()
    assert "ambulance_standby" in told
    panel.on_clock()
    assert told.count("ambulance_standby") == 1
    # The overdue step waits in the alarm list until a person acknowledges it; once.
    waiting = [a for a in centre.live.state.alarms.values()
               if a.kind.value == "playbook_step_overdue" and a.active
               and a.source.endswith("ambulance_standby")]
    assert len(waiting) == 1 and waiting[0].incident_id == panel.incident_id

    # An incident not on screen: its overdue steps reach the hook too.
    from core.playbooks.commands import ActivatePlaybook

    other = _incident(centre, "smell of gas in the stairwell")
    gas = next(p for p in panel.loaded.playbooks if p.id == "gas_leak")
    centre.service.execute(ActivatePlaybook(other, gas), centre.actor)
    clock.advance(2 * 60)
    panel.on_clock()
    assert "caller_safety_advice" in told  # due one minute after activation


def test_decision_panel_flow(qtbot, centre, make_window) -> None:  # noqa: ANN001
    centre.actor = Actor("chen", Role.COMMANDER)
    window = make_window()
    playbooks = window.external["playbookPanel"]
    panel = window.external["decisionPanel"]
    iid = _incident(centre)
    window.selection.select_incident(iid)
    qtbot.waitUntil(lambda: bool(playbooks.match_list))
    qtbot.mouseClick(playbooks.activate, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: playbooks.checklist() is not None)

    panel.seat.setCurrentIndex(panel.seat.findData("fire"))
    panel.kind.setCurrentIndex(panel.kind.findData("level"))
    panel.param.setText("III")
    panel.text.setText("two flats burning")
    qtbot.mouseClick(panel.raise_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.proposals.count() == 1)
    qtbot.mouseClick(panel.approve, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "1 approve" in panel.proposals.item(0).text())
    qtbot.mouseClick(panel.accept, Qt.MouseButton.LeftButton)  # the fire seat may not
    assert "may not decide" in panel.message.text()
    panel.seat.setCurrentIndex(panel.seat.findData("commander"))
    qtbot.mouseClick(panel.accept, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: playbooks.checklist()["level"] == "III")
    qtbot.waitUntil(lambda: "accepted" in panel.proposals.item(0).text())
    assert "Decided accepted by chen" in panel.detail.toPlainText()


def test_a_broken_playbook_is_named_and_the_others_load(qtbot, centre, bridge, selection,  # noqa: ANN001
                                                        tmp_path) -> None:  # noqa: ANN001
    import shutil

    from console.playbook_panel import PlaybookPanel
    from core.playbooks.format import default_folder, load_playbooks

    folder = tmp_path / "plans"
    shutil.copytree(default_folder(), folder)
    broken = folder / "gas_leak.toml"
    broken.write_text(broken.read_text(encoding="utf-8").replace('role = "police"',
                                                                 'role = "traffic"'),
                      encoding="utf-8")
    panel = PlaybookPanel(centre, bridge, selection, playbooks=load_playbooks([folder]))
    qtbot.addWidget(panel)
    assert not panel.load_errors.isHidden()
    assert "gas_leak.toml:73: steps[4].role: unknown role 'traffic'" in panel.load_errors.text()
    assert len(panel.loaded.playbooks) == 7
    selection.select_incident(_incident(centre))
    assert panel.match_list[0].playbook.id == "residential_fire"


def test_the_checklist_speaks_the_operators_language(qtbot, centre, make_window) -> None:  # noqa: ANN001
    centre.actor = Actor("chen", Role.COMMANDER)
    window = make_window("zh_CN")
    panel = window.external["playbookPanel"]
    window.selection.select_incident(_incident(centre))
    qtbot.waitUntil(lambda: bool(panel.match_list))
    assert "居民住宅火灾" in panel.matches.item(0).text()
    assert "类型：建筑火灾" in panel.matches.item(0).text()
    qtbot.mouseClick(panel.activate, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 11)
    assert "IV级（蓝色）" in panel.heading.text()
    assert panel.model.item(0, 1).text().startswith("调派首批出动")
    assert panel.model.item(0, 2).text() == "消防"
