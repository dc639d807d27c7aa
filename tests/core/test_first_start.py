"""Two first starts at once on a fresh database: both open the same demo, neither fails."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

from sqlalchemy import func, select

from core.centre import DEMO_USERNAME, Centre, open_centre
from core.profile import DatabaseKind, database_kind
from core.store.database import open_database
from core.store.schema import CityRow, OperatorRow


def test_two_first_starts_at_once_both_open_one_demo(db_url: str) -> None:
    barrier = threading.Barrier(2, timeout=60)
    errors: list[BaseException] = []
    centres: list[Centre] = []

    def start() -> None:
        barrier.wait()
        try:
            centres.append(open_centre(db_url, city_scale="small",
                                       new_kind=DatabaseKind.DEMO))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=180)
    try:
        assert errors == []
        assert len(centres) == 2
        assert all(c.actor is not None and c.actor.name == DEMO_USERNAME for c in centres)
        db = centres[0].db
        assert database_kind(db) is DatabaseKind.DEMO
        with db.session() as s:
            assert s.execute(select(func.count()).select_from(CityRow)).scalar_one() == 1
            assert s.execute(select(func.count()).select_from(OperatorRow)).scalar_one() == 1
        assert len(centres[0].service.state().incidents) == 12  # seeded once
    finally:
        for c in centres:
            c.close()


_START = """
import sys, time
from pathlib import Path
from core.centre import open_centre
from core.profile import DatabaseKind

url, me, other = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
me.touch()
deadline = time.monotonic() + 60
while not other.exists() and time.monotonic() < deadline:  # start together
    time.sleep(0.01)
centre = open_centre(url, city_scale="small", new_kind=DatabaseKind.DEMO)
print(centre.actor.name, len(centre.live.state.units))
centre.close()
"""


def test_two_first_starts_in_two_processes(db_url: str, tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    marks = [tmp_path / "a", tmp_path / "b"]
    procs = [subprocess.Popen([sys.executable, "-c", _START, db_url, str(mine), str(theirs)],
                              cwd=root, env=dict(os.environ, PYTHONPATH=str(root)),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for mine, theirs in (marks, marks[::-1])]
    results = [p.communicate(timeout=180) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err for _, err in results]
    outs = {out.strip() for out, _ in results}
    assert len(outs) == 1 and outs.pop().startswith(f"{DEMO_USERNAME} ")
    db = open_database(db_url, upgrade=False)
    try:
        with db.session() as s:
            assert s.execute(select(func.count()).select_from(CityRow)).scalar_one() == 1
    finally:
        db.dispose()
