"""The console survives a damaged log: a write is refused with the reason, not a crash."""

from __future__ import annotations

from sqlalchemy import text

from console.command_runner import CommandRunner
from core.commands import ChangeUnitStatus
from core.domain.lifecycle import UnitStatus
from core.service import CommandService
from core.store.database import open_database
from core.store.event_log import LogHeadMissing
from tests.core.helpers import DISPATCHER, seed_units


def test_a_missing_log_head_is_a_refusal_in_the_console(qtbot, sqlite_url: str,  # noqa: ANN001
                                                        sim_clock) -> None:  # noqa: ANN001
    db = open_database(sqlite_url)
    svc = CommandService(db, clock=sim_clock)
    seed_units(svc)
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM log_head"))
    runner = CommandRunner(svc, DISPATCHER)
    with qtbot.waitSignal(runner.refused, timeout=5000) as refused:
        assert runner.run(ChangeUnitStatus("E1", UnitStatus.OUT_OF_SERVICE)) is None
    assert isinstance(refused.args[0], LogHeadMissing)
    assert "log_head" in str(refused.args[0])
    db.dispose()
