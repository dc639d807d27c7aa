"""The headless plugin host: runs every enabled plugin, each in a child process.

One host loop (`Host.step`) waits on the children's pipes for at most a tenth of a
second, reads their messages, checks readings in memory, hands everything that writes
to the database (readings, status, stores, commands) to one writer thread
(`core.plugins.writer`) so that it never waits on the disk, and watches over each
child:

- a child whose event loop stops turning (no heartbeat for `stall_s`: a busy loop or
  a blocking call) is killed;
- a child that sends more than its manifest's `max_rate` messages in a second is
  killed (flooding);
- a child over its memory limit gets a `MemoryError` (RLIMIT_AS) and reports it;
- a child that dies (a segfault in a C extension) is noticed by its exit.

Each is then retried with exponential backoff (`retrying`, with the next attempt's
time). A plugin for another API version, or with a configuration its schema refuses,
is `failed` and not retried. The children never see the database's address: their
environment is cleaned of it and every action goes through the host.

The host writes each plugin's state and counters to `plugin_status` every half second
(`beacon plugin list` and the console read it) and follows `plugin_switched` events
in the log to switch plugins on and off.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import selectors
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import jsonschema  # noqa: F401 - imported here, not inside the loop (a third of a second)

from core.plugins.api import (
    ConfigError,
    Manifest,
    PluginError,
    PluginState,
    validate_config,
)
from core.plugins.gateway import Gateway
from core.plugins.records import (
    load_stores,
    plugin_switches,
    release_leases,
    renew_leases,
    save_store,
    write_status,
)
from core.plugins.retention import PRUNE_EVERY_S, prune_readings
from core.plugins.slot import PluginSpec, Slot, child_env, signal_name
from core.plugins.writer import BackgroundWriter
from core.service import CommandService
from core.store.database import Database

log = logging.getLogger(__name__)

MAX_LINE = 1024 * 1024  # a longer message from a child is a protocol fault
BURST = 20  # messages a plugin may send beyond its rate within one second
HEALTHY_AFTER_S = 30.0  # running this long resets the backoff

class Host:
    """Runs plugins in child processes and keeps them honest (see the module docstring).

    `lease_s`: with several hosts on one PostgreSQL database, each plugin runs in the
    host holding its lease (`plugin_leases`), renewed every second; a host that dies
    stops renewing and another takes over once the lease expires. None: no leases
    (one host per database).
    """

    def __init__(self, db: Database, specs: Iterable[PluginSpec], *,
                 host_id: str | None = None, stall_s: float = 2.0, backoff_s: float = 1.0,
                 backoff_max_s: float = 60.0, status_every_s: float = 0.5,
                 lease_s: float | None = None, keep_readings_days: float | None = None,
                 now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.db = db
        self.service = CommandService(db)
        self.host_id = host_id or f"{socket.gethostname()}:{os.getpid()}"
        self.stall_s = stall_s
        self.backoff_s = backoff_s
        self.backoff_max_s = backoff_max_s
        self.status_every_s = status_every_s
        self.lease_s = lease_s
        self.now = now
        # With leases, a plugin runs only once this host holds its lease.
        self.slots: dict[str, Slot] = {s.name: Slot(s, owned=lease_s is None) for s in specs}
        self._selector = selectors.DefaultSelector()
        self._switch_seq = 0
        self._last_status = 0.0
        # Retention of sensor readings (None: never prune); checked first at start.
        self.keep_readings_days = keep_readings_days
        self._last_prune = -PRUNE_EVERY_S
        self._last_switch_check = 0.0
        self._last_lease = 0.0
        self._last_tick: float | None = None
        self.max_gap_s = 0.0  # the longest the host loop went between two turns
        # (plugin, why, seconds from its child's start to the fault's report, seconds
        # from its last heartbeat to the report), for measurements; the last 1000
        self.faults: list[tuple[str, str, float, float]] = []
        self.writer = BackgroundWriter()
        # (slot, its child's start, request id, answer) from commands run by the writer
        self._replies: queue.SimpleQueue[tuple[Slot, float, object, dict[str, Any]]] = \
            queue.SimpleQueue()
        self.ticks = 0

    # -- the loop ------------------------------------------------------------------------

    def start(self) -> None:
        """Read which plugins are switched off and what each plugin stored; start them."""
        switches, self._switch_seq = plugin_switches(self.db)
        stores = load_stores(self.db)
        for name, slot in self.slots.items():
            slot.enabled = switches.get(name, True)
            slot.store = dict(stores.get(name) or {})
            if not slot.enabled:
                slot.state, slot.message = PluginState.DISABLED, "switched off"
            elif slot.owned:
                slot.next_attempt = 0.0
            else:
                slot.message = "standby: waiting for its lease"
        self._renew_leases()
        self._write_status()

    def run(self, until: Callable[[], bool] | None = None,
            duration_s: float | None = None) -> None:
        """Turn the loop until `until()` is true, `duration_s` passed, or SIGTERM/Ctrl-C."""
        end = None if duration_s is None else time.monotonic() + duration_s
        stop = {"now": False}

        def _term(_signo: int, _frame: object) -> None:
            stop["now"] = True

        previous = None
        try:
            previous = signal.signal(signal.SIGTERM, _term)
        except ValueError:  # not the main thread (tests may run a host in a thread)
            pass
        try:
            self.start()
            while not stop["now"] and not (until is not None and until()) \
                    and not (end is not None and time.monotonic() >= end):
                self.step()
        except KeyboardInterrupt:
            pass
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)
            self.shutdown()

    def step(self, max_wait: float = 0.1) -> None:
        """One turn: read the children, carry out their messages, watch their health."""
        now = time.monotonic()
        if self._last_tick is not None:
            self.max_gap_s = max(self.max_gap_s, now - self._last_tick)
        self._last_tick = now
        self.ticks += 1
        for key, _ in self._selector.select(timeout=max_wait):
            slot, stream = key.data
            self._read(slot, stream)
        self._deliver_replies()
        now = time.monotonic()
        for slot in self.slots.values():
            self._watch(slot, now)
            if slot.gateway is not None and slot.gateway.readings:
                # On the writer thread: the loop never waits for the disk.
                self.writer.submit(slot.gateway.store_readings, slot.gateway.take_readings(),
                                   self.now())
        if now - self._last_switch_check >= 1.0:
            self._last_switch_check = now
            self._follow_switches()
        if self.lease_s is not None and now - self._last_lease >= 1.0:
            self._renew_leases()
        if now - self._last_status >= self.status_every_s:
            self._write_status()
        if self.keep_readings_days is not None and now - self._last_prune >= PRUNE_EVERY_S:
            self._last_prune = now
            self.writer.submit(self._prune)

    def _prune(self) -> None:
        """Drop readings past the retention period (on the writer thread; several hosts
        pruning at once delete the same rows, which is harmless)."""
        try:
            removed = prune_readings(self.db, self.now(), self.keep_readings_days or 0)
        except Exception:  # noqa: BLE001 - pruning must never stop the host
            log.exception("pruning sensor readings failed")
            return
        if removed:
            log.info("pruned %d sensor reading(s) older than %g days", removed,
                     self.keep_readings_days)

    def shutdown(self) -> None:
        """Ask every child to stop, wait briefly, kill the rest, write the final status."""
        for slot in self.slots.values():
            if slot.proc is not None and slot.proc.poll() is None:
                self._send(slot, {"kind": "stop"})
        deadline = time.monotonic() + 3.0
        while time.monotonic() < deadline and any(
                s.proc is not None and s.proc.poll() is None for s in self.slots.values()):
            for key, _ in self._selector.select(timeout=0.05):
                slot, stream = key.data
                self._read(slot, stream)
        for slot in self.slots.values():
            if slot.proc is not None:
                if slot.proc.poll() is None:
                    slot.proc.kill()
                    slot.proc.wait()
                self._close(slot)
            if slot.gateway is not None:
                slot.gateway.flush_readings()
        for slot in self.slots.values():
            if slot.state in (PluginState.RUNNING, PluginState.STARTING,
                              PluginState.RETRYING):
                slot.message = "the host stopped"
        if self.lease_s is not None:
            release_leases(self.db, self.host_id)
        self._write_status()
        self.writer.close()  # everything queued is written before the host ends

    # -- children ------------------------------------------------------------------------

    def _spawn(self, slot: Slot) -> None:
        memory = (slot.manifest.memory_mb if slot.manifest else 1024) * 1024 * 1024
        # The child limits its own address space first thing (`--memory-bytes`): with no
        # Python to run between fork and exec, Popen can vfork, which takes well under a
        # millisecond where forking this process's page tables took 70-100 ms per child
        # (and the whole loop waited for it).
        slot.proc = subprocess.Popen(
            [sys.executable, "-m", "core.plugins.child", slot.spec.target,
             "--memory-bytes", str(memory)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=child_env(slot.spec.path), start_new_session=True, cwd=os.getcwd())
        assert slot.proc.stdout and slot.proc.stderr and slot.proc.stdin
        for stream in (slot.proc.stdout, slot.proc.stderr, slot.proc.stdin):
            os.set_blocking(stream.fileno(), False)
        self._selector.register(slot.proc.stdout, selectors.EVENT_READ, (slot, "out"))
        self._selector.register(slot.proc.stderr, selectors.EVENT_READ, (slot, "err"))
        slot.buffer = slot.errbuf = slot.outbox = b""
        slot.last_hb = slot.spawned_at = time.monotonic()
        slot.window_start, slot.window_count = slot.last_hb, 0
        slot.fault, slot.stopping_until, slot.running_since = None, None, None
        slot.state, slot.message = PluginState.STARTING, "starting"
        slot.next_attempt, slot.next_attempt_at = None, None

    def _close(self, slot: Slot) -> None:
        if slot.proc is None:
            return
        for stream in (slot.proc.stdout, slot.proc.stderr):
            try:
                self._selector.unregister(stream)
            except (KeyError, ValueError):
                pass
        for stream in (slot.proc.stdin, slot.proc.stdout, slot.proc.stderr):
            try:
                stream.close()  # type: ignore[union-attr]
            except OSError:
                pass
        slot.proc = None

    def _send(self, slot: Slot, message: dict[str, Any]) -> None:
        if slot.proc is None or slot.proc.stdin is None:
            return
        slot.outbox += json.dumps(message).encode() + b"\n"
        self._flush_outbox(slot)

    def _flush_outbox(self, slot: Slot) -> None:
        if not slot.outbox or slot.proc is None or slot.proc.stdin is None:
            return
        try:
            written = os.write(slot.proc.stdin.fileno(), slot.outbox)
            slot.outbox = slot.outbox[written:]
        except BlockingIOError:
            pass
        except (BrokenPipeError, OSError, ValueError):
            slot.outbox = b""
        if len(slot.outbox) > MAX_LINE:
            self._fault(slot, "not reading the host's replies (its input is full)")

    def _read(self, slot: Slot, stream: str) -> None:
        if slot.proc is None:
            return
        pipe = slot.proc.stdout if stream == "out" else slot.proc.stderr
        try:
            chunk = os.read(pipe.fileno(), 65536)  # type: ignore[union-attr]
        except BlockingIOError:
            return
        except (OSError, ValueError):
            chunk = b""
        if not chunk:
            try:
                self._selector.unregister(pipe)
            except (KeyError, ValueError):
                pass
            return
        if stream == "err":
            slot.errbuf = (slot.errbuf + chunk)[-8192:]
            return
        slot.buffer += chunk
        lines = slot.buffer.split(b"\n")
        slot.buffer = lines.pop()
        if len(slot.buffer) > MAX_LINE:
            self._fault(slot, "sent a message over 1 MiB")
            return
        for line in lines:
            if slot.fault is not None:
                return
            self._message(slot, line)

    def _message(self, slot: Slot, line: bytes) -> None:
        try:
            message = json.loads(line)
            kind = message["kind"]
        except (ValueError, KeyError, TypeError):
            self._reject(slot, "a message that is not a JSON object with a kind")
            return
        now = time.monotonic()
        if kind == "hb":
            slot.last_hb = now
            return
        if now - slot.window_start >= 1.0:
            slot.window_start, slot.window_count = now, 0
        slot.window_count += 1
        rate = slot.manifest.max_rate if slot.manifest else 100.0
        if slot.window_count > rate + BURST:
            self._fault(slot, f"flooding: more than {rate:g} messages a second, the rate "
                              "its manifest allows")
            return
        if kind == "hello":
            self._hello(slot, message.get("manifest"))
        elif kind == "state" and message.get("state") == "running":
            slot.state, slot.message = PluginState.RUNNING, ""
            slot.running_since = now
        elif kind == "submit":
            self._submit(slot, message)
        elif kind == "rejected":
            self._reject(slot, str(message.get("reason", ""))[:500])
        elif kind == "store":
            self._store(slot, message.get("data"))
        elif kind == "log":
            log.info("plugin %s: %s", slot.spec.name, str(message.get("message"))[:2000])
        elif kind == "error":
            text = str(message.get("message", "failed"))[:1000]
            phase = message.get("phase", "run")
            self._fault(slot, f"raised in {phase}: {text}" if not text.startswith(
                ("out of memory", "not ready")) else text)
        elif kind == "bye":
            pass
        else:
            self._reject(slot, f"unknown message kind {kind!r}")

    def _reject(self, slot: Slot, reason: str) -> None:
        if slot.gateway is not None:
            slot.gateway.reject(reason)
        else:
            slot.counters.rejected += 1
            slot.counters.last_error = f"rejected: {reason}"

    def _hello(self, slot: Slot, data: object) -> None:
        try:
            if not isinstance(data, dict):
                raise PluginError("the plugin sent no manifest")
            api = data.get("api_version")
            slot.reported = (str(data.get("version", ""))[:32],
                             api if isinstance(api, int) and not isinstance(api, bool) else 0)
            manifest = Manifest.from_json(data)
            if manifest.name != slot.spec.name:
                raise PluginError(f"the manifest names the plugin {manifest.name!r} but it "
                                  f"is installed as {slot.spec.name!r}")
            config = validate_config(manifest, slot.spec.config)
        except (PluginError, ConfigError) as exc:
            self._fail(slot, str(exc))
            return
        slot.manifest = manifest
        if slot.gateway is None:
            slot.gateway = Gateway(self.service, manifest, self.now, counters=slot.counters,
                                   run_later=self.writer.submit)
            slot.gateway.load_sensors()
        else:
            slot.gateway.manifest = manifest
        self._send(slot, {"kind": "start", "config": config, "store": slot.store})

    def _submit(self, slot: Slot, message: dict[str, Any]) -> None:
        if slot.gateway is None:
            self._reject(slot, "a command before the plugin was started")
            return
        command, fields, request_id = (message.get("command"), message.get("fields"),
                                       message.get("id"))
        if command == "record_reading":  # checked in memory, stored in batches
            self._reply(slot, request_id, slot.gateway.handle(command, fields))
            return
        # Anything that touches the database runs on the writer thread, in order with the
        # readings before it; the answer comes back through `_replies` to this loop.
        gateway, generation = slot.gateway, slot.spawned_at

        def job() -> None:
            self._replies.put((slot, generation, request_id, gateway.handle(command, fields)))

        self.writer.submit(job)

    def _reply(self, slot: Slot, request_id: object, answer: dict[str, Any]) -> None:
        if isinstance(request_id, int) and request_id > 0:
            self._send(slot, {"kind": "reply", "id": request_id, "answer": answer})

    def _deliver_replies(self) -> None:
        while True:
            try:
                slot, generation, request_id, answer = self._replies.get_nowait()
            except queue.Empty:
                return
            if slot.spawned_at == generation and slot.proc is not None:  # same child
                self._reply(slot, request_id, answer)

    def _store(self, slot: Slot, data: object) -> None:
        if not isinstance(data, dict):
            self._reject(slot, "its store must be a JSON object")
            return
        slot.store = data
        self.writer.submit(save_store, self.db, slot.spec.name, data, self.now())

    # -- health and faults ---------------------------------------------------------------

    def _fault(self, slot: Slot, why: str) -> None:
        """Stop the child at once (SIGKILL) and schedule a retry."""
        if slot.fault is not None:
            return
        slot.fault = why
        now = time.monotonic()
        self.faults = [*self.faults[-999:],
                       (slot.spec.name, why, now - slot.spawned_at, now - slot.last_hb)]
        log.warning("plugin %s stopped: %s", slot.spec.name, why)
        if slot.proc is not None and slot.proc.poll() is None:
            slot.proc.kill()
        self._retry(slot, why)

    def _fail(self, slot: Slot, why: str) -> None:
        """A fault retrying cannot mend: stop the child and leave the plugin failed."""
        slot.fault = why
        if slot.proc is not None and slot.proc.poll() is None:
            slot.proc.kill()
        slot.state, slot.message = PluginState.FAILED, why
        slot.counters.last_error = why
        slot.next_attempt = slot.next_attempt_at = None

    def _retry(self, slot: Slot, why: str) -> None:
        now = time.monotonic()
        if slot.running_since is not None and now - slot.running_since >= HEALTHY_AFTER_S:
            slot.attempts = 0
        slot.attempts += 1
        delay = min(self.backoff_max_s, self.backoff_s * 2 ** (slot.attempts - 1))
        slot.state, slot.message = PluginState.RETRYING, why
        slot.counters.last_error = why
        slot.next_attempt = now + delay
        slot.next_attempt_at = self.now() + timedelta(seconds=delay)
        slot.running_since = None

    def _watch(self, slot: Slot, now: float) -> None:
        self._flush_outbox(slot)
        if slot.proc is not None:
            code = slot.proc.poll()
            if code is not None:
                # Read what is left, then judge the exit.
                for stream in ("out", "err"):
                    for _ in range(64):
                        before = (len(slot.buffer), len(slot.errbuf))
                        self._read(slot, stream)
                        if (len(slot.buffer), len(slot.errbuf)) == before:
                            break
                if slot.fault is None and slot.state is not PluginState.DISABLED \
                        and slot.stopping_until is None:
                    if code < 0:
                        detail = slot.errbuf.decode(errors="replace").strip().splitlines()
                        first = next((d for d in detail if "Fatal Python error" in d), "")
                        self._fault(slot, f"crashed: killed by {signal_name(-code)}"
                                          + (f" ({first.strip()})" if first else ""))
                    else:
                        self._fault(slot, f"exited with code {code} without being asked")
                self._close(slot)
            elif slot.stopping_until is not None:
                if now >= slot.stopping_until:
                    slot.proc.kill()
            elif slot.fault is None and now - slot.last_hb > self.stall_s:
                self._fault(slot, f"not responding: its event loop did not turn for "
                                  f"{self.stall_s:g} s (a busy loop or a blocking call)")
            return
        if slot.enabled and slot.owned and slot.next_attempt is not None \
                and now >= slot.next_attempt and slot.state is not PluginState.FAILED:
            self._spawn(slot)

    def _stop_child(self, slot: Slot) -> None:
        if slot.proc is not None and slot.proc.poll() is None:
            self._send(slot, {"kind": "stop"})
            slot.stopping_until = time.monotonic() + 3.0

    def _follow_switches(self) -> None:
        try:
            switches, self._switch_seq = plugin_switches(self.db, self._switch_seq)
        except Exception as exc:  # noqa: BLE001 - try again next second
            log.warning("could not read plugin switches: %s", exc)
            return
        for name, enabled in switches.items():
            slot = self.slots.get(name)
            if slot is None or slot.enabled == enabled:
                continue
            slot.enabled = enabled
            if enabled:
                slot.attempts, slot.next_attempt = 0, 0.0
                slot.state, slot.message = PluginState.STARTING, "switched on"
            else:
                self._stop_child(slot)
                slot.state, slot.message = PluginState.DISABLED, "switched off"
                slot.next_attempt = slot.next_attempt_at = None

    def _renew_leases(self) -> None:
        if self.lease_s is None:
            return
        self._last_lease = time.monotonic()
        names = [name for name, slot in self.slots.items() if slot.enabled]
        try:
            held = renew_leases(self.db, self.host_id, names, self.lease_s, self.now())
        except Exception as exc:  # noqa: BLE001 - a lost race or a blip: try next second
            log.info("lease renewal: %s", exc)
            return
        for name, mine in held.items():
            self._owned(self.slots[name], mine)

    def _owned(self, slot: Slot, owned: bool) -> None:
        if owned == slot.owned:
            return
        slot.owned = owned
        if not owned:
            self._stop_child(slot)
            slot.message = "standby: another host runs it"
        else:
            slot.next_attempt = 0.0

    # -- status --------------------------------------------------------------------------

    def _write_status(self) -> None:
        self._last_status = time.monotonic()
        stamp = self.now()
        rows = {}
        for name, slot in self.slots.items():
            if not slot.owned:
                continue  # the owning host reports it
            rows[name] = {
                "version": slot.reported[0], "api_version": slot.reported[1],
                "state": slot.state.value, "message": slot.message[:2000],
                "next_attempt": slot.next_attempt_at, "accepted": slot.counters.accepted,
                "rejected": slot.counters.rejected,
                "last_error": slot.counters.last_error[:2000],
                "host": self.host_id, "updated_at": stamp}
        self.writer.submit(write_status, self.db, rows)
