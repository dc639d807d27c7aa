"""Signed checkpoints: the audit log's head signed with a key kept outside the database.

Without a checkpoint, whoever can write the database can cut the log's tail or rewrite
it from any event on, recompute every hash, fix the head row, and `audit verify` says
intact. These tests do exactly that and show an earlier checkpoint catching it, and a
checkpoint file altered or signed by another key being refused.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import MetaData, delete, insert, select, text

from core.audit import keys
from core.audit.periodic import Checkpointer, CheckpointRefused
from core.cli.main import main
from core.commands import AssignUnits, ChangeUnitStatus
from core.domain.lifecycle import UnitStatus
from core.service import CommandService
from core.store.database import Database, open_database
from tests.core.helpers import DISPATCHER, new_incident, seed_units


def history(svc: CommandService, forged: bool = False) -> Iterator[int]:
    """Seven events, one at a time; `forged` sends E2 instead of E1 from event 3 on.

    The first incident has no caller: a caller's details get a random salt (personal
    data, see the event envelope), and the forger must be able to repeat events 1-2."""
    unit = "E2" if forged else "E1"
    seed_units(svc)
    yield 1
    iid = new_incident(svc, caller_name="", callback_number="")
    yield 2
    svc.execute(AssignUnits(iid, (unit,)), DISPATCHER)
    yield 3
    svc.execute(ChangeUnitStatus(unit, UnitStatus.ON_SCENE), DISPATCHER)
    yield 4
    new_incident(svc, "medical")
    yield 5
    svc.execute(ChangeUnitStatus("A1", UnitStatus.OUT_OF_SERVICE), DISPATCHER)
    yield 6
    new_incident(svc, "medical")
    yield 7


@pytest.fixture
def key_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The centre's key, in a temporary folder (also as the configured default)."""
    path = tmp_path / "keys" / "checkpoint.key"
    monkeypatch.setenv(keys.KEY_ENV, str(path))
    return path


def _checkpoint(url: str, out: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    assert main(["audit", "checkpoint", "--db", url, "--out", str(out)]) == 0
    capsys.readouterr()
    return out


def _verify(url: str, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    code = main(["audit", "verify", "--db", url, *extra])
    return code, capsys.readouterr().out


def _sql(url: str, *statements: str) -> None:
    db = open_database(url, upgrade=False)
    with db.engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))
    db.dispose()


@pytest.fixture
def anchored(migrated_db_url: str, sim_clock, key_file: Path, tmp_path: Path,  # noqa: ANN001
             capsys: pytest.CaptureFixture[str]) -> tuple[str, Path, Path]:
    """Seven events with checkpoints signed after event 2 and after event 5."""
    db = open_database(migrated_db_url)
    steps = history(CommandService(db, clock=sim_clock))
    for _ in range(2):
        next(steps)
    early = _checkpoint(migrated_db_url, tmp_path / "checkpoint-2.json", capsys)
    for _ in range(3):
        next(steps)
    late = _checkpoint(migrated_db_url, tmp_path / "checkpoint-5.json", capsys)
    for _ in steps:
        pass
    db.dispose()
    return migrated_db_url, early, late


