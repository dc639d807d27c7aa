"""The command line: help everywhere, one clear line for every user mistake."""

from __future__ import annotations

import subprocess
import sys

import pytest

from core.cli.main import build_parser, main


def _subcommands() -> list[list[str]]:
    parser = build_parser()
    paths: list[list[str]] = []

    def walk(p, prefix: list[str]) -> None:  # noqa: ANN001
        for action in p._actions:
            if action.__class__.__name__ == "_SubParsersAction":
                for name, sub in action.choices.items():
                    paths.append(prefix + [name])
                    walk(sub, prefix + [name])

    walk(parser, [])
    return paths


def test_every_subcommand_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    paths = _subcommands()
    assert ["db", "upgrade"] in paths and ["audit", "verify"] in paths
    for path in paths:
        with pytest.raises(SystemExit) as info:
            main([*path, "--help"])
        assert info.value.code == 0
        out = capsys.readouterr().out
        assert out.startswith("usage: beacon " + " ".join(path)), path


@pytest.mark.parametrize("argv, needle", [
    (["nonsense"], "invalid choice"),
    (["db", "upgrade", "--db", "mysql://x"], "unsupported database 'mysql'"),
    (["db", "upgrade", "--db", "::::"], "not a database URL"),
    (["db", "upgrade", "--db", "sqlite:////no/such/folder/b.db"], "folder /no/such/folder"),
    (["audit", "log", "--limit", "-3", "--db", "sqlite://"], "not a positive whole number"),
    (["audit", "log", "--since", "tuesday", "--db", "sqlite://"], "not a time"),
    (["db", "sqlite://", "info"], "a database URL goes after --db: 'beacon db ACTION --db URL'"),
])
def test_user_mistakes_print_one_clear_line_and_exit_non_zero(
        argv: list[str], needle: str, capsys: pytest.CaptureFixture[str]) -> None:
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2
    assert needle in err
    assert err.startswith("beacon: error:") and err.count("\n") == 1
    assert "Traceback" not in err


def test_db_may_come_before_or_after_the_action(tmp_path, capsys) -> None:  # noqa: ANN001
    url = f"sqlite:///{tmp_path / 'b.db'}"
    assert main(["db", "upgrade", "--db", url]) == 0
    capsys.readouterr()
    assert main(["db", "info", "--db", url]) == 0
    after = capsys.readouterr().out
    assert main(["db", "--db", url, "info"]) == 0
    assert capsys.readouterr().out == after and url in after
    # Given twice, the one nearer the action's own options wins, as argparse does.
    assert main(["db", "--db", "sqlite:////no/such/folder/x.db", "info", "--db", url]) == 0
    assert capsys.readouterr().out == after


