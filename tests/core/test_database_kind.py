"""What a database is (live, training, demo) decides what may happen on it.

The demo account and the demo drill exist only on the demo database; drills are refused
on a live centre's database and carry the exercise's name elsewhere; a database whose
log runs on a drill's simulated clock is never mixed with the wall clock.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.centre import DEMO_USERNAME, NotTheDemo, open_centre
from core.cli.main import main
from core.clock import ContinuedClock, RealClock, SimulatedClock
from core.commands import CreateIncident
from core.drill.engine import DrillEngine
from core.drill.scenario import load_scenario
from core.errors import UserError
from core.profile import ClockDomain, DatabaseKind, database_kind, read_profile
from core.response_clock import response_elapsed_s
from core.service import CommandService, replay
from core.store import event_log
from core.store.database import open_database
from core.store.schema import EventRow, OperatorRow

SCENARIO = """\
[drill]
name = "Harbour exercise"
start = 2026-03-02T08:00:00+08:00
duration = "2h"
speed = 5
dispatch = "auto"
seed = 4

[random_calls]
per_hour = 12
mix = { medical = 2, fall = 1 }
"""


@pytest.fixture
def scenario_file(tmp_path: Path) -> Path:
    """A short drill scenario."""
    path = tmp_path / "harbour.toml"
    path.write_text(SCENARIO, encoding="utf-8")
    return path


def _centre_db(url: str, capsys: pytest.CaptureFixture[str]) -> str:
    """A database holding the small demo city and never labelled: a live centre's."""
    assert main(["city", "demo", "--small", "--db", url]) == 0
    capsys.readouterr()
    return url


def _events(url: str) -> list[event_log.Event]:
    db = open_database(url, upgrade=False)
    try:
        with db.session() as s:
            return event_log.query(s)
    finally:
        db.dispose()


def _count(url: str, table: type) -> int:
    db = open_database(url, upgrade=False)
    try:
        with db.session() as s:
            return int(s.execute(select(func.count()).select_from(table)).scalar_one())
    finally:
        db.dispose()


# -- the label -------------------------------------------------------------------------


