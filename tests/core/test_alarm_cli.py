"""`beacon alarm list / ack`: the waiting alarms from a terminal, acknowledged as a
signed-in operator whose role may."""

from __future__ import annotations

import json

import pytest

from core.centre import open_centre
from core.cli.main import main
from core.profile import DatabaseKind


@pytest.fixture
def demo_url(tmp_path) -> str:  # noqa: ANN001
    url = f"sqlite:///{tmp_path / 'beacon.db'}"
    open_centre(url, city_scale="small", new_kind=DatabaseKind.DEMO).close()  # P1 calls
    return url


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_list_then_acknowledge_as_the_demo_dispatcher(demo_url, capsys, monkeypatch) -> None:  # noqa: ANN001
    code, out, _ = _run(["alarm", "list", "--db", demo_url, "--json"], capsys)
    waiting = json.loads(out)
    assert code == 0 and waiting and all(a["kind"] == "p1_incident" for a in waiting)
    assert waiting[0]["raised_local"].endswith("+08:00")  # the centre's zone
    code, out, _ = _run(["alarm", "list", "--db", demo_url], capsys)
    assert code == 0 and "waiting" in out and waiting[0]["id"] in out
    monkeypatch.setenv("BEACON_PASSWORD", "beacon-demo")
    first = waiting[0]["id"]
    code, out, err = _run(["alarm", "ack", first, "--user", "demo", "--db", demo_url,
                           "--json"], capsys)
    assert code == 0, err
    assert json.loads(out)["alarms"] == [first] and json.loads(out)["by"] == "demo"
    code, out, _ = _run(["alarm", "list", "--db", demo_url, "--json"], capsys)
    assert first not in {a["id"] for a in json.loads(out)}
    code, out, _ = _run(["alarm", "list", "--all", "--db", demo_url], capsys)
    assert "acknowledged by demo" in out
    # Again, or an alarm that does not exist: one line, exit 2, nothing recorded.
    code, _, err = _run(["alarm", "ack", first, "--user", "demo", "--db", demo_url], capsys)
    assert code == 2 and "acknowledged already by demo" in err and err.count("\n") == 1
    code, _, err = _run(["alarm", "ack", "ALM-999999", "--user", "demo", "--db", demo_url],
                        capsys)
    assert code == 2 and "no alarm 'ALM-999999'" in err


def test_an_observer_may_not_acknowledge(demo_url, capsys, monkeypatch) -> None:  # noqa: ANN001
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("watcher-pass-1\n"))
    assert main(["operator", "add", "olga", "--role", "observer", "--password-stdin",
                 "--db", demo_url]) == 0
    capsys.readouterr()
    monkeypatch.setenv("BEACON_PASSWORD", "watcher-pass-1")
    code, out, _ = _run(["alarm", "list", "--db", demo_url, "--json"], capsys)
    first = json.loads(out)[0]["id"]
    code, _, err = _run(["alarm", "ack", first, "--user", "olga", "--db", demo_url], capsys)
    assert code == 2 and "observer" in err
