"""Evacuating a cell: grid workers check households off over the real hub, the board
follows, households with people who need help first; a worker outside the cell is
refused until a dispatcher assigns them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from core.auth import Actor
from core.commands import CreateIncident
from core.domain.kinds import Role
from core.errors import ValidationError
from core.field.client import FieldClient
from core.hub.console_link import ConsoleLink
from core.hub.link import HubRefused
from core.hub.protocol import FEATURE_HOUSEHOLD_CHECK
from core.hub.tokens import create_token
from core.registry import access
from core.registry.evacuation_commands import AssignEvacuationHelper, StartEvacuation
from core.registry.importer import import_file
from core.service import CommandService
from core.store.database import open_database
from tests.hub.helpers import run, run_in_thread, start_hub, take

ADMIN = Actor("cli:test", Role.SUPERVISOR)
DISPATCHER = Actor("dana", Role.DISPATCHER)


@pytest.fixture
def template(small_city_template: Path, small_city) -> tuple[Path, object]:  # noqa: ANN001
    """The session's small-city database (copied below) and its city (tests/conftest.py)."""
    return small_city_template, small_city


def _csv(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_grid_workers_check_households_off_over_the_hub_and_the_board_follows(
        template: tuple[Path, object], tmp_path: Path) -> None:
    path, city = template
    shutil.copy(path, tmp_path / "c.db")
    url = f"sqlite:///{tmp_path / 'c.db'}"
    svc = CommandService(open_database(url))
    cell = city.cells[0]
    here = [a for a in city.addresses if a.cell_code == cell.code][:3]
    other_cell = next(c for c in city.cells if c.worker_unit_code != cell.worker_unit_code)
    files = {
        "building": ["id,address,floors", *(f"B-{n},{a.text},5" for n, a in enumerate(here))],
        "household": ["id,building,flat", "H-0,B-0,1-01", "H-1,B-1,2-01", "H-2,B-2,3-01",
                      "H-3,B-2,4-01"],
        "person": ["id,household,name,flags,basis", "P-1,H-2,Zhao Minghui,wheelchair,consent",
                   "P-2,H-3,Qian Li,,consent"],
    }
    for kind, lines in files.items():
        result = import_file(svc, city, ADMIN, _csv(tmp_path / f"{kind}.csv", lines), kind)
        assert result.recorded == len(lines) - 1, result.bad
    a = here[0]
    incident = svc.execute(CreateIncident(type="flood", x=a.x, y=a.y, address=a.text,
                                          cell_code=a.cell_code), DISPATCHER).payload["id"]
    mine, stranger = cell.worker_unit_code, other_cell.worker_unit_code
    tokens = {u: create_token(svc.db, "unit", u)[1] for u in (mine, stranger)}
    svc.execute(_operator(), Actor("system", Role.SUPERVISOR))
    console_token = create_token(svc.db, "operator", "dana")[1]

    evac: dict = {}

    def _start(service: CommandService) -> dict:
        started = service.execute(StartEvacuation(incident, (cell.code,)), DISPATCHER).payload
        assert started["households"] == ["H-0", "H-1", "H-2", "H-3"]
        assert started["workers"] == [cell.worker_unit_code]
        with pytest.raises(ValidationError, match="already being evacuated"):
            service.execute(StartEvacuation(incident, (cell.code,)), DISPATCHER)
        _, rows = access.board_for(service, DISPATCHER, started["evacuation_id"])
        # The household with a wheelchair user comes first, before anyone is checked.
        assert rows[0].household_id == "H-2" and rows[0].flags == ("wheelchair",)
        assert all(r.result is None for r in rows)
        return started

    async def body() -> None:
        hub, base = await start_hub(url)
        worker = FieldClient(base, mine, tokens[mine], backoff_min=0.05)
        helper = FieldClient(base, stranger, tokens[stranger], backoff_min=0.05)
        console = ConsoleLink(base, console_token, backoff_min=0.05)
        try:
            for c in (worker, helper, console):
                await c.start()
                await c.wait_for_state(c.state.CONNECTED)
            evac.update(await run_in_thread(_start, hub.service))
            assert FEATURE_HOUSEHOLD_CHECK in worker.welcome.get("features", [])
            eid = evac["evacuation_id"]
            # The cell's grid worker is told of the evacuation and where its households are.
            told = (await take(worker.inbox, 1))[0]
            assert (told["type"], told["change"]) == ("incident_update", "evacuation_started")
            assert told["payload"]["addresses"]["H-2"] == f"{here[2].text}, flat 3-01"
            ok = await worker.check_household(eid, "H-2", "needs_help", "carry chair down")
            assert ok["type"] == "ack"
            with pytest.raises(HubRefused, match="not assigned to EVAC-0001"):
                await helper.check_household(eid, "H-0", "evacuated")
            await run_in_thread(hub.service.execute,
                                AssignEvacuationHelper(eid, stranger), DISPATCHER)
            told = (await take(helper.inbox, 1))[0]
            assert told["change"] == "evacuation_helper_assigned"
            assert sorted(told["payload"]["addresses"]) == ["H-0", "H-1", "H-2", "H-3"]
            assert (await helper.check_household(eid, "H-0", "evacuated"))["type"] == "ack"
            seen = []
            while len([e for e in seen if e.type == "household_checked"]) < 2:
                seen.append(await console.next_event(timeout=5))
            checked = [e for e in seen if e.type == "household_checked"]
            assert [(e.actor, e.payload["household_id"]) for e in checked] == [
                (f"unit:{mine}", "H-2"), (f"unit:{stranger}", "H-0")]
        finally:
            for c in (worker, helper, console):
                await c.close()
            await hub.stop()

    run(body())
    evacuation, rows = access.board_for(svc, DISPATCHER, evac["evacuation_id"])
    by_id = {r.household_id: r for r in rows}
    assert by_id["H-2"].result == "needs_help" and by_id["H-2"].note == "carry chair down"
    assert by_id["H-0"].result == "evacuated" and by_id["H-0"].checked_by == f"unit:{stranger}"
    assert rows[0].household_id == "H-2"  # still first: someone there needs help
    # Then the unchecked households, the checked one last.
    assert {r.household_id for r in rows[1:3]} == {"H-1", "H-3"}
    assert rows[-1].household_id == "H-0"
    svc.db.dispose()


def _operator():  # noqa: ANN202
    from core.commands import CreateOperator

    return CreateOperator("dana", "Dana", Role.DISPATCHER, "password-123")
