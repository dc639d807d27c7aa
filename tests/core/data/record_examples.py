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
    RelocateUnit,
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
    # Added with the community registry.
    from core.registry.commands import (
        ErasePerson,
        RecordPerson,
        RecordRegistryItems,
        VerifyRecord,
        ViewPeople,
    )

    at = {"cell": "C-1", "worker": "G1", "x": 100.0, "y": 120.0}
    run(RecordRegistryItems("building", ({
        "id": "B-1", **at, "data": {"address": "12 Heping Road", "floors": 6},
        "verified_at": "2026-02-01T08:00:00+00:00", "verified_by": "G1"},),
        source="buildings.csv"), SUPERVISOR)
    run(RecordRegistryItems("household", (
        {"id": "H-1", **at, "data": {"building": "B-1", "flat": "3-02", "occupants": 2}},)),
        SUPERVISOR)
    for pid, name in (("P-1", "Zhao Minghui"), ("P-2", "Qian Li")):
        run(RecordPerson({"id": pid, **at, "data": {"household": "H-1"}, "personal": {
            "name": name, "contact": "+86 139 0000 0001", "flags": ["wheelchair"],
            "note": "ramp at the back door", "basis": "consent"}}), SUPERVISOR)
    run(VerifyRecord("B-1", {"hazards": "gas cylinders on the ground floor"}), SUPERVISOR)
    run(ViewPeople(("P-1",), "show", "welfare request 12"), SUPERVISOR)
    run(ErasePerson("P-2", "erasure request 3"), SUPERVISOR)
    from core.registry.evacuation_commands import (
        AssignEvacuationHelper,
        CheckHousehold,
        EndEvacuation,
        StartEvacuation,
    )

    run(CreateIncident(type="flood", x=100.0, y=120.0, address="12 Heping Road"))
    run(StartEvacuation("INC-00004", ("C-1",)))
    run(RegisterUnits([{"id": "G1", "kind": "grid_worker", "station": "C-1", "x": 90.0,
                        "y": 110.0}]), SYSTEM)
    run(AssignEvacuationHelper("EVAC-0001", "G1"))
    run(CheckHousehold("EVAC-0001", "H-1", "needs_help", "wheelchair, stairs"))
    run(EndEvacuation("EVAC-0001"))
    # Added with alarms: a new priority-1 incident raises its alarm (alarm_raised right
    # after incident_created), a unit's emergency, the escalation, the acknowledgement
    # and a workstation's mute.
    from core.commands import (
        AcknowledgeAlarms,
        EscalateAlarm,
        ReportEmergency,
        SetAlarmSoundMuted,
    )

    run(CreateIncident(type="structure_fire", x=200.0, y=220.0, address="8 Harbour Road"))
    run(ReportEmergency("A1", "crew assaulted", x=300.0, y=320.0),
        Actor("unit:A1", unit_id="A1"))
    alarms = sorted(svc.state().alarms)
    clock.advance(120)
    run(EscalateAlarm(alarms[0], 120.0), SYSTEM)
    run(AcknowledgeAlarms(tuple(alarms)), SUPERVISOR)
    run(SetAlarmSoundMuted(True, "ws-1"))
    # Added with the camera registry and evidence.
    from core.commands import (
        AddCamera,
        DisableCamera,
        EnableCamera,
        ImportCameras,
        MoveCamera,
        RecordSnapshot,
        UpdateCamera,
    )

    run(AddCamera("CAM-1", "Heping Road / 1st Street", 120.0, 130.0, None,
                  "rtsp://***@10.0.0.7:554/stream1", "traffic", 90.0, 60.0,
                  credentials=True), SUPERVISOR)
    run(ImportCameras((
        {"camera_id": "CAM-2", "name": "Zhongshan Road", "x": 400.0, "y": 100.0,
         "cell": None, "url": "http://cams.example/live/2.ts?token=***", "agency": "city",
         "credentials": True},
        {"camera_id": "CAM-3", "name": "Station 1", "x": 0.0, "y": 0.0, "cell": None,
         "url": "demo://CAM-3", "agency": "fire"}), source="cameras.csv"), SUPERVISOR)
    run(MoveCamera("CAM-1", 140.0, 150.0, None, heading_deg=180.0), SUPERVISOR)
    run(UpdateCamera("CAM-2", name="Zhongshan Road east", url="http://cams.example/live/2b.ts",
                     credentials=False), SUPERVISOR)
    run(DisableCamera("CAM-2", "lens broken"), SUPERVISOR)
    run(EnableCamera("CAM-2"), SUPERVISOR)
    run(RecordSnapshot("INC-00001", "CAM-1", "INC-00001_CAM-1_20260301T080000000000Z.png",
                       "ab" * 32))
    # Added with data-source plugins.
    from core.commands import (
        ClearSensorIncident,
        RaiseSensorIncident,
        ReportSilentSensor,
        SetPluginEnabled,
        UpdateSensorIncident,
    )

    plugin = Actor("plugin:mqtt_sensors", Role.DISPATCHER)
    run(SetPluginEnabled("mqtt_sensors", False, reason="maintenance"), SUPERVISOR)
    run(RaiseSensorIncident("mqtt_sensors", "river-1", "water_level", 4.2, "m", "flood",
                            200.0, 300.0), plugin)
    run(UpdateSensorIncident("mqtt_sensors", "river-1", 4.5, "m"), plugin)
    run(ClearSensorIncident("mqtt_sensors", "river-1", 2.0, "m"), plugin)
    run(ReportSilentSensor("mqtt_sensors", "river-1", 300.0), plugin)
    from core.commands.plugins import ReportSensorResumed

    run(ReportSensorResumed("mqtt_sensors", "river-1"), plugin)
    from core.commands.plugins import RecordCapAlert

    run(RecordCapAlert("cap_feed", {
        "identifier": "KSTO1055887203", "sender": "KSTO@NWS.NOAA.GOV",
        "sent": "2003-06-17T14:57:00-07:00", "status": "Actual", "msg_type": "Alert",
        "event": "SEVERE THUNDERSTORM", "severity": "Severe", "urgency": "Immediate",
        "certainty": "Observed", "headline": "SEVERE THUNDERSTORM WARNING",
        "expires": "2003-06-17T16:00:00-07:00", "areas": ["SOUTHWESTERN ALPINE COUNTY"],
        "references": []}), Actor("plugin:cap_feed", Role.DISPATCHER))
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
    # Added with road closures: an accepted decision closes a road (its example city
    # has no readable road names, so the name is recorded as given); a reopen by hand.
    run(RaiseProposal("INC-00004", "police", "close_road", "gas main under the road",
                      {"road": "Jiefang Road"}))
    decide_proposal(svc, "P-00002", "commander", True, commander)
    from core.roads.closure_commands import ReopenRoad

    run(ReopenRoad("Jiefang Road", "gas main repaired"))
    # Added with public notices (CAP 1.2).
    from core.notices.commands import (
        ApproveNotice,
        CancelNotice,
        DraftNotice,
        NoticeContent,
        PublishNotice,
    )

    texts = {"zh-CN": {"headline": "燃气泄漏，请远离解放路8号",
                       "description": "解放路8号燃气泄漏。", "instruction": "请勿使用明火。"},
             "en-US": {"headline": "Gas leak: keep away from 8 Jiefang Road",
                       "description": "Gas is leaking at 8 Jiefang Road.",
                       "instruction": "No open flames."}}
    polygon = ("30.650000,103.800000 30.650000,103.801000 30.651000,103.801000 "
               "30.651000,103.800000 30.650000,103.800000")
    run(DraftNotice(NoticeContent(
        event="Gas leak", urgency="Immediate", severity="Severe", certainty="Observed",
        texts=texts, areas=({"cell": "C-0-0", "description": "Cell C-0-0",
                             "polygon": polygon, "geocodes": []},),
        onset="2026-03-01T09:00:00+00:00", expires="2026-03-01T15:00:00+00:00",
        incident_id="INC-00004")))
    run(ApproveNotice("N-00001"), SUPERVISOR)
    run(PublishNotice("N-00001"))
    run(CancelNotice("N-00001", "leak stopped"))
    # Added with the public service: a caller's reference code (its hash only).
    from core.public.commands import IssueReferenceCode

    run(IssueReferenceCode("INC-00004", "ab" * 32))
    # Added with move-ups: an idle unit moved up to another station to cover.
    run(RelocateUnit("E1", "M1", 500.0, 500.0, "cover of M1's area", eta_s=90.0))
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
