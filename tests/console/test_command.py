"""`beacon console` from the command line: errors are one line; a script can take a
screenshot of a ready console."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen",
               BEACON_SETTINGS=str(ROOT / "var" / "no-such-settings.toml"))
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
