"""The plugin host under misbehaving plugins (not part of pytest): how soon each fault is
reported after its child starts, how long the host loop ever went between two turns,
and how many readings a second a well-behaved plugin gets stored meanwhile.

    PYTHONPATH=. python benchmarks/bench_plugin_host.py --seconds 20
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from sqlalchemy import func, select

from core.plugins.host import Host
from core.plugins.slot import PluginSpec
from core.plugins.tables import SensorReadingRow
from core.store.database import open_database

SAMPLES = str(Path(__file__).resolve().parents[1] / "tests" / "plugins")
FAULTY = {"raises_at_setup": "RaisesAtSetup", "raises_while_running": "RaisesWhileRunning",
          "busy_loop": "BusyLoop", "flood": "Flood", "hog": "Hog", "segfault": "Segfault",
          "old_api": "OldApi"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(f"sqlite:///{tmp}/bench.db")
        specs = [PluginSpec("good", "samples:Good", {"interval": 0.01}, SAMPLES)]
        specs += [PluginSpec(n, f"samples:{c}", path=SAMPLES) for n, c in FAULTY.items()]
        host = Host(db, specs, backoff_s=0.5, backoff_max_s=2.0)
        started = time.monotonic()
        host.run(duration_s=args.seconds)
        elapsed = time.monotonic() - started
        with db.session() as session:
            stored = session.execute(select(func.count()).select_from(SensorReadingRow)
                                     .where(SensorReadingRow.sensor == "good-1")).scalar_one()
        by_plugin: dict[str, list[float]] = defaultdict(list)
        silent: dict[str, list[float]] = defaultdict(list)
        for name, _why, after, since_heartbeat in host.faults:
            by_plugin[name].append(after)
            silent[name].append(since_heartbeat)
        print(f"{args.seconds:g} s with {len(FAULTY)} faulty plugins beside a good one "
              f"(load average {' '.join(f'{x:.2f}' for x in os.getloadavg())})")
        print(f"host loop: {host.ticks} turns, longest gap {host.max_gap_s:.3f} s")
        print(f"good plugin: {stored} readings stored, {stored / elapsed:.0f} a second "
              f"(it sends 100 a second), state {host.slots['good'].state.value}")
        print("fault stopped, seconds after its child's last heartbeat (median / max) and "
              "after its child started (median / max):")
        for name in FAULTY:
            times = by_plugin.get(name, [])
            if times:
                quiet = silent[name]
                print(f"  {name:<22} {len(times):>3} x  {statistics.median(quiet):.2f} / "
                      f"{max(quiet):.2f} s   {statistics.median(times):.2f} / "
                      f"{max(times):.2f} s")
            else:
                slot = host.slots[name]
                print(f"  {name:<22} {slot.state.value}: {slot.message}")
        db.dispose()


if __name__ == "__main__":
    main()
