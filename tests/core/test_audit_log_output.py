"""`beacon audit log`: says when a page is cut short and how to get the next one, and
prints outside text so that it cannot drive the terminal."""

from __future__ import annotations

import json

import pytest

from core.auth import Actor
from core.cli.main import main
from core.commands import ChangeUnitStatus
from core.domain.kinds import Role
from core.domain.lifecycle import UnitStatus
from core.service import CommandService
from core.store.database import open_database
from tests.core.helpers import DISPATCHER, seed_units

# What a scenario named like this made the drill's actor before names were checked.
FORGER = Actor("drill:x\x1b[2K\r      9  2026-03-01 08:00:00  root  operator_created",
               Role.DISPATCHER)


@pytest.fixture
def url(sqlite_url: str, sim_clock) -> str:  # noqa: ANN001
    db = open_database(sqlite_url)
    svc = CommandService(db, clock=sim_clock)
    seed_units(svc)  # event 1
    for n in range(2, 253):  # events 2..252
        status = UnitStatus.OUT_OF_SERVICE if n % 2 == 0 else UnitStatus.AVAILABLE
        svc.execute(ChangeUnitStatus("E1", status), DISPATCHER)
    svc.execute(ChangeUnitStatus("E2", UnitStatus.OUT_OF_SERVICE), FORGER)  # event 253
    db.dispose()
    return sqlite_url


def test_a_cut_page_says_so_and_pages_on(url: str, capsys) -> None:  # noqa: ANN001
    assert main(["audit", "log", "--db", url]) == 0
    out, err = capsys.readouterr()
    assert len(out.splitlines()) == 200
    assert err == "beacon: 200 events shown, more follow; next page: --after 200\n"
    assert main(["audit", "log", "--db", url, "--after", "200", "--limit", "50"]) == 0
    out, err = capsys.readouterr()
    seqs = [int(line.split()[0]) for line in out.splitlines()]
    assert seqs == list(range(201, 251))
    assert err.endswith("next page: --after 250\n")
    assert main(["audit", "log", "--db", url, "--after", "250", "--json"]) == 0
    out, err = capsys.readouterr()
    assert [json.loads(line)["seq"] for line in out.splitlines()] == [251, 252, 253]
    assert err == ""  # the last page: nothing more to say
    # Filters page the same way: a unit's trail.
    assert main(["audit", "log", "--db", url, "--unit", "E1", "--limit", "10",
                 "--json"]) == 0
    out, err = capsys.readouterr()
    assert len(out.splitlines()) == 10 and "next page: --after 11" in err


def test_outside_text_cannot_drive_the_terminal(url: str, capsys) -> None:  # noqa: ANN001
    assert main(["audit", "log", "--db", url, "--actor", FORGER.name]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\r" not in out
    assert len(out.splitlines()) == 1 and "drill:x\\x1b[2K\\x0d" in out
    assert main(["audit", "log", "--db", url, "--actor", FORGER.name, "--json"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and json.loads(out)["actor"] == FORGER.name
