"""`beacon incident create / dispatch / types`: what scripts and client authors use."""

from __future__ import annotations

import io
import json

import pytest

from core.centre import open_centre
from core.cli.main import main
from core.store import event_log


@pytest.fixture
def demo_url(tmp_path) -> str:  # noqa: ANN001
    url = f"sqlite:///{tmp_path / 'beacon.db'}"
    from core.profile import DatabaseKind

    open_centre(url, city_scale="small", demo_incidents=False,
                new_kind=DatabaseKind.DEMO).close()
    return url


@pytest.fixture
def first_address(demo_url: str) -> str:
    from core.centre import load_city
    from core.store.database import open_database

    return load_city(open_database(demo_url)).addresses[5].text


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_create_then_dispatch_as_a_signed_in_operator(demo_url, first_address, capsys,  # noqa: ANN001
                                                      monkeypatch):
    monkeypatch.setenv("BEACON_PASSWORD", "beacon-demo")
    code, out, _ = _run(["incident", "create", "--db", demo_url, "--user", "demo",
                         "--type", "structure_fire", "--address", first_address, "--json"],
                        capsys)
    assert code == 0
    created = json.loads(out)
    assert created["id"] == "INC-00001" and created["priority"] == 1
    assert created["address"] == first_address and created["cell"]
    code, out, _ = _run(["incident", "dispatch", "--db", demo_url, "--user", "demo",
                         created["id"], "--unit", "E1", "--unit", "E2"], capsys)
    assert code == 0 and out.strip() == "INC-00001: dispatched E1, E2"
    from core.store.database import open_database

    db = open_database(demo_url)
    with db.session() as s:
        events = event_log.query(s, event_log.EventQuery(incident_id="INC-00001"))
        signins = event_log.query(s, event_log.EventQuery(type="operator_signed_in"))
    assert [e.type for e in events] == ["incident_created", "reference_code_issued",
                                        "units_assigned"]
    assert all(e.actor == "demo" for e in events)  # the operator, never "system"
    assert [e.payload["workstation"][:4] for e in signins[-2:]] == ["cli@", "cli@"]


def test_a_point_in_metres_takes_its_grid_cell(demo_url, capsys, monkeypatch):  # noqa: ANN001
    monkeypatch.setenv("BEACON_PASSWORD", "beacon-demo")
    code, out, _ = _run(["incident", "create", "--db", demo_url, "--user", "demo",
                         "--type", "medical", "--at", "450,700", "--json"], capsys)
    assert code == 0
    created = json.loads(out)
    assert (created["x"], created["y"]) == (450.0, 700.0) and created["cell"]


def test_password_from_stdin(demo_url, capsys, monkeypatch):  # noqa: ANN001
    monkeypatch.delenv("BEACON_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO("beacon-demo\n"))
    code, out, _ = _run(["incident", "create", "--db", demo_url, "--user", "demo",
                         "--password-stdin", "--type", "medical", "--at", "450,700"], capsys)
    assert code == 0 and out.startswith("INC-00001 created: medical P1")


@pytest.mark.parametrize("argv, env, needle", [
    (["--type", "fire", "--at", "1,1"], "beacon-demo", "unknown incident type 'fire'"),
    (["--type", "medical", "--at", "1e308,5"], "beacon-demo", "is outside"),
    (["--type", "medical", "--at", "nan,5"], "beacon-demo", "not a point"),
    (["--type", "medical", "--address", "1 Nowhere Street"], "beacon-demo",
     "no such address"),
    (["--type", "medical", "--at", "1,1"], "wrong-password", "wrong password"),
    (["--type", "medical", "--at", "1,1"], None, "set BEACON_PASSWORD"),
])
def test_mistakes_are_one_line_and_record_nothing(demo_url, capsys, monkeypatch, argv, env,  # noqa: ANN001
                                                  needle):
    if env is None:
        monkeypatch.delenv("BEACON_PASSWORD", raising=False)
    else:
        monkeypatch.setenv("BEACON_PASSWORD", env)
    code, out, err = _run(["incident", "create", "--db", demo_url, "--user", "demo", *argv],
                          capsys)
    assert code == 2 and needle in err and err.count("\n") == 1 and out == ""
    from core.store.database import open_database

    with open_database(demo_url).session() as s:
        assert not event_log.query(s, event_log.EventQuery(type="incident_created"))


def test_an_observer_may_not_dispatch(demo_url, capsys, monkeypatch):  # noqa: ANN001
    from core.auth import SYSTEM
    from core.commands import CreateOperator
    from core.domain.kinds import Role
    from core.service import CommandService
    from core.store.database import open_database

    CommandService(open_database(demo_url)).execute(
        CreateOperator("olga", "Olga", Role.OBSERVER, "watching-only-1"), SYSTEM)
    monkeypatch.setenv("BEACON_PASSWORD", "watching-only-1")
    code, _, err = _run(["incident", "create", "--db", demo_url, "--user", "olga",
                         "--type", "medical", "--at", "450,700"], capsys)
    assert code == 2 and "may not" in err


def test_types_lists_every_type(capsys):  # noqa: ANN001
    code, out, _ = _run(["incident", "types", "--json"], capsys)
    types = {t["type"] for t in json.loads(out)}
    assert code == 0 and {"structure_fire", "medical"} <= types
