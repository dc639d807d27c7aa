"""Sign-in under guessing (not part of pytest): how long a refused sign-in takes for a
known name and for an unknown one, and how many passwords one name lets an attacker
check in an hour with the lockout, on a fresh SQLite database.

    PYTHONPATH=. python benchmarks/bench_signin.py --tries 10
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import delete

from core.auth import SYSTEM, lock_seconds
from core.commands import CreateOperator
from core.domain.kinds import Role
from core.errors import PermissionDenied
from core.service import CommandService
from core.signin import sign_in
from core.store.database import open_database
from core.store.signin_table import SignInFailureRow


def timed(service: CommandService, names: list[str]) -> list[float]:
    """Seconds per refused sign-in of each name, the lockout's count cleared before
    each, so what is measured is the password check, never a lock."""
    out = []
    for name in names:
        with service.db.transaction() as s:
            s.execute(delete(SignInFailureRow))
        started = time.perf_counter()
        try:
            sign_in(service, name, "wrong-guess-123")
        except PermissionDenied:
            pass
        out.append(time.perf_counter() - started)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tries", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        service = CommandService(open_database(f"sqlite:///{Path(tmp) / 'b.db'}"))
        service.execute(CreateOperator("alice", "Alice", Role.DISPATCHER, "correct-horse"),
                        SYSTEM)
        wrong = timed(service, ["alice"] * args.tries)
        unknown = timed(service, [f"nobody{n}" for n in range(args.tries)])
        service.db.dispose()
    checks, t, failures = 0, 0.0, 0
    while t < 3600:
        checks += 1
        failures += 1
        t += lock_seconds(failures) + statistics.median(wrong)
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}")
    print(f"refused sign-in, wrong password: median {1000 * statistics.median(wrong):.0f} ms")
    print(f"refused sign-in, unknown name:   median {1000 * statistics.median(unknown):.0f} ms")
    print(f"passwords one name lets be checked in the first hour: {checks}")


if __name__ == "__main__":
    main()