def test_a_database_never_labelled_is_live_and_set_kind_labels_it(
        db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    db = open_database(db_url)
    try:
        assert database_kind(db) is DatabaseKind.LIVE
        assert not read_profile(db).labelled
    finally:
        db.dispose()
    assert main(["db", "info", "--db", db_url]) == 0
    assert "kind:      live (never labelled), clock wall" in capsys.readouterr().out

    assert main(["db", "set-kind", "training", "--db", db_url]) == 0
    assert "now labelled training (was live (never labelled)" in capsys.readouterr().out
    assert main(["db", "set-kind", "training", "--db", db_url]) == 0  # nothing to change
    assert "labelled training already" in capsys.readouterr().out
    assert main(["db", "set-kind", "demo", "--db", db_url]) == 0
    capsys.readouterr()

    (first, second) = _events(db_url)
    assert first.type == second.type == "database_kind_set"
    assert first.actor.startswith("cli:") and first.actor == second.actor
    assert (first.payload["kind"], first.payload["previous"]) == ("training", None)
    assert (second.payload["kind"], second.payload["previous"]) == ("demo", "training")
    db = open_database(db_url)
    try:
        assert database_kind(db) is DatabaseKind.DEMO
        # The table is what the log says: replaying it gives the same profile.
        assert replay(db).profile == {"kind": "demo", "clock_domain": "wall",
                                      "exercise": None}
        assert replay(db).profile == CommandService(db).state().profile
    finally:
        db.dispose()
    assert main(["db", "info", "--db", db_url]) == 0
    assert "kind:      demo, clock wall" in capsys.readouterr().out


def test_the_embedded_demo_is_labelled_demo_when_it_is_made(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # the embedded default
    centre = open_centre(city_scale="small")
    try:
        assert "data" in centre.db.display_url()
        assert database_kind(centre.db) is DatabaseKind.DEMO
        with centre.db.session() as s:
            first = event_log.query(s, event_log.EventQuery(limit=1))[0]
        assert (first.type, first.payload["kind"], first.actor) == (
            "database_kind_set", "demo", "system")
        assert centre.actor is not None and centre.actor.name == DEMO_USERNAME
    finally:
        centre.close()


# -- the demo only on the demo ---------------------------------------------------------


@pytest.mark.parametrize("kind", [None, "live", "training"])
def test_the_demo_account_is_never_made_or_signed_in_outside_the_demo(
        db_url: str, kind: str | None, capsys: pytest.CaptureFixture[str]) -> None:
    _centre_db(db_url, capsys)
    if kind is not None:
        assert main(["db", "set-kind", kind, "--db", db_url]) == 0
    before = len(_events(db_url))
    with pytest.raises(NotTheDemo, match=r"not the demo: .*--user NAME"):
        open_centre(db_url, city_scale="small")
    with pytest.raises(NotTheDemo):  # asking to make a new demo changes nothing here
        open_centre(db_url, city_scale="small", new_kind=DatabaseKind.DEMO)
    assert len(_events(db_url)) == before
    assert _count(db_url, OperatorRow) == 0


def test_an_empty_database_named_by_url_is_not_turned_into_a_demo(sqlite_url: str) -> None:
    with pytest.raises(NotTheDemo):
        open_centre(sqlite_url, city_scale="small")
    assert _events(sqlite_url) == []


def test_real_operations_still_open_a_live_database(db_url: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    _centre_db(db_url, capsys)
    centre = open_centre(db_url, demo=False)
    try:
        assert centre.actor is None and centre.banner == ""
        assert isinstance(centre.service.clock, RealClock)
    finally:
        centre.close()


# -- drills --------------------------------------------------------------------------


def test_a_drill_is_refused_on_a_live_database(db_url: str, scenario_file: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    _centre_db(db_url, capsys)
    before = len(_events(db_url))
    assert main(["drill", str(scenario_file), "--db", db_url, "--small-city"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "drills are refused" in err and "live centre's database" in err
    assert "training copy" in err and "beacon db set-kind training" in err
    # Not even through the engine itself.
    centre = open_centre(db_url, demo=False)
    try:
        clock = SimulatedClock(load_scenario(scenario_file).start)
        centre.service.clock = clock
        with pytest.raises(UserError, match="drills are refused"):
            DrillEngine(centre.service, centre.live.state, centre.city,
                        load_scenario(scenario_file), clock)
    finally:
        centre.close()
    assert len(_events(db_url)) == before


def test_a_drill_on_a_training_database_names_the_exercise_in_every_event(
        db_url: str, scenario_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _centre_db(db_url, capsys)
    assert main(["db", "set-kind", "training", "--db", db_url]) == 0
    before = len(_events(db_url))
    assert main(["drill", str(scenario_file), "--db", db_url, "--small-city"]) == 0
    assert "drill 'Harbour exercise'" in capsys.readouterr().out
    events = _events(db_url)[before:]
    assert events[0].type == "exercise_started"
    assert events[0].payload["name"] == "Harbour exercise"
    assert events[0].payload["clock"] == "simulated"
    assert len(events) > 20
    assert {e.payload.get("exercise") for e in events[1:]} == {"Harbour exercise"}
    assert any(e.type == "incident_created" for e in events)
    assert _count(db_url, OperatorRow) == 0  # no demo account on a training database


def test_a_drill_starts_after_the_history_already_in_the_database(
        sqlite_url: str, scenario_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _centre_db(sqlite_url, capsys)  # its history is on the wall clock, after the start
    assert main(["db", "set-kind", "training", "--db", sqlite_url]) == 0
    last = _events(sqlite_url)[-1].at
    assert main(["drill", str(scenario_file), "--db", sqlite_url, "--small-city"]) == 0
    times = [e.at for e in _events(sqlite_url)]
    assert times == sorted(times) and times[-1] > last


# -- the clock domain ----------------------------------------------------------------


def test_after_a_drill_the_centre_continues_the_logs_time(
        db_url: str, scenario_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _centre_db(db_url, capsys)
    assert main(["db", "set-kind", "training", "--db", db_url]) == 0
    assert main(["drill", str(scenario_file), "--db", db_url, "--small-city"]) == 0
    assert main(["db", "info", "--db", db_url]) == 0
    assert "kind:      training, clock simulated (last drill: Harbour exercise)" in \
        capsys.readouterr().out
    centre = open_centre(db_url, demo=False)  # as `console --no-drill --user` does
    try:
        assert read_profile(centre.db).clock_domain is ClockDomain.SIMULATED
        assert centre.service.state().profile == replay(centre.db).profile == {
            "kind": "training", "clock_domain": "simulated", "exercise": "Harbour exercise"}
        assert isinstance(centre.service.clock, ContinuedClock)
        last = centre.service.last_event_time()
        assert last is not None
        now = centre.service.clock.now()
        assert last <= now < last + timedelta(minutes=1)
        # What the console shows is measured on that clock: a call the drill left open
        # is minutes old, not the months between the drill's day and today.
        open_ones = centre.live.state.open_incidents()
        assert open_ones
        assert all(0 <= response_elapsed_s(i, now) <= 2 * 3600 for i in open_ones)
        event = centre.service.execute(CreateIncident(
            type="medical", x=centre.city.addresses[0].x, y=centre.city.addresses[0].y,
            address=centre.city.addresses[0].text), _dispatcher())
        assert last <= event.at < last + timedelta(minutes=1)
        assert "exercise" not in event.payload  # the drill is over: real work again
    finally:
        centre.close()


def test_after_the_demo_drill_the_demo_without_its_drill_continues_its_time(
        sqlite_url: str, scenario_file: Path) -> None:
    from core.drill.exercise import begin_exercise

    scenario = load_scenario(scenario_file)
    clock = SimulatedClock(scenario.start)
    centre = open_centre(sqlite_url, clock=clock, city_scale="small",
                         new_kind=DatabaseKind.DEMO, drill=True)
    try:
        engine = DrillEngine(centre.service, centre.live.state, centre.city, scenario, clock)
        assert begin_exercise(centre.service, scenario.name, clock) is None  # begun once
        engine.start()
        engine.advance(1800)
        engine.stop()
    finally:
        centre.close()
    again = open_centre(sqlite_url, city_scale="small")  # `beacon console --no-drill`
    try:
        assert again.actor is not None and again.actor.name == DEMO_USERNAME
        last = again.service.last_event_time()
        assert last is not None and last <= again.service.clock.now() < last + timedelta(
            minutes=1)
        with again.db.session() as s:
            signin = event_log.query(s, event_log.EventQuery(type="operator_signed_in"))[-1]
        assert signin.at >= last - timedelta(seconds=1)  # stamped on the log's time
    finally:
        again.close()


def test_a_log_ahead_of_the_wall_clock_is_never_written_behind(sqlite_url: str) -> None:
    from core.clock import SimulatedClock as Sim

    future = RealClock().now() + timedelta(days=30)
    centre = open_centre(sqlite_url, clock=Sim(future), city_scale="small",
                         new_kind=DatabaseKind.DEMO)
    centre.close()
    again = open_centre(sqlite_url, city_scale="small")
    try:
        assert isinstance(again.service.clock, ContinuedClock)
        assert again.service.clock.now() >= future
    finally:
        again.close()


def _dispatcher():  # noqa: ANN202
    from core.auth import Actor
    from core.domain.kinds import Role

    return Actor("alice", Role.DISPATCHER)


def test_a_refused_drill_start_writes_nothing(
        sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    _centre_db(sqlite_url, capsys)
    before = _count(sqlite_url, EventRow)
    with pytest.raises(UserError):
        open_centre(sqlite_url, drill=True, clock=SimulatedClock(RealClock().now()))
    assert _count(sqlite_url, EventRow) == before


def test_the_migration_runs_on_a_database_that_holds_data(
        db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    from alembic import command

    from core.store.database import alembic_config

    _centre_db(db_url, capsys)
    db = open_database(db_url)
    try:
        with db.engine.begin() as conn:  # back to the schema before this migration
            cfg = alembic_config(db.url)
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0002")
        assert db.schema_version() == "0002"
        assert read_profile(db).kind is DatabaseKind.LIVE  # no table: never labelled
        db.upgrade()
        profile = read_profile(db)
        assert (profile.kind, profile.labelled, profile.clock_domain) == (
            DatabaseKind.LIVE, False, ClockDomain.WALL)
    finally:
        db.dispose()
    before = len(_events(db_url))  # the city, its units, the demo's cameras
    assert main(["db", "set-kind", "training", "--db", db_url]) == 0
    assert _events(db_url)[-1].type == "database_kind_set"
    assert len(_events(db_url)) == before + 1


def test_a_service_on_a_database_without_schema_uses_the_wall_clock(sqlite_url: str) -> None:
    from core.service import CommandService
    from core.store.database import Database

    db = Database(sqlite_url)  # not migrated: no tables
    try:
        assert isinstance(CommandService(db).clock, RealClock)
        assert database_kind(db) is DatabaseKind.LIVE
    finally:
        db.dispose()
