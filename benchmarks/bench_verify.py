"""How fast `beacon audit verify` checks a long log: the hash chain, then every table
against a replay of the log (budget: a million events in under five minutes).

The log is built through the real command path (`CommandService.execute_many`, batches
of about a thousand commands, as the hub sends them): 200 units on 50 concurrent
incidents at a time, each incident created, assigned two units, en route, twenty
position reports per unit, on scene, resolved and closed (position reports are ~83%
of the events, as on a real shift).

Run: PYTHONPATH=. python benchmarks/bench_verify.py [--events N] [--db URL] [--keep]
(default 1,000,000 events in a fresh SQLite file in a temporary folder).
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from core.audit.tables import checked_operator, compare_tables
from core.auth import Actor
from core.clock import SimulatedClock
from core.commands import (
    AssignUnits,
    ChangeIncidentStatus,
    ChangeUnitStatus,
    CreateIncident,
    CreateOperator,
    RegisterUnits,
    ReportPosition,
)
from core.domain.kinds import Role
from core.domain.lifecycle import IncidentStatus, UnitStatus
from core.service import CommandService
from core.store import event_log
from core.store.database import open_database

DISPATCHER = Actor("bench", Role.DISPATCHER)
SUPERVISOR = Actor("system", Role.SUPERVISOR)
UNITS = 200
CONCURRENT = 50  # incidents open at once, two units each
POSITIONS = 20  # position reports per unit per incident


def load() -> str:
    """The load average beside every figure: the machine is shared."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def build(url: str, target: int) -> int:
    """Fill the database at `url` with about `target` events; returns how many."""
    db = open_database(url)
    clock = SimulatedClock(datetime(2026, 3, 1, 8, 0, tzinfo=UTC))
    svc = CommandService(db, clock=clock)
    svc.execute(RegisterUnits([{"id": f"U{n}", "kind": "fire_engine", "station": "F1",
                                "x": float(n), "y": 0.0} for n in range(UNITS)]))
    svc.execute(CreateOperator("bench", "Bench Dispatcher", Role.DISPATCHER, "bench-password"),
                SUPERVISOR)
    seq = svc.last_seq()
    rounds = 0
    started = time.perf_counter()
    while seq < target:
        def run(commands: list) -> list:  # noqa: ANN001 - local helper
            clock.advance(1.0)
            outcomes = svc.execute_many([(c, DISPATCHER, None) for c in commands])
            for o in outcomes:
                if o.error is not None:
                    raise o.error
            return [o.event for o in outcomes]

        created = run([CreateIncident(type="structure_fire", x=100.0 + n, y=100.0,
                                      address=f"{n} Heping Road", caller_name="Li Wei",
                                      callback_number="+86 138 0000 0000")
                       for n in range(CONCURRENT)])
        ids = [e.payload["id"] for e in created]
        pairs = {iid: (f"U{2 * n}", f"U{2 * n + 1}") for n, iid in enumerate(ids)}
        units = [u for pair in pairs.values() for u in pair]
        run([AssignUnits(iid, pair) for iid, pair in pairs.items()])
        run([ChangeUnitStatus(u, UnitStatus.EN_ROUTE) for u in units])
        for step in range(POSITIONS):
            run([ReportPosition(u, float(n + step), float(step)) for n, u in enumerate(units)])
        run([ChangeUnitStatus(u, UnitStatus.ON_SCENE) for u in units])
        run([ChangeIncidentStatus(iid, IncidentStatus.RESOLVED) for iid in ids])
        run([ChangeIncidentStatus(iid, IncidentStatus.CLOSED) for iid in ids])
        seq = created[-1].seq + len(ids) * 3 + len(units) * (POSITIONS + 2)
        rounds += 1
        if rounds % 20 == 0:
            rate = seq / (time.perf_counter() - started)
            print(f"  built {seq:,} events ({rate:,.0f} events/s; {load()})", flush=True)
    seq = svc.last_seq()
    took = time.perf_counter() - started
    print(f"built {seq:,} events through execute_many in {took:.0f} s "
          f"({seq / took:,.0f} events/s; {load()})", flush=True)
    db.dispose()
    return seq


def verify(url: str) -> None:
    """Run both halves of `audit verify` and print their figures."""
    db = open_database(url, upgrade=False)
    started = time.perf_counter()
    with db.session() as s:
        count, problems = event_log.verify(s)
    chain = time.perf_counter() - started
    print(f"chain: {count:,} events in {chain:.1f} s = {count / chain:,.0f} events/s, "
          f"{len(problems)} problem(s) ({load()})", flush=True)
    started = time.perf_counter()
    differences = compare_tables(db)
    tables = time.perf_counter() - started
    print(f"tables vs replay: {count:,} events in {tables:.1f} s = {count / tables:,.0f} "
          f"events/s, {len(differences)} difference(s) ({load()})", flush=True)
    total = chain + tables
    print(f"audit verify total: {total:.1f} s = {count / total:,.0f} events/s; "
          f"a million events would take {1e6 / count * total:.0f} s (budget 300 s)")
    # What sign-in adds to check the operator's row against the log (Argon2 not included).
    times = []
    for _ in range(5):
        started = time.perf_counter()
        with db.session() as s:
            assert checked_operator(s, "bench") is not None
        times.append(time.perf_counter() - started)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process: {peak:,.0f} MB")
    print(f"sign-in's check of the operator against a {count:,}-event log: "
          f"{sorted(times)[2] * 1000:.1f} ms (median of 5; {load()})")
    db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--db", help="database URL (default: SQLite in a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the SQLite file")
    parser.add_argument("--verify-only", action="store_true",
                        help="verify the database given with --db without building")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="bench_verify_")
    url = args.db or f"sqlite:///{Path(folder) / 'beacon.db'}"
    print(f"{load()}; database {url}", flush=True)
    if not args.verify_only:
        build(url, args.events)
    verify(url)
    if not args.keep and not args.db:
        for name in os.listdir(folder):
            os.unlink(Path(folder) / name)
        os.rmdir(folder)
    elif not args.db:
        print(f"kept {url}")


if __name__ == "__main__":
    main()
