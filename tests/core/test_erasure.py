"""Callers' personal data: outside the hashed payload, chained as a salted hash, erasable
on request without breaking the chain, and gone from the database file once erased."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import text

from core.auth import SYSTEM
from core.cli.main import main
from core.commands import AttachCall, CreateOperator, EraseCallerData
from core.domain.kinds import Role
from core.domain.state import same_state
from core.event_types import ERASED
from core.events import Event, canonical_json, personal_digest
from core.hub.routing import event_from_dict, event_to_dict
from core.service import CommandService, replay
from core.store import event_log
from core.store.database import open_database
from tests.core.helpers import DISPATCHER, new_incident, seed_units

NAMES = ("Li Wei", "Wang Fang")
NUMBERS = ("+86 138 0000 0000", "+86 139 5555 0101")


@pytest.fixture(autouse=True)
def _password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BEACON_PASSWORD", "password-123")  # sam's, for `caller erase`


@pytest.fixture
def centre(migrated_db_url: str, sim_clock) -> CommandService:  # noqa: ANN001
    """An incident with two callers, and a supervisor 'sam' to approve erasures."""
    svc = CommandService(open_database(migrated_db_url), clock=sim_clock)
    svc.execute(CreateOperator("sam", "Sam Chen", Role.SUPERVISOR, "password-123"), SYSTEM)
    seed_units(svc)
    new_incident(svc)  # Li Wei, +86 138 0000 0000
    svc.execute(AttachCall("INC-00001", caller_name="Wang Fang", callback_number=NUMBERS[1],
                           description="smoke on the third floor"), DISPATCHER)
    new_incident(svc, "medical", caller_name="Zhou Jun", callback_number="+86 135 1111 2222")
    yield svc
    svc.db.dispose()


def _url(svc: CommandService) -> str:
    return svc.db.url.render_as_string(hide_password=False)


def _erase(svc: CommandService, capsys: pytest.CaptureFixture[str], *extra: str
           ) -> tuple[int, str, str]:
    code = main(["caller", "erase", "--db", _url(svc), "--incident", "INC-00001",
                 "--reason", "request 2026-12", "--user", "sam", *extra])
    out, err = capsys.readouterr()
    return code, out, err


def _verify(svc: CommandService, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["audit", "verify", "--db", _url(svc)])
    return code, capsys.readouterr().out


def test_the_personal_fields_stay_out_of_the_hashed_payload(centre: CommandService) -> None:
    with centre.db.session() as s:
        payloads = " ".join(s.execute(text("SELECT payload FROM events")).scalars())
        created = event_log.query(s, event_log.EventQuery(type="incident_created"))[0]
    assert not any(v in payloads for v in NAMES + NUMBERS)
    assert created.personal == {"caller_name": NAMES[0], "callback_number": NUMBERS[0]}
    assert "caller_name" not in created.payload and created.personal_hash


def test_what_the_bus_publishes_and_consoles_receive_carries_the_personal_fields(
        centre: CommandService) -> None:
    seen: list[Event] = []
    centre.bus.subscribe(seen.append)
    centre.execute(AttachCall("INC-00001", caller_name="Chen Jie", callback_number="+86 1"),
                   DISPATCHER)
    assert seen[-1].personal == {"caller_name": "Chen Jie", "callback_number": "+86 1"}
    assert event_from_dict(event_to_dict(seen[-1])) == seen[-1]  # through the hub


def test_erasure_keeps_the_chain_and_replays_to_the_placeholder(
        centre: CommandService, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _erase(centre, capsys)
    assert (code, err) == (0, "")
    assert "erased callback_number, caller_name of incident INC-00001 from 2 event(s)" in out
    code, out = _verify(centre, capsys)
    assert code == 0 and "intact" in out
    incident = centre.state().incidents["INC-00001"]
    assert (incident.caller_name, incident.callback_number) == (ERASED, ERASED)
    assert incident.notes == ["Call from [erased] ([erased]): smoke on the third floor"]
    assert same_state(replay(centre.db), centre.state()) == []
    other = centre.state().incidents["INC-00002"]  # another incident keeps its caller
    assert other.caller_name == "Zhou Jun"
    with centre.db.session() as s:
        erasure = event_log.query(s, event_log.EventQuery(type="personal_data_erased"))[0]
        created = event_log.query(s, event_log.EventQuery(type="incident_created"))[0]
    assert erasure.actor == "sam" and erasure.payload["reason"] == "request 2026-12"
    assert erasure.payload["events"] == [3, 4]
    assert not any(v in canonical_json(erasure.payload) for v in NAMES + NUMBERS)
    assert created.personal == {} and created.personal_hash  # gone, its hash chained


def test_erased_values_are_gone_from_the_database_file(
        tmp_path: Path, sim_clock, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: ANN001
    url = f"sqlite:///{tmp_path / 'beacon.db'}"
    svc = CommandService(open_database(url), clock=sim_clock)
    svc.execute(CreateOperator("sam", "Sam Chen", Role.SUPERVISOR, "password-123"), SYSTEM)
    seed_units(svc)
    new_incident(svc)
    svc.execute(AttachCall("INC-00001", caller_name="Wang Fang", callback_number=NUMBERS[1]),
                DISPATCHER)
    for n in range(30):  # rewrites of the incident row leave freed copies behind
        svc.execute(AttachCall("INC-00001", description=f"update {n}"), DISPATCHER)

    def file_bytes() -> bytes:
        return b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())

    assert all(v.encode() in file_bytes() for v in NAMES + NUMBERS)  # the test can fail
    code, _, err = _erase(svc, capsys)
    assert (code, err) == (0, "")
    svc.db.dispose()
    data = file_bytes()
    for value in NAMES + NUMBERS + ("0000 0000", "5555 0101"):
        assert value.encode() not in data, f"{value!r} is still in the database file"
    assert main(["audit", "verify", "--db", url]) == 0


def test_a_guessed_number_cannot_be_confirmed_from_the_stored_hash(
        centre: CommandService, capsys: pytest.CaptureFixture[str]) -> None:
    with centre.db.session() as s:
        stored = s.execute(text("SELECT personal_hash FROM events WHERE seq = 3")).scalar_one()
        salt, data = s.execute(text("SELECT salt, data FROM event_personal WHERE seq = 3")).one()
    # What an attacker would try: plain hashes of the number and of the stored text.
    guesses = [NUMBERS[0], NUMBERS[0].replace(" ", ""), data,
               canonical_json({"caller_name": NAMES[0], "callback_number": NUMBERS[0]})]
    for guess in guesses:
        for algo in (hashlib.sha256, hashlib.sha1, hashlib.md5, hashlib.sha512):
            assert algo(guess.encode()).hexdigest() != stored
    assert personal_digest(salt, data) == stored  # only with the salt
    _erase(centre, capsys)
    with centre.db.session() as s:
        left = s.execute(text("SELECT COUNT(*) FROM event_personal WHERE seq IN (3, 4)"))
        assert left.scalar_one() == 0  # the salt went with the values


def test_personal_data_deleted_or_altered_outside_an_erasure_is_caught(
        centre: CommandService, capsys: pytest.CaptureFixture[str]) -> None:
    with centre.db.engine.begin() as conn:
        conn.execute(text("UPDATE event_personal SET data = REPLACE(data, 'Wang', 'Wong') "
                          "WHERE seq = 4"))
        conn.execute(text("DELETE FROM event_personal WHERE seq = 5"))
    code, out = _verify(centre, capsys)
    assert code == 1
    assert "event 4: altered: the personal data of event 4 was altered" in out
    assert "event 5: deleted: the personal data of event 5 was deleted without a recorded " \
           "erasure" in out
    assert "event 3" not in out


def test_the_erase_command_refuses_mistakes_in_one_line(
        centre: CommandService, capsys: pytest.CaptureFixture[str]) -> None:
    url = _url(centre)
    code = main(["caller", "erase", "--db", url, "--incident", "INC-00099", "--reason", "r",
                 "--user", "sam"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "no incident 'INC-00099'" in err
    code = main(["caller", "erase", "--db", url, "--incident", "INC-00001", "--reason", "r",
                 "--user", "nobody"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "unknown user name or wrong password" in err
    code = main(["caller", "erase", "--db", url, "--incident", "INC-00001", "--reason", " ",
                 "--user", "sam"])
    err = capsys.readouterr().err
    assert code == 2 and "reason is required" in err
    assert _erase(centre, capsys)[0] == 0
    code, _, err = _erase(centre, capsys)  # twice: nothing left
    assert code == 2 and "holds no caller data to erase" in err


def test_only_a_signed_in_supervisor_may_erase(
        centre: CommandService, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        centre.execute(EraseCallerData("INC-00001", "request"), DISPATCHER)
    centre.execute(CreateOperator("ann", "Ann Lu", Role.DISPATCHER, "password-123"), SYSTEM)
    code = main(["caller", "erase", "--db", _url(centre), "--incident", "INC-00001",
                 "--reason", "r", "--user", "ann"])
    assert code == 2 and "may not do this" in capsys.readouterr().err
    monkeypatch.setenv("BEACON_PASSWORD", "not-the-password")
    code, _, err = _erase(centre, capsys)
    assert code == 2 and "unknown user name or wrong password" in err
    monkeypatch.delenv("BEACON_PASSWORD")
    code, _, err = _erase(centre, capsys)
    assert code == 2 and "set BEACON_PASSWORD or use --password-stdin" in err
    with centre.db.session() as s:
        assert event_log.query(s, event_log.EventQuery(type="personal_data_erased")) == []


def test_the_audit_trail_shows_caller_data_while_held(
        centre: CommandService, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    args = ["audit", "log", "--db", _url(centre), "--incident", "INC-00001", "--json"]
    assert main(args) == 0
    first = json.loads(capsys.readouterr().out.splitlines()[0])
    assert first["v"] == 1 and first["personal"]["caller_name"] == NAMES[0]
    _erase(centre, capsys)
    assert main(args) == 0
    first = json.loads(capsys.readouterr().out.splitlines()[0])
    assert first["personal"] == {}


def test_the_answer_to_a_resent_command_carries_the_personal_fields(
        centre: CommandService) -> None:
    from core.commands import CreateIncident

    command = CreateIncident(type="medical", x=1.0, y=2.0, address="9 Jiefang Road",
                             caller_name="Sun Li", callback_number="+86 2")
    key = ("console-1", "c-77")
    first = centre.execute_many([(command, DISPATCHER, key)])[0]
    again = centre.execute_many([(command, DISPATCHER, key)])[0]
    assert again.duplicate and again.event == first.event
    assert again.event.personal == {"caller_name": "Sun Li", "callback_number": "+86 2"}
