"""Console speed: event-loop latency under load, and ready time from launch.

    PYTHONPATH=. QT_QPA_PLATFORM=offscreen python benchmarks/bench_console.py [--seconds 20]

Load: 10,000 incidents in the queue and 1,000 units, put straight into the live state
before the window is built (as if caught up from the log); then, for `--seconds`, a
feeder thread publishes on the core bus what a busy hub would: 1,000 position reports a
second (100 every 100 ms) plus a few new incidents and status changes. The events go
through `LiveState` and the `EventBridge` to the models exactly as live ones do. A 10 ms
precise QTimer measures how late the GUI event loop runs it: p50/p99/max lateness.
Once the window is shown the heap is settled (`console.startup.settle_heap`), as
`python -m console` does.

Ready time: `python -m console --screenshot` on an existing demo database, three times;
"ready" is from the start of `run()` to the main window shown, "process" is the whole
launch including Python start-up, the screenshot and exit.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _fill(centre, n_incidents: int, n_units: int, rng: random.Random) -> None:  # noqa: ANN001
    from core.domain.incident_types import INCIDENT_TYPES
    from core.domain.kinds import UNIT_AGENCY, UnitKind
    from core.domain.lifecycle import IncidentStatus, UnitStatus
    from core.domain.model import Incident, Unit

    state = centre.live.state
    city = centre.city
    now = centre.service.clock.now()
    types = list(INCIDENT_TYPES)
    statuses = [IncidentStatus.NEW, IncidentStatus.DISPATCHED, IncidentStatus.ON_SCENE]
    for n in range(n_incidents):
        a = rng.choice(city.addresses)
        at = now - timedelta(seconds=rng.randrange(0, 3600))
        t = rng.choice(types)
        state.incidents[f"BENCH-{n:05d}"] = Incident(
            f"BENCH-{n:05d}", t, INCIDENT_TYPES[t].default_priority, rng.choice(statuses),
            a.x, a.y, a.text, a.cell_code, at, status_times={"new": at})
    kinds = list(UnitKind)
    stations = city.stations
    for n in range(n_units):
        kind = rng.choice(kinds)
        st = rng.choice(stations)
        state.units[f"BU-{n:04d}"] = Unit(f"BU-{n:04d}", f"Bench unit {n}", kind,
                                           UNIT_AGENCY[kind], st.code, UnitStatus.AVAILABLE,
                                           st.x, st.y)


def _feeder(centre, stop: threading.Event, rng: random.Random, counter: list[int]) -> None:  # noqa: ANN001
    """Publish events on the bus as a hub would, from its own thread."""
    from core.events import Event

    state = centre.live.state
    bus = centre.service.bus
    units = [u for u in state.units if u.startswith("BU-")]
    addresses = centre.city.addresses
    seq = state.last_seq
    tick = 0
    next_at = time.perf_counter()
    while not stop.is_set():
        now = datetime.now(UTC)
        for _ in range(100):
            seq += 1
            uid = rng.choice(units)
            u = state.units[uid]
            bus.publish(Event(seq, now, "bench", "unit_position_reported",
                              {"unit_id": uid, "x": u.x + rng.uniform(-20, 20),
                               "y": u.y + rng.uniform(-20, 20)}, unit_id=uid))
        if tick % 5 == 0:  # two new calls a second
            a = rng.choice(addresses)
            seq += 1
            iid = f"LIVE-{seq}"
            bus.publish(Event(seq, now, "bench", "incident_created",
                              {"id": iid, "type": "medical", "priority": 1, "x": a.x,
                               "y": a.y, "address": a.text, "cell_code": a.cell_code},
                              incident_id=iid))
        counter[0] = seq
        tick += 1
        next_at += 0.1
        time.sleep(max(0.0, next_at - time.perf_counter()))


def bench_latency(db_url: str, seconds: float, with_others: bool = True,
                  n_incidents: int = 10_000) -> dict[str, float]:
    """Event-loop lateness with 10k incidents and 1k units reporting once a second.

    `with_others` False replaces the panels of other issues (map, dashboard, ...) by
    their placeholders, to measure this issue's panels alone.
    """
    from PySide6.QtCore import QSettings, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from console.bridge import EventBridge, Selection
    from console.i18n import LanguageSwitcher
    from console.main_window import MainWindow
    from core.centre import open_centre

    app = QApplication.instance() or QApplication([])
    centre = open_centre(db_url)
    rng = random.Random(3)
    _fill(centre, n_incidents, 1_000, rng)
    settings = QSettings(str(Path(tempfile.mkdtemp()) / "b.ini"), QSettings.Format.IniFormat)
    t0 = time.perf_counter()
    from console.main_window import EXTERNAL_PANELS

    panels = None if with_others else {name: ("console._none_", "None")
                                       for name in EXTERNAL_PANELS}
    window = MainWindow(centre, EventBridge(centre.service.bus), Selection(), settings,
                        LanguageSwitcher(app), external_panels=panels)
    window.show()
    app.processEvents()
    build_s = time.perf_counter() - t0
    from console.startup import settle_heap

    settle_heap()  # as `python -m console` does once its window is shown
    window.queue.step(0)  # an incident selected: the dispatch panel is live too

    lateness: list[float] = []
    last = [time.perf_counter()]
    probe = QTimer()
    probe.setTimerType(Qt.TimerType.PreciseTimer)
    probe.setInterval(10)

    def on_probe() -> None:
        now = time.perf_counter()
        lateness.append(max(0.0, (now - last[0]) * 1000 - 10))
        last[0] = now

    probe.timeout.connect(on_probe)
    stop = threading.Event()
    counter = [0]
    start_seq = centre.live.state.last_seq
    feeder = threading.Thread(target=_feeder, args=(centre, stop, rng, counter), daemon=True)
    probe.start()
    feeder.start()
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.001)
    stop.set()
    feeder.join()
    probe.stop()
    events = counter[0] - start_seq
    rows = window.queue._model.rowCount()
    window.close()
    centre.close()
    lateness.sort()
    return {"window_build_s": build_s, "events": events, "events_per_s": events / seconds,
            "queue_rows": rows, "samples": len(lateness),
            "p50_ms": statistics.median(lateness),
            "p99_ms": lateness[int(0.99 * (len(lateness) - 1))], "max_ms": lateness[-1]}


def bench_ready(db_url: str, runs: int = 3) -> list[tuple[float, float]]:
    """(seconds from launching the process to the window shown, seconds from `run()` to
    the window shown as the console reports it) per run."""
    out = []
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    for _ in range(runs):
        shot = Path(tempfile.mkdtemp()) / "shot.png"
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "console", "--db", db_url,
                                 "--screenshot", str(shot)], stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, text=True, env=env, cwd=ROOT)
        assert proc.stdout is not None
        line = proc.stdout.readline()  # printed, flushed, as the window is shown
        launch = time.perf_counter() - t0
        proc.communicate(timeout=120)
        m = re.search(r"ready in ([0-9.]+) s", line)
        if proc.returncode != 0 or not m:
            raise SystemExit(f"console failed (exit {proc.returncode}): {line!r}")
        out.append((launch, float(m.group(1))))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="beacon-bench-"))
    db = work / "beacon.db"
    url = f"sqlite:///{db}"
    from core.centre import open_centre

    t0 = time.perf_counter()
    open_centre(url, new_kind="demo").close()  # first run: builds the full demo city
    print(f"first run (builds the demo city, no window): {time.perf_counter() - t0:.2f} s")
    ready = bench_ready(url)
    for n, (launch, inside) in enumerate(ready, 1):
        print(f"ready time run {n}: {launch:.2f} s from launching the process to the window "
              f"shown (target < 2 s); {inside:.2f} s of it after Python start-up")
    for with_others, n, label in (
            (False, 10_000, "queue, roster, call-taking, dispatch (map, dashboard and the rest "
                            "as placeholders)"),
            (True, 10_000, "whole console, with the map and dashboard as landed"),
            (True, 300, "whole console, 300 incidents instead of 10,000")):
        copy = work / f"load-{with_others}-{n}.db"
        shutil.copy(db, copy)
        res = bench_latency(f"sqlite:///{copy}", args.seconds, with_others, n)
        print(f"== {label}")
        print(f"window with {res['queue_rows']} incidents and 1,000+ units built in "
              f"{res['window_build_s']:.2f} s")
        print(f"load: {res['events']} bus events in {args.seconds:.0f} s "
              f"({res['events_per_s']:.0f}/s: position reports of 1,000 units once a second "
              "plus 2 new incidents a second)")
        print(f"event-loop lateness of a 10 ms timer over {res['samples']} samples: "
              f"p50 {res['p50_ms']:.1f} ms, p99 {res['p99_ms']:.1f} ms (target < 50 ms), "
              f"max {res['max_ms']:.1f} ms")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