def test_a_checkpoint_is_a_signed_file_of_the_head(migrated_db_url: str, sim_clock,  # noqa: ANN001
                                                  key_file: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    db = open_database(migrated_db_url)
    for _ in history(CommandService(db, clock=sim_clock)):
        pass
    with db.session() as s:
        last_hash = s.execute(text("SELECT hash FROM events WHERE seq = 7")).scalar_one()
    db.dispose()
    monkeypatch.chdir(tmp_path)
    assert main(["audit", "checkpoint", "--db", migrated_db_url]) == 0
    out, err = capsys.readouterr()
    assert "made a new checkpoint key" in err  # the first checkpoint makes the key
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert keys.public_key_path(key_file).is_file()
    doc = json.loads((tmp_path / "checkpoint-7.json").read_text())
    assert (doc["seq"], doc["hash"]) == (7, last_hash)
    assert doc["key_id"] == keys.load_key(key_file).id and doc["signature"]
    code, out = _verify(migrated_db_url, capsys, "--checkpoint", "checkpoint-7.json")
    assert code == 0
    assert f"head: event 7, hash {last_hash}" in out  # verify names the head it verified
    assert "checkpoints: 1 matched, the newest at event 7" in out
    # Signing the same head again is no error; nothing is overwritten.
    assert main(["audit", "checkpoint", "--db", migrated_db_url]) == 0
    assert "holds this head already" in capsys.readouterr().out


def test_a_rewritten_chain_is_caught_by_an_earlier_checkpoint(
        anchored: tuple[str, Path, Path], sim_clock,  # noqa: ANN001
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url, early, late = anchored
    # The forger makes a history that differs from event 3 on, with every hash computed
    # by Beacon itself, and copies it over the whole database, head row included.
    from core.clock import SimulatedClock

    forged_url = f"sqlite:///{tmp_path / 'forged.db'}"
    forged = open_database(forged_url)
    clock = SimulatedClock(sim_clock.now().replace(hour=8, minute=0))
    for _ in history(CommandService(forged, clock=clock), forged=True):
        pass
    _copy_tables(forged, url)
    forged.dispose()
    code, out = _verify(url, capsys)
    assert code == 0 and "intact: 7 events" in out  # the chain alone cannot tell
    code, out = _verify(url, capsys, "--checkpoint", str(early), "--checkpoint", str(late))
    assert code == 1
    assert ("events 3-5 were rewritten after checkpoint-2.json (event 2, which still "
            "matches)") in out
    code, out = _verify(url, capsys, "--checkpoint", str(late))  # the later one alone
    assert code == 1 and "events 1-5 were rewritten" in out


def test_a_cut_tail_with_a_fixed_head_is_caught(anchored: tuple[str, Path, Path],
                                                capsys: pytest.CaptureFixture[str]) -> None:
    url, early, late = anchored
    _sql(url, "DELETE FROM events WHERE seq > 3", "DELETE FROM event_personal WHERE seq > 3",
         "UPDATE log_head SET seq = 3, hash = (SELECT hash FROM events WHERE seq = 3)")
    code, out = _verify(url, capsys)
    # The chain alone cannot tell (the tables, left as they were, differ from the log;
    # a careful forger would rewrite them too, as in the test above).
    assert "audit log intact: 3 events" in out
    code, out = _verify(url, capsys, "--checkpoint", str(early), "--checkpoint", str(late))
    assert code == 1
    assert ("the log was cut: checkpoint-5.json says 5 events, the log has 3 "
            "(events 4-5 are missing)") in out


def test_an_altered_checkpoint_file_is_refused(anchored: tuple[str, Path, Path],
                                               capsys: pytest.CaptureFixture[str]) -> None:
    url, early, late = anchored
    # The forger cuts to event 3 and edits the checkpoint to match: its signature breaks.
    _sql(url, "DELETE FROM events WHERE seq > 3", "DELETE FROM event_personal WHERE seq > 3",
         "UPDATE log_head SET seq = 3, hash = (SELECT hash FROM events WHERE seq = 3)")
    doc = json.loads(late.read_text())
    db = open_database(url, upgrade=False)
    with db.session() as s:
        doc["seq"], doc["hash"] = 3, s.execute(text("SELECT hash FROM events WHERE seq = 3")
                                               ).scalar_one()
    db.dispose()
    late.write_text(json.dumps(doc))
    code, out = _verify(url, capsys, "--checkpoint", str(late))
    assert code == 1
    assert "checkpoint-5.json: bad signature: the file was altered or forged" in out


def test_a_checkpoint_signed_by_another_key_is_refused(
        anchored: tuple[str, Path, Path], key_file: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    url, early, late = anchored
    _sql(url, "DELETE FROM events WHERE seq > 3", "DELETE FROM event_personal WHERE seq > 3",
         "UPDATE log_head SET seq = 3, hash = (SELECT hash FROM events WHERE seq = 3)")
    # The forger, who can write the checkpoint folder too, signs the cut log with a key
    # of their own and replaces the checkpoints with it.
    mallory = tmp_path / "mallory.key"
    main(["audit", "key", "create", "--key", str(mallory)])
    late.unlink()
    main(["audit", "checkpoint", "--db", url, "--key", str(mallory), "--out", str(late)])
    capsys.readouterr()
    public = keys.public_key_path(key_file)
    code, out = _verify(url, capsys, "--checkpoint", str(late), "--public-key", str(public))
    assert code == 1
    assert "not by the centre's key" in out
    # Without --public-key the configured key is the one trusted...
    code, out = _verify(url, capsys, "--checkpoint", str(late))
    assert code == 1 and "not by the centre's key" in out
    # ...and without any, the file's own key is all there is, which verify says.
    monkeypatch.setenv(keys.KEY_ENV, str(tmp_path / "none.key"))
    code, out = _verify(url, capsys, "--checkpoint", str(late))
    # (exit 1 all the same: the tables the forger left still differ from the cut log)
    assert "checked against the key inside the file only" in out
    assert "audit log intact" in out and "tables DIFFER" in out


def test_a_file_that_is_no_checkpoint_is_one_clear_line(
        sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    open_database(sqlite_url).dispose()
    bad = tmp_path / "checkpoint-9.json"
    bad.write_text('{"seq": 9}')
    code = main(["audit", "verify", "--db", sqlite_url, "--checkpoint", str(bad)])
    err = capsys.readouterr().err
    assert code == 2
    assert "is not a Beacon checkpoint" in err and err.count("\n") == 1


def test_the_hub_s_checkpointer_signs_growth_and_refuses_a_rewritten_log(
        sqlite_url: str, sim_clock, key_file: Path, tmp_path: Path) -> None:  # noqa: ANN001
    db = open_database(sqlite_url)
    steps = history(CommandService(db, clock=sim_clock))
    for _ in range(3):
        next(steps)
    folder = tmp_path / "checkpoints"
    folder.mkdir()
    key, _ = keys.load_or_create_key(key_file)
    writer = Checkpointer(db, key, folder)
    assert writer.write() == folder / "checkpoint-3.json"
    assert writer.write() is None  # nothing new: nothing written
    next(steps)
    assert writer.write() == folder / "checkpoint-4.json"
    # A restarted hub picks up where the folder left off.
    assert Checkpointer(db, key, folder).last.seq == 4  # type: ignore[union-attr]
    _sql(sqlite_url, "UPDATE events SET hash = 'x' || substr(hash, 2) WHERE seq = 4",
         "UPDATE log_head SET hash = (SELECT hash FROM events WHERE seq = 4)")
    next(steps)
    with pytest.raises(CheckpointRefused, match="event 4 no longer has the hash"):
        writer.write()
    assert sorted(p.name for p in folder.iterdir()) == ["checkpoint-3.json",
                                                        "checkpoint-4.json"]
    db.dispose()


def _copy_tables(source: Database, target_url: str) -> None:
    """Replace every table of `target_url` with `source`'s rows (not the schema version)."""
    target = open_database(target_url, upgrade=False)
    src, dst = MetaData(), MetaData()
    src.reflect(source.engine)
    dst.reflect(target.engine)
    tables = [t for t in dst.sorted_tables if t.name != "alembic_version"]
    with target.engine.begin() as out, source.engine.connect() as into:
        for table in reversed(tables):
            out.execute(delete(table))
        for table in tables:
            rows = [dict(r._mapping) for r in into.execute(select(src.tables[table.name]))]
            if rows:
                out.execute(insert(table), rows)
    target.dispose()


def test_a_key_is_never_replaced_and_its_public_half_can_be_shown(
        key_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", "key", "create"]) == 0
    made = keys.load_key(key_file)
    assert main(["audit", "key", "create"]) == 2  # the old checkpoints need the old key
    assert "exists already" in capsys.readouterr().err
    assert keys.load_key(key_file).id == made.id
    assert main(["audit", "key", "show"]) == 0
    out = capsys.readouterr().out
    assert f"key id {made.id}" in out and "BEGIN PUBLIC KEY" in out
    assert keys.public_pem(made.public) == keys.public_key_path(key_file).read_text()
