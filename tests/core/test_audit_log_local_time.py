"""`beacon audit log` shows the centre's local time with its offset, reads times typed
without a zone in that zone, and names every unit an event concerns."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from core.centre import open_centre
from core.cli.main import main
from core.clock import SimulatedClock
from core.commands import AssignUnits, CreateIncident
from core.profile import DatabaseKind

LATE_CALL = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)


@pytest.fixture
def late_url(tmp_path) -> str:  # noqa: ANN001
    """A demo centre (Asia/Shanghai) with a call at 23:30 UTC sent two units."""
    url = f"sqlite:///{tmp_path / 'beacon.db'}"
    clock = SimulatedClock(LATE_CALL)
    centre = open_centre(url, clock=clock, city_scale="small", demo_incidents=False,
                         new_kind=DatabaseKind.DEMO)
    assert centre.city.time_zone == "Asia/Shanghai"
    iid = centre.service.execute(CreateIncident(
        type="structure_fire", x=300.0, y=300.0, address="1 Test Road"), centre.actor
    ).payload["id"]
    clock.advance(60)
    centre.service.execute(AssignUnits(iid, ("E1", "E2")), centre.actor)
    centre.close()
    return url


def _log(capsys, *argv: str) -> list[str]:  # noqa: ANN001
    assert main(["audit", "log", *argv]) == 0
    return capsys.readouterr().out.splitlines()


def test_a_call_at_2330_utc_reads_0730_the_next_day(late_url, capsys):  # noqa: ANN001
    lines = _log(capsys, "--db", late_url, "--incident", "INC-00001")
    assert "2026-03-02 07:30:00 UTC+08:00" in lines[0] and "incident_created" in lines[0]
    assert lines[1].rstrip().endswith("INC-00001 E1 E2")  # a multi-unit dispatch names both
    record = json.loads(_log(capsys, "--db", late_url, "--incident", "INC-00001",
                             "--json")[1])
    assert record["at"].startswith("2026-03-01T23:31:00") and record["units"] == ["E1", "E2"]
    assert record["local"].startswith("2026-03-02T07:31:00+08:00")


def test_times_typed_without_a_zone_are_local(late_url, capsys):  # noqa: ANN001
    got = _log(capsys, "--db", late_url, "--since", "2026-03-02T07:30:30")
    assert len(got) == 1 and "units_assigned" in got[0]
    got = _log(capsys, "--db", late_url, "--since", "2026-03-01T23:30:30+00:00")
    assert len(got) == 1  # an explicit zone is taken as given


def test_columns_stay_aligned_with_a_long_actor(late_url, capsys):  # noqa: ANN001
    from core.auth import Actor
    from core.commands import AddNote
    from core.domain.kinds import Role
    from core.service import CommandService
    from core.store.database import open_database

    CommandService(open_database(late_url)).execute(
        AddNote("INC-00001", "hello"), Actor("a.very.long.operator.name", Role.DISPATCHER))
    lines = _log(capsys, "--db", late_url, "--incident", "INC-00001")
    starts = {line.index(t) for line in lines
              for t in ("incident_created", "units_assigned", "note_added") if t in line}
    assert len(starts) == 1  # the type column starts at the same place on every line
