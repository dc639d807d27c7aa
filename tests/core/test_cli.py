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

    assert "newest schema" in out and f"schema:   {HEAD_REVISION}" in out


def test_operator_add_hashes_the_password_and_records_who(tmp_path, monkeypatch,  # noqa: ANN001
                                                          capsys) -> None:  # noqa: ANN001
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
    assert "at least 8 characters" in capsys.readouterr().err
    db = open_database(url)
    with db.session() as s:
        row = s.get(OperatorRow, "wang.fang")
        assert row is not None and "correct horse" not in row.password_hash
        assert check_password(row.password_hash, "correct horse battery")
        assert s.get(OperatorRow, "li") is None
        events = event_log.query(s)
    assert [(e.type, e.payload["username"]) for e in events] == [
        ("operator_created", "wang.fang")]
    assert "password" not in str(events[0].payload)
