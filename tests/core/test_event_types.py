"""The event envelope: every event type registered with a version, every recorded example
still verifies and replays, and older versions are upcast before they are applied.

The recordings in tests/core/data/ are what Beacon stored at the time (envelope 1: before
versions existed, recorded by the code of that day; envelope 2: since). They are never
edited: a change that can no longer verify or read them fails here.
"""

from __future__ import annotations

import ast
import copy
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, update

import core
from core import event_types
from core.domain import state as projection
from core.domain.lifecycle import IncidentStatus, UnitStatus
from core.domain.state import State
from core.event_types import ERASED, EVENT_TYPES, EventType, upcast
from core.events import Event
from core.service import replay
from core.store import event_log
from core.store.database import Database, open_database
from core.store.schema import EventPersonalRow, EventRow, LogHeadRow

DATA = Path(__file__).with_name("data")
# Oldest first. A new type or version adds a file at the end (record_examples.py); the
# last one must hold every registered type at its current version.
RECORDINGS = ["events_envelope1.json", "events_envelope2.json", "events_envelope3.json",
              "events_envelope4.json", "events_envelope5.json"]
CORE = Path(core.__file__).parent


# -- the registry is complete -------------------------------------------------------------

def _emitted_types() -> dict[str, str]:
    """Every event type the code can emit: `Decision("type", ...)` and `type_="type"`
    arguments anywhere under core/ (type -> where). Fails on a computed type."""
    found: dict[str, str] = {}
    for path in sorted(CORE.rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            candidates: list[ast.expr] = []
            if name == "Decision" and node.args:
                candidates.append(node.args[0])
            candidates += [k.value for k in node.keywords if k.arg in ("type_",)]
            if name == "Decision":
                candidates += [k.value for k in node.keywords if k.arg == "type"]
            for arg in candidates:
                where = f"{path.relative_to(CORE.parent)}:{node.lineno}"
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.setdefault(arg.value, where)
                elif name == "Decision":
                    pytest.fail(f"{where}: an event type must be a literal string, so this "
                                "test can check it is registered")
    return found


def test_every_event_type_the_code_emits_is_registered() -> None:
    emitted = _emitted_types()
    assert len(emitted) >= 14, "the scan found too few event types: is it still working?"
    missing = {t: where for t, where in emitted.items() if t not in EVENT_TYPES}
    assert not missing, ("register these event types in core/event_types.py (version, "
                         f"personal fields): {missing}")


def test_the_projection_knows_every_registered_type_and_nothing_else() -> None:
    known = projection.STATE_EVENTS | projection.PASSIVE_EVENTS
    assert set(EVENT_TYPES) - known == set(), "add a handler or list it in PASSIVE_EVENTS"
    assert known - set(EVENT_TYPES) == set(), "register it in core/event_types.py"


def test_every_older_version_has_an_upcaster() -> None:
    for spec in EVENT_TYPES.values():
        for v in range(1, spec.version):
            assert (spec.name, v) in event_types.UPCASTERS, (
                f"{spec.name} is at version {spec.version}: register an upcaster from {v}")


def test_an_unregistered_type_cannot_be_recorded() -> None:
    with pytest.raises(ValueError, match="not registered"):
        event_log.new_event("0" * 64, 1, at=datetime(2026, 3, 1, tzinfo=UTC), actor="a",
                            type_="thing_happened", payload={})


def test_the_version_is_stored_and_hashed() -> None:
    at = datetime(2026, 3, 1, tzinfo=UTC)
    event, row = event_log.new_event("0" * 64, 1, at=at, actor="a", type_="note_added",
                                     payload={"incident_id": "INC-00001", "text": "x"})
    assert event.v == row["v"] == EVENT_TYPES["note_added"].version
    stored = EventRow(**{k: v for k, v in row.items() if k != "personal"})
    assert event_log.row_hash(stored) == event.hash
    stored.v = event.v + 1
    assert event_log.row_hash(stored) != event.hash


# -- the recordings verify and replay ------------------------------------------------------

def load_recording(db: Database, name: str) -> list[dict[str, Any]]:
    """Put a recording's rows into `db` exactly as they were stored; returns the events."""
    data = json.loads((DATA / name).read_text())
    with db.engine.begin() as conn:
        conn.execute(insert(EventRow.__table__), [
            {"v": None, "personal_hash": None} | r for r in data["events"]])
        if data.get("event_personal"):
            conn.execute(insert(EventPersonalRow.__table__), data["event_personal"])
        last = data["events"][-1]
        conn.execute(update(LogHeadRow.__table__).values(seq=last["seq"], hash=last["hash"]))
    return data["events"]


Check = Callable[[State, State, Event], None]


def _incident(s: State) -> Any:
    return s.incidents["INC-00001"]


def _check_incident_created(before: State, after: State, e: Event) -> None:
    incident = after.incidents[e.payload["id"]]
    assert incident.status is IncidentStatus.NEW and incident.address == e.payload["address"]
    assert incident.caller_name == e.personal.get("caller_name", "")
    if incident.id == "INC-00001":  # still held in both recordings
        assert (incident.caller_name, incident.callback_number) == ("Li Wei",
                                                                   "+86 138 0000 1234")


def _check_call_attached(before: State, after: State, e: Event) -> None:
    incident = after.incidents[e.payload["incident_id"]]
    assert incident.calls == before.incidents[incident.id].calls + 1
    if incident.id == "INC-00001":
        assert incident.notes[-1] == ("Call from Wang Fang (+86 139 5555 0101): "
                                      "flames visible")


def _check_erased(before: State, after: State, e: Event) -> None:
    incident = after.incidents[e.payload["incident_id"]]
    assert (incident.caller_name, incident.callback_number) == (ERASED, ERASED)
    assert incident.notes == ["Call from [erased] ([erased]): still breathing"]


def _unchanged(before: State, after: State, e: Event) -> None:
    assert projection.same_state(before, after) == []


def _check_units_registered(before: State, after: State, e: Event) -> None:
    # The first registers E1 and A1; a mutual-aid decision registers lent units later.
    new = {u["id"] for u in e.payload["units"]}
    assert set(after.units) == set(before.units) | new and not new & set(before.units)
    assert all(after.units[u].status is UnitStatus.AVAILABLE for u in new)


def _check_playbook_activated(before: State, after: State, e: Event) -> None:
    checklist = after.playbooks[e.payload["incident_id"]]
    assert e.payload["incident_id"] not in before.playbooks
    assert checklist["hash"] == e.payload["playbook"]["hash"]
    assert checklist["level"] == e.payload["level"] and checklist["activated_by"] == e.actor
    assert all(s["state"] == "open" for s in checklist["steps"])


def _step_state(after: State, e: Event) -> dict:
    checklist = after.playbooks[e.payload["incident_id"]]
    return next(s for s in checklist["steps"] if s["id"] == e.payload["step"])


def _check_step_ticked(before: State, after: State, e: Event) -> None:
    step = _step_state(after, e)
    assert (step["state"], step["by"]) == ("done", e.actor)


def _check_step_skipped(before: State, after: State, e: Event) -> None:
    step = _step_state(after, e)
    assert (step["state"], step["reason"]) == ("skipped", e.payload["reason"])


def _check_playbook_level(before: State, after: State, e: Event) -> None:
    checklist = after.playbooks[e.payload["incident_id"]]
    assert before.playbooks[e.payload["incident_id"]]["level"] == e.payload["previous"]
    assert checklist["level"] == e.payload["level"]
    assert checklist["history"][-1]["by"] == e.actor
    rank = next(lv["rank"] for lv in checklist["levels"] if lv["id"] == e.payload["level"])
    assert after.incidents[e.payload["incident_id"]].level == rank


def _check_proposal_raised(before: State, after: State, e: Event) -> None:
    p = after.proposals[e.payload["id"]]
    assert e.payload["id"] not in before.proposals
    assert (p["status"], p["by"], p["kind"]) == ("open", e.actor, e.payload["kind"])


def _check_proposal_commented(before: State, after: State, e: Event) -> None:
    assert after.proposals[e.payload["id"]]["comments"][-1]["text"] == e.payload["text"]


def _check_proposal_voted(before: State, after: State, e: Event) -> None:
    vote = after.proposals[e.payload["id"]]["votes"][-1]
    assert (vote["by"], vote["vote"]) == (e.actor, e.payload["vote"])


def _check_proposal_decided(before: State, after: State, e: Event) -> None:
    p = after.proposals[e.payload["id"]]
    assert before.proposals[e.payload["id"]]["status"] == "open"
    assert p["status"] == e.payload["outcome"] and p["decision"]["by"] == e.actor


def _check_road_closed(before: State, after: State, e: Event) -> None:
    record = after.road_closures[e.payload["road"]]
    assert record["status"] == "closed" and record["closed_by"] == e.actor
    assert record["reason"] == e.payload["reason"]


def _check_road_reopened(before: State, after: State, e: Event) -> None:
    assert before.road_closures[e.payload["road"]]["status"] == "closed"
    record = after.road_closures[e.payload["road"]]
    assert record["status"] == "open" and record["reopened_by"] == e.actor


def _check_note_added(before: State, after: State, e: Event) -> None:
    assert _incident(after).notes[-1] == "gas main nearby"


def _check_priority(before: State, after: State, e: Event) -> None:
    assert _incident(after).priority == e.payload["priority"]


def _check_units_assigned(before: State, after: State, e: Event) -> None:
    assert _incident(after).units == ["E1", "A1"]
    assert _incident(after).status is IncidentStatus.DISPATCHED
    assert after.units["E1"].incident_id == "INC-00001"
    assert after.units["E1"].eta_at == datetime(2026, 3, 1, 8, 4, 45, tzinfo=UTC)


def _check_unit_status(before: State, after: State, e: Event) -> None:
    assert after.units["E1"].status is UnitStatus.ON_SCENE
    assert _incident(after).status is IncidentStatus.ON_SCENE


def _check_position(before: State, after: State, e: Event) -> None:
    assert (after.units["A1"].x, after.units["A1"].y) == (300.0, 320.0)
    assert after.units["A1"].last_report_at == e.at


def _check_relocated(before: State, after: State, e: Event) -> None:
    assert before.units["E1"].post is None
    assert after.units["E1"].post == "M1" and after.units["E1"].station == "F1"


def _check_incident_status(before: State, after: State, e: Event) -> None:
    assert _incident(after).status is IncidentStatus.RESOLVED
    assert _incident(after).units == []
    assert after.units["E1"].status is UnitStatus.AVAILABLE


def _check_level(before: State, after: State, e: Event) -> None:
    assert _incident(after).level == 2


def _check_operator_created(before: State, after: State, e: Event) -> None:
    op = after.operators[e.payload["username"]]
    assert e.payload["username"] not in before.operators
    assert (op.role, op.display_name) == (e.payload["role"], e.payload["display_name"])
    assert op.password_digest == e.payload.get("password_digest")


def _check_city_loaded(before: State, after: State, e: Event) -> None:
    new = set(after.cities) - set(before.cities)
    # Older events carry no id: the cities table numbered them in log order.
    expected = e.payload.get("id", len(before.cities) + 1)
    assert new == {expected} and after.cities[expected].name == e.payload["name"]
    assert after.cities[expected].digest == e.payload["digest"]


def _check_token_created(before: State, after: State, e: Event) -> None:
    token = after.tokens[e.payload["token_id"]]
    assert e.payload["token_id"] not in before.tokens and not token["revoked"]
    assert (token["subject"], token["token_hash"]) == (e.payload["subject"],
                                                      e.payload["token_hash"])


def _check_token_revoked(before: State, after: State, e: Event) -> None:
    assert not before.tokens[e.payload["token_id"]]["revoked"]
    assert after.tokens[e.payload["token_id"]]["revoked"]


def _check_profile_changed(before: State, after: State, e: Event) -> None:
    from core.domain.state import profile_changes

    assert profile_changes(e) and after.profile == before.profile | profile_changes(e)


def _check_registry_records(before: State, after: State, e: Event) -> None:
    for r in e.payload["records"]:
        record = after.registry[r["id"]]
        assert (record.kind, record.cell, record.data) == (e.payload["kind"], r["cell"],
                                                           r["data"])


def _check_person_recorded(before: State, after: State, e: Event) -> None:
    person = after.registry[e.payload["person_id"]]
    assert person.personal == e.personal and person.personal_seqs[-1] == e.seq
    assert person.data == {"household": e.payload["household"]}


def _check_record_verified(before: State, after: State, e: Event) -> None:
    record = after.registry[e.payload["record_id"]]
    assert (record.verified_at, record.verified_by) == (e.at, e.actor)
    assert e.payload["changes"].items() <= record.data.items()


def _check_person_erased(before: State, after: State, e: Event) -> None:
    person = after.registry[e.payload["person_id"]]
    assert person.erased and person.personal == {} and person.data == {}
    assert before.registry[e.payload["person_id"]].personal_seqs == e.payload["events"]


def _check_evacuation_started(before: State, after: State, e: Event) -> None:
    evacuation = after.evacuations[e.payload["evacuation_id"]]
    assert evacuation.households == e.payload["households"] and evacuation.open
    assert evacuation.started_at == e.at


def _check_helper(before: State, after: State, e: Event) -> None:
    assert e.payload["unit_id"] in after.evacuations[e.payload["evacuation_id"]].helpers


def _check_household(before: State, after: State, e: Event) -> None:
    check = after.evacuations[e.payload["evacuation_id"]].checks[e.payload["household_id"]]
    assert (check["result"], check["by"]) == (e.payload["result"], e.actor)


def _check_evacuation_ended(before: State, after: State, e: Event) -> None:
    assert after.evacuations[e.payload["evacuation_id"]].ended_at == e.at


def _check_alarm_raised(before: State, after: State, e: Event) -> None:
    alarm = after.alarms[e.payload["alarm_id"]]
    assert e.payload["alarm_id"] not in before.alarms and alarm.active
    assert (alarm.kind.value, alarm.source, alarm.raised_by) == (
        e.payload["kind"], e.payload["source"], e.actor)


def _check_alarm_acknowledged(before: State, after: State, e: Event) -> None:
    for alarm_id in e.payload["alarm_ids"]:
        assert before.alarms[alarm_id].active
        assert (after.alarms[alarm_id].acknowledged_by,
                after.alarms[alarm_id].acknowledged_at) == (e.actor, e.at)


def _check_alarm_escalated(before: State, after: State, e: Event) -> None:
    assert not before.alarms[e.payload["alarm_id"]].escalated
    assert after.alarms[e.payload["alarm_id"]].escalated_at == e.at


def _check_sensor_silent(before: State, after: State, e: Event) -> None:
    if "alarm_id" not in e.payload:  # recorded before a silent sensor raised an alarm
        _unchanged(before, after, e)
        return
    alarm = after.alarms[e.payload["alarm_id"]]
    assert e.payload["alarm_id"] not in before.alarms and alarm.active
    assert (alarm.kind.value, alarm.source, alarm.resumed_at) == (
        "sensor_silent", f"sensor:{e.payload['plugin']}/{e.payload['sensor']}:silent", None)


def _check_sensor_resumed(before: State, after: State, e: Event) -> None:
    assert before.alarms[e.payload["alarm_id"]].resumed_at is None
    assert after.alarms[e.payload["alarm_id"]].resumed_at == e.at


def _check_camera_added(before: State, after: State, e: Event) -> None:
    p = e.payload
    assert p["camera_id"] not in before.cameras
    camera = after.cameras[p["camera_id"]]
    assert (camera["name"], camera["x"], camera["y"], camera["url"]) == (
        p["name"], p["x"], p["y"], p["url"])
    assert camera["enabled"]


def _check_cameras_imported(before: State, after: State, e: Event) -> None:
    ids = [c["camera_id"] for c in e.payload["cameras"]]
    assert not set(ids) & set(before.cameras) and set(ids) <= set(after.cameras)
    assert all(after.cameras[c["camera_id"]]["url"] == c["url"] for c in e.payload["cameras"])


def _check_camera_moved(before: State, after: State, e: Event) -> None:
    camera = after.cameras[e.payload["camera_id"]]
    assert (camera["x"], camera["y"]) == (e.payload["x"], e.payload["y"])
    assert before.cameras[e.payload["camera_id"]]["x"] == e.payload["previous"]["x"]
    assert camera["heading_deg"] == e.payload.get("heading_deg", camera["heading_deg"])


def _check_camera_updated(before: State, after: State, e: Event) -> None:
    camera = after.cameras[e.payload["camera_id"]]
    assert all(camera[k] == v for k, v in e.payload["changes"].items())
    assert all(before.cameras[e.payload["camera_id"]][k] != v
               for k, v in e.payload["changes"].items())


def _check_camera_disabled(before: State, after: State, e: Event) -> None:
    assert before.cameras[e.payload["camera_id"]]["enabled"]
    assert not after.cameras[e.payload["camera_id"]]["enabled"]


def _check_camera_enabled(before: State, after: State, e: Event) -> None:
    assert not before.cameras[e.payload["camera_id"]]["enabled"]
    assert after.cameras[e.payload["camera_id"]]["enabled"]


def _check_sensor_raised(before: State, after: State, e: Event) -> None:
    incident = after.incidents[e.payload["id"]]
    assert e.payload["id"] not in before.incidents
    assert incident.status is IncidentStatus.NEW and incident.type == e.payload["type"]
    assert e.payload["sensor"] in incident.notes[0]


def _check_sensor_updated(before: State, after: State, e: Event) -> None:
    incident_id = e.payload["incident_id"]
    assert after.incidents[incident_id].notes[:-1] == before.incidents[incident_id].notes
    assert "still high" in after.incidents[incident_id].notes[-1]


def _check_sensor_cleared(before: State, after: State, e: Event) -> None:
    incident = after.incidents[e.payload["incident_id"]]
    assert "back to normal" in incident.notes[-1]
    if e.payload["status"]:
        assert incident.status.value == e.payload["status"]


def _check_code_issued(before: State, after: State, e: Event) -> None:
    code = after.refcodes[e.payload["incident_id"]]
    assert code["code_hash"] == e.payload["code_hash"] and code["issued_seq"] == e.seq


EXPECTED: dict[str, Check] = {
    "alarm_raised": _check_alarm_raised,
    "alarm_acknowledged": _check_alarm_acknowledged,
    "alarm_escalated": _check_alarm_escalated,
    "alarm_sound_muted": _unchanged,
    "camera_added": _check_camera_added,
    "cameras_imported": _check_cameras_imported,
    "camera_moved": _check_camera_moved,
    "camera_updated": _check_camera_updated,
    "camera_disabled": _check_camera_disabled,
    "camera_enabled": _check_camera_enabled,
    "evidence_snapshot_recorded": _unchanged,
    "plugin_switched": _unchanged,
    "sensor_silent": _check_sensor_silent,
    "sensor_resumed": _check_sensor_resumed,
    "external_alert_received": _unchanged,
    "sensor_incident_raised": _check_sensor_raised,
    "sensor_incident_updated": _check_sensor_updated,
    "sensor_incident_cleared": _check_sensor_cleared,
    "operator_created": _check_operator_created,
    "operator_signed_in": _unchanged,
    "sign_in_failed": _unchanged,
    "database_kind_set": _check_profile_changed,
    "exercise_started": _check_profile_changed,
    "hub_token_created": _check_token_created,
    "hub_token_revoked": _check_token_revoked,
    "city_loaded": _check_city_loaded,
    "message_sent": _unchanged,
    "units_registered": _check_units_registered,
    "incident_created": _check_incident_created,
    "call_attached": _check_call_attached,
    "note_added": _check_note_added,
    "incident_priority_changed": _check_priority,
    "units_assigned": _check_units_assigned,
    "unit_status_changed": _check_unit_status,
    "unit_position_reported": _check_position,
    "unit_relocated": _check_relocated,
    "incident_status_changed": _check_incident_status,
    "incident_level_changed": _check_level,
    "personal_data_erased": _check_erased,
    "registry_records_recorded": _check_registry_records,
    "registry_person_recorded": _check_person_recorded,
    "registry_record_verified": _check_record_verified,
    "registry_people_viewed": _unchanged,
    "registry_person_erased": _check_person_erased,
    "evacuation_started": _check_evacuation_started,
    "evacuation_helper_assigned": _check_helper,
    "household_checked": _check_household,
    "evacuation_ended": _check_evacuation_ended,
    "playbook_activated": _check_playbook_activated,
    "playbook_step_ticked": _check_step_ticked,
    "playbook_step_skipped": _check_step_skipped,
    "playbook_level_changed": _check_playbook_level,
    "proposal_raised": _check_proposal_raised,
    "proposal_commented": _check_proposal_commented,
    "proposal_voted": _check_proposal_voted,
    "proposal_decided": _check_proposal_decided,
    "road_closed": _check_road_closed,
    "road_reopened": _check_road_reopened,
    "notice_drafted": _unchanged,
    "notice_approved": _unchanged,
    "notice_published": _unchanged,
    "reference_code_issued": _check_code_issued,
}


def test_every_registered_type_has_an_expected_replay() -> None:
    assert set(EXPECTED) == set(EVENT_TYPES)


def test_the_newest_recording_holds_every_type_at_its_current_version() -> None:
    rows = json.loads((DATA / RECORDINGS[-1]).read_text())["events"]
    recorded = {(r["type"], r["v"]) for r in rows}
    missing = {(t.name, t.version) for t in EVENT_TYPES.values()} - recorded
    assert not missing, ("record an example of each (tests/core/data/record_examples.py, "
                         f"into a new file; never rewrite an old one): {sorted(missing)}")


@pytest.mark.parametrize("recording", RECORDINGS)
def test_a_recording_verifies_and_replays_type_by_type(migrated_db_url: str,
                                                       recording: str) -> None:
    db = open_database(migrated_db_url)
    rows = load_recording(db, recording)
    with db.session() as s:
        count, problems = event_log.verify(s)
        events = list(event_log.iter_all(s))
    assert (count, problems) == (len(rows), [])
    state, checked = State(), set()
    for event in events:
        before = copy.deepcopy(state)
        state.apply(event)
        EXPECTED[event.type](before, state, event)
        checked.add(event.type)
    expected_types = {r["type"] for r in rows}
    assert checked == expected_types
    assert projection.same_state(replay(db), state) == []
    db.dispose()


def test_an_envelope_one_row_reads_as_version_one_with_its_personal_fields_apart(
        sqlite_url: str) -> None:
    db = open_database(sqlite_url)
    load_recording(db, "events_envelope1.json")
    with db.session() as s:
        created = event_log.query(s, event_log.EventQuery(type="incident_created"))[0]
    assert created.v == 1 and created.personal_hash is None
    assert created.personal == {"caller_name": "Li Wei", "callback_number": "+86 138 0000 1234"}
    assert "caller_name" not in created.payload
    db.dispose()


def test_an_altered_recorded_row_fails_verification(sqlite_url: str) -> None:
    # The recordings are checked for real: one changed character is caught, in either
    # envelope.
    for n, recording in enumerate(RECORDINGS):
        db = open_database(sqlite_url.replace("beacon.db", f"r{n}.db"))
        load_recording(db, recording)
        with db.engine.begin() as conn:
            conn.execute(update(EventRow.__table__).where(EventRow.seq == 7)
                         .values(payload='{"incident_id":"INC-00001","text":"gas main far"}'))
        with db.session() as s:
            _, problems = event_log.verify(s)
        assert [(p.seq, p.kind) for p in problems] == [(7, "altered")]
        db.dispose()


# -- upcasting -------------------------------------------------------------------------

SYNTHETIC = {"thing_done": EventType("thing_done", 3, "a synthetic type for the test")}


def _v1_to_v2(payload: dict[str, Any], personal: dict[str, Any]
              ) -> tuple[dict[str, Any], dict[str, Any]]:
    payload["what"] = payload.pop("thing")  # a rename: breaking, so version 2
    return payload, personal


def _v2_to_v3(payload: dict[str, Any], personal: dict[str, Any]
              ) -> tuple[dict[str, Any], dict[str, Any]]:
    payload["count"] = int(payload["count"])  # a retype: text became a number
    return payload, personal


SYNTHETIC_UPCASTERS = {("thing_done", 1): _v1_to_v2, ("thing_done", 2): _v2_to_v3}


def _thing(v: int, payload: dict[str, Any]) -> Event:
    return Event(seq=1, at=datetime(2026, 3, 1, tzinfo=UTC), actor="a", type="thing_done",
                 payload=payload, v=v)


def test_an_old_version_is_upcast_step_by_step_and_the_current_one_left_alone() -> None:
    old = _thing(1, {"thing": "pump", "count": "3"})
    new = upcast(old, SYNTHETIC, SYNTHETIC_UPCASTERS)
    assert (new.v, new.payload) == (3, {"what": "pump", "count": 3})
    assert old.payload == {"thing": "pump", "count": "3"}  # the stored event is untouched
    assert upcast(_thing(2, {"what": "pump", "count": "4"}), SYNTHETIC,
                  SYNTHETIC_UPCASTERS).payload == {"what": "pump", "count": 4}
    current = _thing(3, {"what": "pump", "count": 5})
    assert upcast(current, SYNTHETIC, SYNTHETIC_UPCASTERS) is current


def test_a_missing_upcaster_is_an_error_not_a_silent_misread() -> None:
    with pytest.raises(LookupError, match="no upcaster for thing_done version 2"):
        upcast(_thing(1, {"thing": "pump", "count": "3"}), SYNTHETIC,
               {("thing_done", 1): _v1_to_v2})


def test_the_projection_applies_old_versions_through_the_upcasters(
        monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[int, dict[str, Any]]] = []
    monkeypatch.setitem(EVENT_TYPES, "thing_done", SYNTHETIC["thing_done"])
    monkeypatch.setitem(projection._VERSIONS, "thing_done", 3)
    monkeypatch.setitem(projection._HANDLERS, "thing_done",
                        lambda state, e: seen.append((e.v, dict(e.payload))))
    for key, fn in SYNTHETIC_UPCASTERS.items():
        monkeypatch.setitem(event_types.UPCASTERS, key, fn)
    state = State()
    state.apply(_thing(1, {"thing": "pump", "count": "3"}))
    state.apply(_thing(3, {"what": "hose", "count": 1}))
    assert seen == [(3, {"what": "pump", "count": 3}), (3, {"what": "hose", "count": 1})]
