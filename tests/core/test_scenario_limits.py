"""Scenario files are read with the same limits as every file a person names, and the
names in them may not hold terminal escapes or other invisible characters."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.cli.main import main

GOOD = "[drill]\nname = 'Night shift'\n"


def _check(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str) -> tuple[int, str]:
    path = tmp_path / "scenario.toml"
    path.write_text(text, encoding="utf-8")
    code = main(["drill", str(path), "--check"])
    captured = capsys.readouterr()
    return code, captured.err


BAD = [
    # A name that rewrites the terminal line it is printed on (and the audit log's actor).
    ('[drill]\nname = "x\\u001b[2K\\rforged"\n', "drill.name holds a control"),
    ('[drill]\nname = "line\\nbreak"\n', "drill.name holds a control"),
    ('[drill]\nname = "abc\\u202edcba"\n', "drill.name holds a control"),
    ('[drill]\nname = "zero\\u200bwidth"\n', "drill.name holds a control"),
    (GOOD + '[[inject]]\nat = 1\ncall = {type = "medical", address = "1 Main St\\u001b[31m"}\n',
     "inject[0].call.address holds a control"),
    (GOOD + '[[inject]]\nat = 1\nclose_road = "Main\\u0085Street"\n',
     "inject[0].close_road holds a control"),
    # Nesting: tomllib recursed until a RecursionError traceback.
    (GOOD + "x = " + "[" * 20_000 + "]" * 20_000 + "\n", "nests deeper than 64 levels"),
    # Every number has a range.
    ("[drill]\nname = 'x'\nduration = '99999h'\n", "drill.duration: '99999h' is beyond a week"),
    ("[drill]\nname = 'x'\nturnout = 1e300\n", "drill.turnout: time offset must be"),
    ("[drill]\nname = 'x'\nseed = 99999999999999999999\n", "drill.seed must be"),
    (GOOD + "[[inject]]\nat = 1\ncall = {type = 'medical', address = 'a', priority = 99}\n",
     "inject[0].call.priority must be from 1"),
    (GOOD + "[random_calls]\nper_hour = 1\nmix = {medical = 1e300}\n",
     "random_calls.mix.medical: weight must be"),
]


@pytest.mark.parametrize(("text", "needle"), BAD)
def test_a_bad_scenario_is_one_clear_line(tmp_path: Path, capsys, text: str,
                                          needle: str) -> None:
    code, err = _check(tmp_path, capsys, text)
    assert code == 2, err[-3000:]
    assert err.count("\n") == 1 and err.startswith("beacon: error: scenario "), err[-3000:]
    assert needle in err


def test_a_description_keeps_its_lines_but_not_escapes(tmp_path: Path, capsys) -> None:
    code, err = _check(tmp_path, capsys, GOOD + 'description = "two\\nlines\\tand a tab"\n')
    assert code == 0, err
    code, err = _check(tmp_path, capsys, GOOD + 'description = "bell\\u0007"\n')
    assert code == 2 and "drill.description holds a control" in err


def test_a_scenario_file_has_a_size_limit(tmp_path: Path, capsys) -> None:
    code, err = _check(tmp_path, capsys, GOOD + "# " + "x" * (5 * 1024 * 1024) + "\n")
    assert code == 2 and "the scenario file is larger than 4 MB" in err
