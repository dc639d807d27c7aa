"""Two writers on one database: sequence numbers stay gap-free and the chain unbroken."""

from __future__ import annotations

import threading

from core.auth import Actor
from core.commands import AddNote
from core.domain.kinds import Role
from core.service import CommandService
from core.store import event_log
from core.store.database import Database, open_database
from tests.core.helpers import new_incident, seed_units


def test_concurrent_writers_keep_the_log_whole(migrated_db_url: str) -> None:
    db = open_database(migrated_db_url)
    first = CommandService(db)
    seed_units(first)
    incident = new_incident(first)
    # A second engine on the same database: as another workstation would be.
    other = CommandService(Database(migrated_db_url))
    errors: list[BaseException] = []

    def write(service: CommandService, who: str) -> None:
        try:
            for n in range(25):
                service.execute(AddNote(incident, f"{who} note {n}"), Actor(who, Role.DISPATCHER))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(first, "ann")),
               threading.Thread(target=write, args=(other, "bo"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    with db.session() as s:
        count, problems = event_log.verify(s)
        seqs = [e.seq for e in event_log.query(s)]
    assert problems == []
    assert count == 2 + 50 and seqs == list(range(1, 53))
    notes = first.state().incidents[incident].notes
    assert len(notes) == 50
    other.db.dispose()
    db.dispose()