def test_the_installed_entry_point_never_shows_a_traceback(tmp_path) -> None:  # noqa: ANN001
    proc = subprocess.run([sys.executable, "-m", "core", "db", "info", "--db", "oracle://x"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.strip() == ("beacon: error: unsupported database 'oracle' in "
                                   "'oracle://x': Beacon runs on sqlite or postgresql")


def test_db_upgrade_and_info(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: ANN001
    url = f"sqlite:///{tmp_path / 'b.db'}"
    assert main(["db", "upgrade", "--db", url]) == 0
    assert main(["db", "info", "--db", url]) == 0
    out = capsys.readouterr().out
    from core.store.database import HEAD_REVISION

    assert "newest schema" in out and f"schema:    {HEAD_REVISION}" in out
    # One column of values, whatever the label (a long one once ran into its value).
    rows = [line for line in out.splitlines() if line[:1].isalpha() and ": " in line
            and not line.startswith("database ")]
    assert {len(line) - len(line[line.index(":") + 1:].lstrip()) for line in rows} == {11}


def test_reading_commands_never_create_a_database(tmp_path, capsys) -> None:  # noqa: ANN001
    typo = tmp_path / "typo.db"
    for argv in (["db", "info"], ["db", "info", "--json"], ["audit", "log"],
                 ["audit", "verify"], ["operator", "list"], ["hub", "token", "list"]):
        assert main([*argv, "--db", f"sqlite:///{typo}"]) == 2, argv
        assert "no database at" in capsys.readouterr().err
    assert not typo.exists()


def test_operator_add_hashes_the_password_and_records_who(tmp_path, monkeypatch,  # noqa: ANN001
                                                          capsys) -> None:  # noqa: ANN001
    import hashlib
    import io

    from core.auth import check_password
    from core.store import event_log
    from core.store.database import open_database
    from core.store.schema import OperatorRow

    url = f"sqlite:///{tmp_path / 'b.db'}"
    monkeypatch.setattr("sys.stdin", io.StringIO("correct horse battery\n"))
    assert main(["operator", "add", "wang.fang", "--role", "supervisor", "--name",
                 "Wang Fang", "--password-stdin", "--db", url]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["operator", "add", "li", "--role", "dispatcher", "--password-stdin",
                 "--db", url]) == 2
    assert "at least 10 characters" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO(" " * 12 + "\n"))
    assert main(["operator", "add", "li", "--role", "dispatcher", "--password-stdin",
                 "--db", url]) == 2
    assert capsys.readouterr().err.strip() == "beacon: error: a password cannot be only spaces"
    db = open_database(url)
    with db.session() as s:
        row = s.get(OperatorRow, "wang.fang")
        assert row is not None and "correct horse" not in row.password_hash
        assert check_password(row.password_hash, "correct horse battery")
        assert s.get(OperatorRow, "li") is None
        events = event_log.query(s)
        stored_hash = row.password_hash
    assert [(e.type, e.payload["username"]) for e in events] == [
        ("operator_created", "wang.fang")]
    assert events[0].actor.startswith("cli:")  # which account of the machine ran it
    # Neither the password nor its hash goes into the log: only the hash's digest, so a
    # hash replaced in the table no longer matches the log.
    logged = str(events[0].payload)
    assert "correct horse" not in logged and stored_hash not in logged
    assert events[0].payload["password_digest"] == hashlib.sha256(stored_hash.encode()
                                                                  ).hexdigest()

def test_help_promises_only_flags_that_exist(capsys: pytest.CaptureFixture[str]) -> None:
    """A help text that names `--flag` must accept it (issue: `city demo --replace`)."""
    import re

    for path in _subcommands():
        with pytest.raises(SystemExit):
            main([*path, "--help"])
        out = re.sub(r"-\n\s*", "-", capsys.readouterr().out)  # argparse wraps at "-"
        _usage, _, rest = out.partition("\n\n")
        accepted = set(re.findall(r"--[a-z][a-z0-9-]*", out.split("options:")[-1]))
        for flag in set(re.findall(r"--[a-z][a-z0-9-]*", rest.split("options:")[0])):
            assert flag in accepted or flag == "--help", (path, flag)


def test_a_second_demo_city_is_refused_in_one_line(tmp_path, capsys) -> None:  # noqa: ANN001
    url = f"sqlite:///{tmp_path / 'b.db'}"
    assert main(["city", "demo", "--small", "--db", url]) == 0
    capsys.readouterr()
    assert main(["city", "demo", "--small", "--db", url]) == 2
    err = capsys.readouterr().err
    assert "already serves the city" in err and err.count("\n") == 1


@pytest.mark.parametrize("stdin", ["", "pw\n"])
def test_operator_add_without_a_terminal_says_how(tmp_path, stdin: str) -> None:  # noqa: ANN001
    """No terminal (a script, a pipe): one line pointing to --password-stdin."""
    proc = subprocess.run(
        [sys.executable, "-m", "core", "operator", "add", "li", "--role", "dispatcher",
         "--db", f"sqlite:///{tmp_path / 'b.db'}"],
        input=stdin, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1 and "--password-stdin" in proc.stderr


# Commands that print data a script may read: each takes --json.
DATA_COMMANDS = [["db", "info"], ["audit", "log"], ["audit", "verify"], ["operator", "list"],
                 ["hub", "token", "list"], ["drill"], ["incident", "create"],
                 ["incident", "dispatch"], ["incident", "types"], ["caller", "erase"],
                 ["registry", "import"], ["registry", "list"], ["registry", "person", "show"],
                 ["registry", "person", "search"], ["registry", "person", "erase"],
                 ["camera", "list"], ["camera", "snapshots"],
                 ["plugin", "list"],
                 ["playbook", "check"], ["playbook", "rules"], ["incident", "report"],
                 ["alarm", "list"], ["alarm", "ack"], ["audit", "key", "show"],
                 ["delivery", "list"], ["delivery", "check"], ["delivery", "split"],
                 ["notice", "draft"], ["notice", "update"], ["notice", "approve"],
                 ["notice", "publish"], ["notice", "cancel"], ["notice", "list"],
                 ["notice", "show"], ["notice", "preview"]]


def test_every_command_that_prints_data_takes_json(capsys) -> None:  # noqa: ANN001
    for path in DATA_COMMANDS:
        with pytest.raises(SystemExit):
            main([*path, "--help"])
        assert "--json" in capsys.readouterr().out, path


def test_json_outputs_parse(tmp_path, capsys) -> None:  # noqa: ANN001
    import json
    from pathlib import Path

    from core.centre import open_centre
    from core.profile import DatabaseKind

    url = f"sqlite:///{tmp_path / 'b.db'}"
    open_centre(url, city_scale="small", new_kind=DatabaseKind.DEMO).close()
    for argv in (["audit", "verify"], ["operator", "list"], ["hub", "token", "list"],
                 ["camera", "list"]):
        assert main([*argv, "--db", url, "--json"]) == 0
        json.loads(capsys.readouterr().out)
    scenario = Path(__file__).resolve().parents[2] / "scenarios" / "morning_rush.toml"
    drill_url = f"sqlite:///{tmp_path / 'drill.db'}"
    open_centre(drill_url, city_scale="small", demo=False, drill=True,
                new_kind=DatabaseKind.TRAINING).close()
    assert main(["drill", str(scenario), "--db", drill_url, "--json"]) == 0
    score = json.loads(capsys.readouterr().out)
    assert score["scenario"] == "Morning rush" and score["incidents"] > 0
