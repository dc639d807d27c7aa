"""`beacon console` from the command line: errors are one line; a script can take a
screenshot of a ready console."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str, timeout: float = 60,
         env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen",
               BEACON_SETTINGS=str(ROOT / "var" / "no-such-settings.toml"), **(env or {}))
    return subprocess.run([sys.executable, "-m", "console", *args], capture_output=True,
                          text=True, timeout=timeout, cwd=ROOT, env=env)


@pytest.mark.parametrize("url", ["not a url", "mysql://x@y/z", "sqlite:////no/such/dir/b.db"])
def test_a_bad_db_is_one_line_and_exit_2(url: str) -> None:
    proc = _run("--db", url)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("beacon: error: "), proc.stderr


def test_register_adds_console_with_its_options() -> None:
    from console.command import register
    from core.cli.main import _Parser

    parser = _Parser(prog="beacon")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["console", "--db", "sqlite:///x.db", "--hub", "ws://h:1",
                              "--lang", "zh_CN", "--screenshot", "s.png"])
    assert (args.db, args.hub, args.lang, args.screenshot.name) == (
        "sqlite:///x.db", "ws://h:1", "zh_CN", "s.png")
    assert callable(args.func)


def test_screenshot_of_a_ready_console(demo_db_template: Path, tmp_path: Path) -> None:
    db = tmp_path / "beacon.db"
    db.write_bytes(demo_db_template.read_bytes())
    shot = tmp_path / "shot.png"
    proc = _run("--db", f"sqlite:///{db}", "--lang", "zh_CN", "--screenshot", str(shot))
    assert proc.returncode == 0, proc.stderr
    assert "console ready in" in proc.stdout and "screenshot saved" in proc.stdout
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_drill_plays_in_the_console_with_its_banner(tmp_path: Path) -> None:
    shot = tmp_path / "drill.png"
    proc = _run("--drill", "scenarios/demo_shift.toml", "--small-city", "--screenshot",
                str(shot), timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_missing_scenario_is_one_line_and_exit_2() -> None:
    proc = _run("--drill", "scenarios/no-such-drill.toml")
    assert proc.returncode == 2
    assert proc.stderr.strip().startswith("beacon: error: no such scenario file")


def _with_operator(template: Path, tmp_path: Path) -> str:
    from core.auth import SYSTEM
    from core.centre import open_centre
    from core.commands import CreateOperator
    from core.domain.kinds import Role

    db = tmp_path / "ops.db"
    db.write_bytes(template.read_bytes())
    centre = open_centre(f"sqlite:///{db}", demo=False)
    centre.service.execute(CreateOperator("alice", "Alice Chen", Role.DISPATCHER,
                                          "correct horse"), SYSTEM)
    centre.close()
    return f"sqlite:///{db}"


def test_real_operations_sign_the_operator_in(demo_db_template: Path, tmp_path: Path) -> None:
    url = _with_operator(demo_db_template, tmp_path)
    shot = tmp_path / "ops.png"
    ok = _run("--db", url, "--user", "alice", "--screenshot", str(shot),
              env={"BEACON_PASSWORD": "correct horse"})
    assert ok.returncode == 0, ok.stderr
    wrong = _run("--db", url, "--user", "alice", env={"BEACON_PASSWORD": "wrong"})
    assert wrong.returncode == 2
    lines = [x for x in wrong.stderr.strip().splitlines()
             if not x.startswith("This plugin does not support")]  # offscreen platform noise
    assert lines == ["beacon: error: unknown user name or wrong password"]


def test_the_sign_in_dialog_says_when_the_password_is_wrong(qtbot) -> None:  # noqa: ANN001
    from console.sign_in import SignInDialog
    from core.errors import PermissionDenied

    tried: list[tuple[str, str]] = []

    def sign_in(user: str, password: str) -> None:
        tried.append((user, password))
        if password != "right":
            raise PermissionDenied("unknown user name or wrong password", field="password")

    dialog = SignInDialog(sign_in, "alice")
    qtbot.addWidget(dialog)
    dialog.password.setText("wrong")
    dialog._on_accepted()
    assert dialog.error.isVisibleTo(dialog) and dialog.result() == 0
    dialog.password.setText("right")
    dialog._on_accepted()
    assert dialog.result() == SignInDialog.DialogCode.Accepted
    assert tried == [("alice", "wrong"), ("alice", "right")]


def test_no_display_is_one_clear_line_not_a_qt_abort(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env.update(PYTHONPATH=str(ROOT), HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path))
    proc = subprocess.run([sys.executable, "-m", "console", "--no-drill"],
                          capture_output=True, text=True, timeout=60, cwd=ROOT, env=env)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip() == ("beacon: error: no display: run it under a virtual one "
                                   "(xvfb-run -a beacon console), or set "
                                   "QT_QPA_PLATFORM=offscreen")
