"""Two first starts at once on a fresh database: both open the same demo, neither fails."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from core.centre import DEMO_USERNAME, Centre, open_centre
from core.profile import DatabaseKind, database_kind
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
