"""The plugin host with real child processes: misbehaving plugins are stopped, reported
and retried within 5 s, while the host keeps turning and a good plugin keeps delivering."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from sqlalchemy import func, select

from core.auth import Actor
from core.commands import SetPluginEnabled
from core.domain.kinds import Role
from core.plugins.api import PluginState
from core.plugins.host import Host, PluginSpec
from core.plugins.records import read_status
from core.plugins.tables import SensorReadingRow
from core.service import CommandService
from core.store.database import open_database

SAMPLES = str(Path(__file__).with_name("samples.py").parent)

# name -> (class, what its last error must say)
MISBEHAVING = {
    "raises_at_setup": ("RaisesAtSetup", "raised in setup: RuntimeError: the device"),
    "raises_while_running": ("RaisesWhileRunning", "raised in run: ValueError: lost the"),
    "busy_loop": ("BusyLoop", "not responding: its event loop did not turn"),
    "flood": ("Flood", "flooding: more than 50 messages a second"),
    "hog": ("Hog", "out of memory"),
    "segfault": ("Segfault", "crashed: killed by SIGSEGV"),
    "old_api": ("OldApi", "written for plugin API version 2; this Beacon provides version 1"),
}


def _spec(name: str, cls: str) -> PluginSpec:
    return PluginSpec(name, f"samples:{cls}", path=SAMPLES)


def _readings(db, sensor: str) -> int:  # noqa: ANN001
    with db.session() as session:
        return session.execute(select(func.count()).select_from(SensorReadingRow)
                               .where(SensorReadingRow.sensor == sensor)).scalar_one()


def _step_until(host: Host, condition, timeout: float) -> float:  # noqa: ANN001
    start = time.monotonic()
    while not condition():
        assert time.monotonic() - start < timeout, f"not within {timeout} s"
        host.step()
    return time.monotonic() - start


def _wait(condition, timeout: float) -> None:  # noqa: ANN001
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, f"not within {timeout} s"
        time.sleep(0.05)  # the host runs in its own thread; this one only looks


def test_faulty_plugins_are_stopped_reported_and_retried_while_others_deliver(
        sqlite_url: str) -> None:
    db = open_database(sqlite_url)
    specs = [_spec("good", "Good")] + [_spec(n, c) for n, (c, _) in MISBEHAVING.items()]
    host = Host(db, specs, backoff_s=0.5, stall_s=2.0)
    # The host loop in a thread of its own, as `beacon plugin run` runs it: what this
    # test reads from the database does not count as the loop's time.
    stop = threading.Event()
    thread = threading.Thread(target=host.run, kwargs={"until": stop.is_set})
    thread.start()
    try:
        # Each child needs a moment to start (a fresh interpreter; seconds on a loaded
        # machine), so the deadline for all of them is generous; what must stay under 5 s
        # is each fault's report after the child's last sign of life.
        _wait(lambda: host.slots["good"].state is PluginState.RUNNING, 30)
        _wait(lambda: all(expected in host.slots[n].counters.last_error
                          for n, (_, expected) in MISBEHAVING.items()), 30)
        for name, why, _after_start, after_heartbeat in list(host.faults):
            assert after_heartbeat < 5.0, (name, why, after_heartbeat)
        assert {name for name, *_ in host.faults} >= set(MISBEHAVING) - {"old_api"}
        assert host.slots["old_api"].state is PluginState.FAILED  # never retried
        # The good plugin kept delivering through it all, and keeps doing so.
        before = _readings(db, "good-1")
        _wait(lambda: _readings(db, "good-1") >= before + 10, 10.0)
        assert host.slots["good"].state is PluginState.RUNNING
        assert host.slots["good"].counters.rejected == 0
        # Retried with backoff: the ones that fail at once were started again.
        _wait(lambda: host.slots["raises_at_setup"].attempts >= 2, 10.0)
    finally:
        stop.set()
        thread.join(30)
    assert not thread.is_alive()
    assert host.max_gap_s < 1.0, f"the host loop stalled for {host.max_gap_s:.2f} s"
    status = read_status(db)
    assert status["old_api"]["state"] == "failed"
    assert "flooding" in status["flood"]["last_error"]
    assert status["good"]["accepted"] > 10
    db.dispose()


def test_a_plugin_is_switched_off_and_on_through_the_log(sqlite_url: str) -> None:
    db = open_database(sqlite_url)
    host = Host(db, [_spec("good", "Good"), _spec("undeclared", "Undeclared")], backoff_s=0.2)
    host.start()
    svc = CommandService(db)
    try:
        _step_until(host, lambda: host.slots["undeclared"].counters.rejected == 1, 15)
        assert "'raise_incident' is not declared" in host.slots["undeclared"].counters.last_error
        assert host.slots["undeclared"].state is PluginState.RUNNING  # refused, not stopped
        svc.execute(SetPluginEnabled("good", False, reason="maintenance"),
                    Actor("sam", Role.SUPERVISOR))
        _step_until(host, lambda: host.slots["good"].state is PluginState.DISABLED
                    and host.slots["good"].proc is None, 6)
        host.writer.drain()  # readings already received are written, then nothing more
        count = _readings(db, "good-1")
        deadline = time.monotonic() + 0.5
        while time.monotonic() < deadline:
            host.step()
        host.writer.drain()
        assert _readings(db, "good-1") == count  # off means off
        svc.execute(SetPluginEnabled("good", True), Actor("sam", Role.SUPERVISOR))
        _step_until(host, lambda: _readings(db, "good-1") > count, 15)
    finally:
        host.shutdown()
    db.dispose()
