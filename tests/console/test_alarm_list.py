"""The alarm list (`alarmList`): alarms wait for a person, survive a restart, clear on
every console when acknowledged, group a flood under one sound, escalate on time."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from console.alarm_sound import AlarmSound
from console.bridge import EventBridge, Selection
from console.follower import DatabaseFollower
from console.panels.alarm_list import AlarmList
from core.alarm_watch import AlarmRules
from core.auth import Actor
from core.centre import Centre, open_centre
from core.commands import CreateIncident, ReportEmergency
from core.domain.alarms import AlarmKind, active_alarms
from core.domain.kinds import Role
from core.store import event_log


def _p1(centre: Centre, n: int = 0) -> str:
    event = centre.service.execute(CreateIncident(
        type="structure_fire", x=100.0 + n, y=100.0, address=f"{n} Test Road"), centre.actor)
    return event.payload["id"]


def _panel(qtbot, centre: Centre, **kw) -> AlarmList:  # noqa: ANN001
    bridge = EventBridge(centre.service.bus)
    panel = AlarmList(centre, bridge, Selection(), sound=kw.pop("sound", AlarmSound("auto")),
                      **kw)
    qtbot.addWidget(panel)
    panel._test_bridge = bridge  # kept alive with the panel
    return panel


def _rows(panel: AlarmList) -> list[list[str]]:
    return [panel.tree.topLevelItem(n).data(0, 256)
            for n in range(panel.tree.topLevelItemCount())]


def _select(panel: AlarmList, alarm_id: str) -> None:
    """Select the row of exactly this alarm (a group's child, or a row of its own)."""
    for n in range(panel.tree.topLevelItemCount()):
        top = panel.tree.topLevelItem(n)
        for item in [top] + [top.child(c) for c in range(top.childCount())]:
            if item.data(0, 256) == [alarm_id]:
                panel.tree.setCurrentItem(item)
                return
    raise AssertionError(f"no row for {alarm_id}")


def _ids(panel: AlarmList) -> set[str]:
    return {i for row in _rows(panel) for i in row}


@pytest.fixture
def db_path(centre: Centre) -> Path:
    return Path(centre.db.url.database)


def test_a_new_p1_raises_an_alarm_that_survives_a_restart_until_acknowledged(
        qtbot, centre: Centre, db_path: Path, clock) -> None:  # noqa: ANN001
    panel = _panel(qtbot, centre)
    before = _ids(panel)
    incident = _p1(centre)
    [new] = [a for a in active_alarms(centre.live.state) if a.incident_id == incident]
    qtbot.waitUntil(lambda: new.id in _ids(panel), timeout=1000)
    assert panel.banner.isVisible() or not panel.isVisible()
    assert "wait" in panel.banner.text().lower()
    centre.close()

    # A restart: a new centre on the same database still shows it.
    again = open_centre(f"sqlite:///{db_path}", city_scale="small", clock=clock)
    try:
        restarted = _panel(qtbot, again)
        assert _ids(restarted) == before | {new.id}
        _select(restarted, new.id)
        assert restarted.selected_ids() == [new.id]
        qtbot.mouseClick(restarted.ack_button, _left())
        assert new.id not in _ids(restarted)
        with again.db.session() as s:
            [ack] = event_log.query(s, event_log.EventQuery(type="alarm_acknowledged"))
        assert ack.actor == "demo" and ack.payload["alarm_ids"] == [new.id]
        assert ack.at == clock.now()
    finally:
        again.close()
        centre.close = lambda: None  # closed above; the fixture's close is a no-op now


def _left():  # noqa: ANN202
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def test_an_alarm_acknowledged_on_one_console_leaves_the_other_within_a_second(
        qtbot, centre: Centre, db_path: Path, clock) -> None:  # noqa: ANN001
    other = open_centre(f"sqlite:///{db_path}", city_scale="small", clock=clock)
    followers = []
    try:
        here, there = _panel(qtbot, centre), _panel(qtbot, other)
        for c in (centre, other):
            follower = DatabaseFollower(c)
            follower.start()
            followers.append(follower)
        incident = _p1(centre)
        qtbot.waitUntil(lambda: any(other.live.state.alarms[i].incident_id == incident
                                    for i in _ids(there)), timeout=2000)
        [alarm_id] = [i for i in _ids(here)
                      if centre.live.state.alarms[i].incident_id == incident]
        _select(here, alarm_id)
        assert here.acknowledge_selected()
        assert alarm_id not in _ids(here)
        qtbot.waitUntil(lambda: alarm_id not in _ids(there), timeout=1000)
    finally:
        for follower in followers:
            follower.stop()
            follower.wait()
        other.close()


def test_the_role_matrix_refuses_an_observer(qtbot, centre: Centre) -> None:  # noqa: ANN001
    _p1(centre)
    centre.actor = Actor("olga", Role.OBSERVER)
    panel = _panel(qtbot, centre)
    before = _ids(panel)
    assert not panel.acknowledge_selected()
    assert "observer" in panel.notice.text() and _ids(panel) == before


def test_a_flood_is_one_group_with_a_count_and_one_sound(qtbot, centre: Centre) -> None:  # noqa: ANN001
    sound = AlarmSound("auto")
    panel = _panel(qtbot, centre, sound=sound)
    rows_before, plays_before = len(_rows(panel)), sound.plays
    made = {_p1(centre, n) for n in range(20)}  # twenty P1s in the same minute
    qtbot.waitUntil(lambda: len(_ids(panel)) >= 20, timeout=2000)
    qtbot.wait(50)  # every event delivered
    [group] = [item for item in (panel.tree.topLevelItem(n)
                                 for n in range(panel.tree.topLevelItemCount()))
               if {centre.live.state.alarms[i].incident_id for i in item.data(0, 256)}
               >= made]
    assert group.childCount() >= 20 and "× " in group.text(1)
    assert len(_rows(panel)) <= rows_before + 1
    assert sound.plays - plays_before <= 1
    # Acknowledging the group acknowledges each of them, in one event.
    panel.tree.setCurrentItem(group)
    assert panel.acknowledge_selected()
    assert all(a.incident_id not in made for a in active_alarms(centre.live.state))


def test_escalation_on_the_simulated_clock_is_loud_at_a_supervisor_seat(
        qtbot, centre: Centre, clock) -> None:  # noqa: ANN001
    centre.actor = Actor("sam", Role.SUPERVISOR)
    sound = AlarmSound("auto")
    panel = _panel(qtbot, centre, sound=sound, rules=AlarmRules(escalate_after_s=120),
                   watch_interval_ms=20)
    assert panel.senior
    plays = sound.plays
    clock.advance(125)
    qtbot.waitUntil(lambda: all(a.escalated for a in active_alarms(centre.live.state)),
                    timeout=2000)
    qtbot.waitUntil(lambda: sound.plays > plays, timeout=1000)
    assert sound.last_loud
    assert "supervisor" in panel.banner.text()
    assert panel.tree.topLevelItem(0).text(2) == "Escalated"


def test_a_units_emergency_shows_with_the_unit(qtbot, centre: Centre) -> None:  # noqa: ANN001
    panel = _panel(qtbot, centre)
    unit = next(iter(centre.live.state.units))
    centre.service.execute(ReportEmergency(unit, "crew trapped"),
                           Actor(f"unit:{unit}", unit_id=unit))
    qtbot.waitUntil(lambda: any(centre.live.state.alarms[i].kind is AlarmKind.UNIT_EMERGENCY
                                for i in _ids(panel)), timeout=1000)
    texts = [panel.tree.topLevelItem(n).text(3) for n in range(panel.tree.topLevelItemCount())]
    incident = centre.live.state.units[unit].incident_id
    where = f" ({incident})" if incident else ""
    assert f"{unit}{where}: crew trapped" in texts


def test_no_audio_device_plays_silently_and_the_mute_is_logged(qtbot, centre: Centre) -> None:  # noqa: ANN001
    sound = AlarmSound("auto")
    assert not sound.device  # the test machine has none
    panel = _panel(qtbot, centre, sound=sound)
    assert sound.play() and sound._player is None  # counted; libvlc never loaded
    qtbot.mouseClick(panel.mute_button, _left())
    assert sound.muted and not sound.play()
    with centre.db.session() as s:
        [mute] = event_log.query(s, event_log.EventQuery(type="alarm_sound_muted"))
    assert mute.actor == "demo" and mute.payload["muted"] is True
    off = AlarmSound("off")
    assert not off.play() and off.plays == 0


def test_the_main_window_has_the_alarm_list_and_f9_acknowledges(window) -> None:  # noqa: ANN001
    panel = window.findChild(AlarmList, "alarmList")
    assert panel is not None and window.docks["alarmList"].isVisible()
    before = len(active_alarms(window.centre.live.state))
    assert before  # the demo's P1 calls
    window.actions_by_name["acknowledgeAlarm"].trigger()
    assert len(active_alarms(window.centre.live.state)) < before


def test_a_huge_group_builds_a_bounded_number_of_rows(qtbot, centre: Centre,
                                                       monkeypatch) -> None:  # noqa: ANN001
    import console.panels.alarm_list as module

    monkeypatch.setattr(module, "MAX_CHILDREN", 5)
    made = {_p1(centre, n) for n in range(12)}
    panel = _panel(qtbot, centre)
    # The demo's own P1 calls (stamped in the hour before) form groups of their own.
    [group] = [panel.tree.topLevelItem(n) for n in range(panel.tree.topLevelItemCount())
               if panel.tree.topLevelItem(n).childCount() == 6]
    more = group.child(5)
    assert more.text(1).startswith("… and ") and len(more.data(0, 256)) >= len(made) - 5
    # Acknowledging the group still acknowledges every one of them.
    panel.tree.setCurrentItem(group)
    assert panel.acknowledge_selected()
    assert not {a.incident_id for a in active_alarms(centre.live.state)} & made


def test_the_bundled_sound_plays_through_libvlc_to_the_end(qtbot) -> None:  # noqa: ANN001
    from console.alarm_sound import SOUND_FILE

    assert SOUND_FILE.stat().st_size > 10_000  # the WAV is in the project
    sound = AlarmSound("auto", aout="dummy")  # real libvlc, an output that plays to nothing
    try:
        assert sound.play(loud=True)
        qtbot.waitUntil(lambda: sound.finished, timeout=5000)
    finally:
        sound.close()


class _OwnedDict(dict):
    """A live-state table that notes every read of its contents off the main thread."""

    def __init__(self, data: dict, foreign: list[str], owner: int) -> None:
        super().__init__(data)
        self._foreign, self._owner = foreign, owner

    def _note(self, what: str) -> None:
        if threading.get_ident() != self._owner:
            self._foreign.append(f"{what} on {threading.current_thread().name}")

    def __iter__(self):  # noqa: ANN204
        self._note("iter")
        return super().__iter__()

    def values(self):  # noqa: ANN201
        self._note("values")
        return super().values()

    def items(self):  # noqa: ANN201
        self._note("items")
        return super().items()


def test_the_rules_run_on_a_worker_from_a_copy_taken_on_the_gui_thread(
        qtbot, centre: Centre, clock, monkeypatch) -> None:  # noqa: ANN001
    """The bug: the watch iterated the live dictionaries while another thread changed
    them ("dictionary changed size during iteration"). The live state is read only on
    the thread that applies events to it; the rules' work runs on a worker; what they
    record is published back on the GUI thread."""
    import console.panels.alarm_list as alarm_list

    owner = threading.get_ident()
    foreign: list[str] = []
    state = centre.live.state
    state.incidents = _OwnedDict(state.incidents, foreign, owner)
    state.alarms = _OwnedDict(state.alarms, foreign, owner)
    ran_on: list[int] = []
    real_run = alarm_list.run_watch

    def spy(service, snapshot, rules):  # noqa: ANN001, ANN202
        ran_on.append(threading.get_ident())
        return real_run(service, snapshot, rules)

    monkeypatch.setattr(alarm_list, "run_watch", spy)
    published_on: list[int] = []
    centre.service.bus.subscribe(lambda e: published_on.append(threading.get_ident())
                                 if e.type == "alarm_raised" else None)
    panel = _panel(qtbot, centre, rules=AlarmRules(escalate_after_s=60),
                   watch_interval_ms=3_600_000)
    before = len(state.alarms)
    clock.advance(3600)  # every open incident past its response standard
    panel.check_rules()
    for n in range(20):  # new calls applied on the GUI thread while the round runs
        _p1(centre, n)
    panel.wait_for_rules()
    qtbot.waitUntil(lambda: not panel._watching_now, timeout=3000)  # noqa: SLF001
    assert ran_on and all(t != owner for t in ran_on)
    assert len(state.alarms) > before + 20  # the rules' alarms arrived, besides the P1s'
    assert published_on and set(published_on) == {owner}
    assert foreign == []
