"""Record one example of every event type into a fresh database and dump the rows.

Run once per envelope or schema version, and keep the output forever:
`python -m tests.core.data.record_examples OUT.json`. The files it wrote are recordings
of what Beacon stored at that time; tests replay and verify them as they are, so a
change that can no longer read an old event fails. Never edit or regenerate an existing
recording: add a new one beside it (see "The event envelope" in docs/architecture.md).
"""

from __future__ import annotations

import json
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import inspect, text

from core.auth import SYSTEM, Actor
from core.clock import SimulatedClock
from core.commands import (
    AddNote,
    AssignUnits,
    AttachCall,
    ChangeIncidentStatus,
    ChangePriority,
    ChangeUnitStatus,
    CreateIncident,
    CreateOperator,
    EraseCallerData,
    RecordCityLoaded,
    RegisterUnits,
    ReportPosition,
    SendMessage,
    SignIn,
)
from core.domain.kinds import Role
from core.domain.lifecycle import IncidentStatus, UnitStatus
from core.service import CommandService
from core.store.batch_writer import BatchWriter
from core.store.database import open_database

START = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
DISPATCHER = Actor("alice", Role.DISPATCHER)
SUPERVISOR = Actor("sam", Role.SUPERVISOR)
UNITS = [
    {"id": "E1", "kind": "fire_engine", "station": "F1", "x": 0.0, "y": 0.0},
    {"id": "A1", "kind": "ambulance", "station": "M1", "x": 500.0, "y": 500.0},
]


def record(url: str) -> None:
    """The example scenario: one event of every type (extend it, never reorder it)."""
    db = open_database(url)
    clock = SimulatedClock(START)
    svc = CommandService(db, clock=clock)

    def run(command: object, actor: Actor = DISPATCHER) -> None:
        clock.advance(5)
        svc.execute(command, actor)  # type: ignore[arg-type]

    run(CreateOperator("sam", "Sam Chen", Role.SUPERVISOR, "password-123"), SYSTEM)
    run(SignIn("sam", "password-123", workstation="ws-1"), SYSTEM)
    run(RecordCityLoaded("Example", "demo", b"example city data", {"units": 2}), SYSTEM)
    run(RegisterUnits(UNITS), SYSTEM)
    run(CreateIncident(type="structure_fire", x=100.0, y=120.0, address="12 Heping Road",
                       caller_name="Li Wei", callback_number="+86 138 0000 1234",
                       description="smoke from a kitchen"))
    run(AttachCall("INC-00001", caller_name="Wang Fang", callback_number="+86 139 5555 0101",
                   description="flames visible"))
    run(AddNote("INC-00001", "gas main nearby"))
    run(ChangePriority("INC-00001", 2))
    run(AssignUnits("INC-00001", ("E1", "A1"), {"E1": 240.0}))
    run(ChangeUnitStatus("E1", UnitStatus.ON_SCENE))
    run(ReportPosition("A1", 300.0, 320.0))
    run(SendMessage("check the rear exit", to_unit="E1", incident_id="INC-00001"))
    run(ChangeIncidentStatus("INC-00001", IncidentStatus.RESOLVED, reason="fire out"))
    # No command emits this type any more, but the projection still reads it.
    clock.advance(5)
    with db.write_connection() as conn:
        writer = BatchWriter(conn)
        writer.append(at=clock.now(), actor="alice", type_="incident_level_changed",
                      payload={"incident_id": "INC-00001", "level": 2},
                      incident_id="INC-00001")
        writer.finish()
    # Added with envelope 2 (events_envelope1.json was recorded before these existed).
    run(CreateIncident(type="medical", x=400.0, y=80.0, address="3 Zhongshan Road",
                       caller_name="Zhao Min", callback_number="+86 137 2222 0303"))
    run(AttachCall("INC-00002", caller_name="Zhao Min", callback_number="+86 137 2222 0303",
                   description="still breathing"))
    run(EraseCallerData("INC-00002", reason="request 2026-12-01"), SUPERVISOR)
    run(CreateIncident(type="medical", x=410.0, y=90.0, address="5 Zhongshan Road"))
    # Added with sign-in hardening and event-sourced tokens.
    from core.commands.operators import RecordFailedSignIn
    from core.hub.tokens import CreateToken, RevokeToken

    run(RecordFailedSignIn("sam", "ws-2", True), Actor("unverified:sam", Role.OBSERVER))
    run(CreateToken("unit", "E1", "0a1b2c3d", "cd" * 32), SYSTEM)
    run(RevokeToken("0a1b2c3d"), SYSTEM)
    # Added with database kinds and exercises.
    from core.commands import SetDatabaseKind, StartExercise

    run(SetDatabaseKind("training", "ws-1"), SUPERVISOR)
    run(StartExercise("Harbour exercise", 5.0), SUPERVISOR)
    # Added with playbooks (预案) and joint decisions (会商).
    from core.decisions.commands import CommentProposal, RaiseProposal, VoteProposal
    from core.decisions.effects import decide_proposal
    from core.playbooks.commands import ActivatePlaybook, SkipStep, TickStep
    from core.playbooks.format import default_folder, load_playbook

    commander = Actor("chen", Role.COMMANDER)
    gas = load_playbook(default_folder() / "gas_leak.toml")
    run(CreateIncident(type="gas_leak", x=200.0, y=220.0, address="8 Jiefang Road",
                       description="smell of gas in the stairwell"))
    run(ActivatePlaybook("INC-00004", gas))
    run(TickStep("INC-00004", "caller_safety_advice"))
    run(SkipStep("INC-00004", "gas_company", "the gas company is already on its way"))
    run(RaiseProposal("INC-00004", "fire", "level", "leak confirmed on two floors",
                      {"level": "III"}))
    run(CommentProposal("P-00001", "community", "grid worker ready to knock on doors"))
    run(VoteProposal("P-00001", "police", True))
    clock.advance(5)
    decide_proposal(svc, "P-00001", "commander", True, commander)
    db.dispose()


def dump(url: str) -> dict[str, list[dict[str, object]]]:
    """Every row of the log's tables, exactly as stored."""
    db = open_database(url, upgrade=False)
    tables = [t for t in ("events", "event_personal") if inspect(db.engine).has_table(t)]
    out: dict[str, list[dict[str, object]]] = {}
    with db.engine.connect() as conn:
        for table in tables:
            key = "seq"
            rows = conn.execute(text(f"SELECT * FROM {table} ORDER BY {key}")).mappings()
            out[table] = [dict(r) for r in rows]
    db.dispose()
    return out


def main(out: str) -> None:
    """Record the scenario into a scratch SQLite file and write its rows to `out`."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'examples.db'}"
        record(url)
        Path(out).write_text(json.dumps(dump(url), indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
