"""The console on a database that is not the demo: no demo account, no demo drill, no
drill at all on a live centre's; and a database whose log runs on a drill's clock is
shown on that clock, never mixed with the wall clock."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.store.database import open_database
from core.store.schema import EventRow, OperatorRow
from tests.console.test_command import _run

ROOT = Path(__file__).resolve().parents[2]


def _counts(url: str) -> tuple[int, int, list[str]]:
    db = open_database(url, upgrade=False)
    try:
        with db.session() as s:
            events = s.execute(select(func.count()).select_from(EventRow)).scalar_one()
            names = list(s.execute(select(OperatorRow.username)).scalars())
            return int(events), len(names), names
    finally:
        db.dispose()


def _centre_db(tmp_path: Path, kind: str | None) -> str:
    """A database with the small demo city and the operator alice, labelled `kind`."""
    from core.auth import SYSTEM
    from core.cli.main import main
    from core.commands import CreateOperator
    from core.domain.kinds import Role
    from core.service import CommandService

    url = f"sqlite:///{tmp_path / 'centre.db'}"
    assert main(["city", "demo", "--small", "--db", url]) == 0
    if kind is not None:
        assert main(["db", "set-kind", kind, "--db", url]) == 0
    db = open_database(url)
    CommandService(db).execute(CreateOperator("alice", "Alice Chen", Role.DISPATCHER,
                                              "correct horse"), SYSTEM)
    db.dispose()
    return url


def _error_lines(stderr: str) -> list[str]:
    return [x for x in stderr.strip().splitlines()
            if not x.startswith("This plugin does not support")]  # offscreen platform noise


@pytest.mark.parametrize("kind", [None, "live", "training"])
@pytest.mark.parametrize("flags", [(), ("--no-drill",)])
def test_without_user_the_console_stops_on_a_database_that_is_not_the_demo(
        tmp_path: Path, kind: str | None, flags: tuple[str, ...],
        capsys: pytest.CaptureFixture[str]) -> None:
    url = _centre_db(tmp_path, kind)
    capsys.readouterr()
    before = _counts(url)
    proc = _run("--db", url, "--small-city", "--screenshot", str(tmp_path / "s.png"), *flags)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    (line,) = _error_lines(proc.stderr)
    assert line.startswith("beacon: error: ") and "not the demo" in line
    assert "--user NAME" in line
    assert _counts(url) == before  # no demo account, no sign-in, no drill
    assert "demo" not in before[2]


def test_a_database_from_beacon_db_is_no_demo_either(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = _centre_db(tmp_path, None)
    capsys.readouterr()
    before = _counts(url)
    proc = _run("--small-city", "--screenshot", str(tmp_path / "s.png"),
                env={"BEACON_DB": url})
    assert proc.returncode == 2
    (line,) = _error_lines(proc.stderr)
    assert "not the demo" in line and "--user NAME" in line
    assert _counts(url) == before


def test_a_drill_in_the_console_is_refused_on_a_live_database(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = _centre_db(tmp_path, "live")
    capsys.readouterr()
    before = _counts(url)
    proc = _run("--db", url, "--user", "alice", "--drill", "scenarios/demo_shift.toml",
                "--screenshot", str(tmp_path / "s.png"),
                env={"BEACON_PASSWORD": "correct horse"})
    assert proc.returncode == 2
    (line,) = _error_lines(proc.stderr)
    assert "drills are refused" in line and "training copy" in line
    assert _counts(url) == before


def test_a_drill_in_the_console_plays_on_a_training_database_with_its_name(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from core.store import event_log

    url = _centre_db(tmp_path, "training")
    capsys.readouterr()
    before = _counts(url)[0]
    proc = _run("--db", url, "--user", "alice", "--drill", "scenarios/demo_shift.toml",
                "--screenshot", str(tmp_path / "s.png"),
                env={"BEACON_PASSWORD": "correct horse"}, timeout=120)
    assert proc.returncode == 0, proc.stderr
    db = open_database(url, upgrade=False)
    try:
        with db.session() as s:
            events = event_log.query(s, event_log.EventQuery(after_seq=before))
    finally:
        db.dispose()
    assert events[0].type == "exercise_started" and events[0].payload["name"] == "Demo shift"
    assert {e.payload.get("exercise") for e in events[1:]} <= {"Demo shift"}
    signed = [e for e in events if e.type == "operator_signed_in"]
    assert [e.actor for e in signed] == ["alice"]  # nobody signed in automatically
    assert all(e.payload["exercise"] == "Demo shift" for e in signed)
    assert "demo" not in _counts(url)[2]


def test_after_the_demo_drill_the_console_without_it_shows_the_logs_time(
        qtbot, qapp, demo_db_template: Path, tmp_path: Path) -> None:  # noqa: ANN001
    from PySide6.QtCore import QSettings, Qt

    from console.bridge import EventBridge, Selection
    from console.command import DEMO_SCENARIO
    from console.drill_mode import open_drill
    from console.i18n import LanguageSwitcher
    from console.main_window import MainWindow
    from console.models.incident_table_model import Column
    from core.centre import open_centre
    from core.drill.scenario import load_scenario

    path = tmp_path / "demo.db"
    shutil.copy(demo_db_template, path)
    url = f"sqlite:///{path}"
    setup = open_drill(load_scenario(DEMO_SCENARIO), url, True, "test", demo_incidents=True)
    try:
        setup.engine.start()
        for _ in range(6):  # half an hour of the demo shift
            setup.engine.advance(300)
        setup.engine.stop()
    finally:
        setup.centre.close()

    centre = open_centre(url, city_scale="small")  # `beacon console --no-drill`
    switcher = LanguageSwitcher(qapp)
    switcher.switch("en")
    settings = QSettings(str(tmp_path / "console.ini"), QSettings.Format.IniFormat)
    window = MainWindow(centre, EventBridge(centre.service.bus), Selection(), settings,
                        switcher)
    qtbot.addWidget(window)
    try:
        model = window.queue.table.model()
        timers = [model.index(row, Column.TIMER).data(Qt.ItemDataRole.DisplayRole)
                  for row in range(model.rowCount())]
        assert timers
        # Minutes and seconds: a call is at most a few hours old on the log's own clock
        # (mixed with the wall clock it would read thousands of hours).
        assert all(int(t.split(":")[0]) < 24 for t in timers if t.count(":") == 2), timers
        etas = [u.eta_at for u in centre.live.state.units.values() if u.eta_at]
        now = centre.service.clock.now()
        assert all(abs((eta - now).total_seconds()) < 6 * 3600 for eta in etas)
    finally:
        window.close()
        centre.close()
