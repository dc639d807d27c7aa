"""The command line as someone who never read the code meets it: every argument is
explained in `--help`, and a mistake says what to do next, in the user's own words
(the flag they typed, the command that makes what is missing)."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import pytest

from core.cli.main import build_parser, main


def _arguments_without_help() -> list[str]:
    missing: list[str] = []

    def walk(parser: argparse.ArgumentParser, prefix: list[str]) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    walk(sub, [*prefix, name])
            elif not action.help and not isinstance(action, argparse._HelpAction):
                missing.append(f"beacon {' '.join(prefix)} {action.option_strings or action.dest}")

    walk(build_parser(), [])
    return missing


def test_every_argument_of_every_command_is_explained() -> None:
    assert _arguments_without_help() == []


def _err(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


def test_no_database_yet_says_how_to_make_one(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    assert main(["db", "info", "--db", f"sqlite:///{tmp_path / 'none.db'}"]) == 2
    err = _err(capsys)
    assert "no database at" in err and "beacon city demo" in err
    assert not (tmp_path / "none.db").exists()


@pytest.fixture(scope="module")
def city_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('newcomer') / 'c.db'}"
    assert main(["city", "demo", "--small", "--db", url]) == 0
    return url


@pytest.mark.parametrize(("argv", "says"), [
    (["camera", "add", "X2", "--name", "n", "--url", "http://a/b", "--at", "1,2",
      "--heading", "400"], "--heading must be from 0 to below 360 degrees"),
    (["camera", "add", "X2", "--name", "n", "--url", "http://a/b", "--at", "1,2",
      "--fov", "0"], "--fov must be above 0"),
    (["camera", "add", "X 2", "--name", "n", "--url", "http://a/b", "--at", "1,2"],
     "the camera id must be 1-32 letters"),
    (["camera", "move", "CAM-001", "--at", "1,2", "--heading", "-1"], "--heading must be"),
])
def test_a_bad_camera_value_names_the_flag(city_url: str, argv: list[str], says: str,
                                           capsys) -> None:  # noqa: ANN001
    capsys.readouterr()
    assert main([*argv, "--db", city_url]) == 2
    err = _err(capsys)
    assert says in err and "_deg" not in err and "camera_id" not in err


def test_a_token_for_an_unknown_unit_says_where_units_come_from(city_url: str,
                                                                capsys) -> None:  # noqa: ANN001
    capsys.readouterr()
    assert main(["hub", "token", "create", "--unit", "NOPE", "--db", city_url]) == 2
    err = _err(capsys)
    assert "no unit 'NOPE'" in err and "'beacon city demo'" in err


def test_an_empty_operator_list_says_so(city_url: str, capsys) -> None:  # noqa: ANN001
    capsys.readouterr()
    assert main(["operator", "list", "--db", city_url]) == 0
    out, err = capsys.readouterr()
    assert out == "" and "no operators" in err and "beacon operator add" in err
    assert main(["operator", "list", "--json", "--db", city_url]) == 0
    assert capsys.readouterr().out.strip() == "[]"


def test_operator_add_example_in_its_help_runs(city_url: str, monkeypatch,
                                               capsys) -> None:  # noqa: ANN001
    with pytest.raises(SystemExit):
        main(["operator", "add", "--help"])
    assert "beacon operator add dana --role dispatcher" in " ".join(
        capsys.readouterr().out.split())  # argparse wraps the description
    monkeypatch.setattr("sys.stdin", io.StringIO("dana-password-1\n"))
    assert main(["operator", "add", "dana", "--role", "dispatcher", "--name", "Dana Li",
                 "--password-stdin", "--db", city_url]) == 0


@pytest.mark.parametrize(("extra", "says"), [
    (["--seeds", "3"], "--seeds goes with --compare"),
    (["--compare", "closest,optimizer", "--seed", "4"], "leave out --seed"),
    (["--compare", "closest,optimizer", "--policy", "closest"], "leave out --policy"),
])
def test_a_drill_flag_that_would_be_ignored_is_refused(extra: list[str], says: str,
                                                        capsys) -> None:  # noqa: ANN001
    scenario = Path(__file__).resolve().parents[2] / "scenarios" / "morning_rush.toml"
    assert main(["drill", str(scenario), "--check", *extra]) == 2
    assert says in _err(capsys)


def test_registry_list_names_a_typo_in_the_cell_and_says_when_it_cut(
        city_url: str, tmp_path: Path, capsys) -> None:  # noqa: ANN001
    things = tmp_path / "things.csv"
    things.write_text("id,type,x,y\nT-1,hydrant,100,100\nT-2,aed,110,100\n", encoding="utf-8")
    assert main(["registry", "import", str(things), "--kind", "thing", "--db", city_url]) == 0
    capsys.readouterr()
    assert main(["registry", "list", "--kind", "thing", "--cell", "NOPE",
                 "--db", city_url]) == 2
    assert "--cell 'NOPE' is not a grid cell of the city" in _err(capsys)
    assert main(["registry", "list", "--kind", "thing", "--limit", "1", "--json",
                 "--db", city_url]) == 0
    out, err = capsys.readouterr()
    assert [json.loads(line)["id"] for line in out.splitlines()] == ["T-1"]
    assert "more follow" in err
    assert main(["registry", "list", "--kind", "organisation", "--db", city_url]) == 0
    out, err = capsys.readouterr()
    assert out == "" and "no organisation records" in err
    with pytest.raises(SystemExit) as info:
        main(["registry", "list", "--kind", "thing", "--limit", "0", "--db", city_url])
    assert info.value.code == 2


def test_db_info_json_says_what_the_text_says_of_the_kind(tmp_path: Path,
                                                          capsys) -> None:  # noqa: ANN001
    url = f"sqlite:///{tmp_path / 't.db'}"
    assert main(["city", "demo", "--small", "--db", url]) == 0
    assert main(["db", "set-kind", "training", "--db", url]) == 0
    capsys.readouterr()
    assert main(["db", "info", "--json", "--db", url]) == 0
    info = json.loads(capsys.readouterr().out)
    assert (info["kind"], info["labelled"], info["clock"]) == ("training", True, "wall")
    assert info["exercise"] is None and info["city"]["name"].startswith("Qinghe")


def test_audit_key_show_prints_json_for_scripts(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    key = tmp_path / "keys" / "k.key"
    assert main(["audit", "key", "create", "--key", str(key)]) == 0
    capsys.readouterr()
    assert main(["audit", "key", "show", "--key", str(key), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["key"] == str(key) and len(shown["id"]) == 16
    assert shown["public_key"].startswith("-----BEGIN PUBLIC KEY-----")


def test_a_refusal_names_the_roles_that_may_in_plain_words() -> None:
    from core.auth import Actor, Role, require
    from core.errors import PermissionDenied

    with pytest.raises(PermissionDenied) as one:
        require(Actor("dana", Role.DISPATCHER), "registry_search")
    assert str(one.value) == "dana (dispatcher) may not do this: it needs the role supervisor"
    with pytest.raises(PermissionDenied) as many:
        require(Actor("olga", Role.OBSERVER), "dispatch")
    assert str(many.value).endswith("one of the roles commander, dispatcher or supervisor")
