"""The child process that runs one plugin: `python -m core.plugins.child TARGET
[--memory-bytes N]`.

It speaks JSON lines with its host: messages to the host on standard output, from the
host on standard input. It holds no database address or credentials (the host starts
it with a cleaned environment) and acts only through messages the host checks. Its
address space is limited (RLIMIT_AS) to what the host passes as `--memory-bytes`, before
the plugin's module is imported.

A heartbeat from the plugin's own event loop (`hb`, every 0.2 s) tells the host the
loop still turns: a plugin that busy-loops or blocks stops it, and the host ends the
process.

To the host: `hello` (the manifest), `hb`, `state`, `submit` (id, command, fields),
`log`, `store`, `error` (phase, message), `bye`. From the host: `start` (config, store),
`reply` (id, answer), `stop`.
"""

from __future__ import annotations

import asyncio
import faulthandler
import importlib
import json
import logging
import os
import resource
import sys
import traceback
from datetime import UTC, datetime
from typing import Any

from core.plugins.api import NotReady, Plugin, PluginError, Reply

HEARTBEAT_S = 0.2


class _Clock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class _Out:
    """Writes messages to the host; one line each, flushed at once."""

    def __init__(self) -> None:
        self._stream = sys.stdout
        # Anything the plugin prints would corrupt the protocol: send it to stderr.
        sys.stdout = sys.stderr

    def send(self, kind: str, **fields: Any) -> None:
        self._stream.write(json.dumps({"kind": kind, **fields}, default=str) + "\n")
        self._stream.flush()


class _HostLogHandler(logging.Handler):
    def __init__(self, out: _Out) -> None:
        super().__init__(logging.INFO)
        self._out = out

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self._out.send("log", level=record.levelname, message=record.getMessage()[:2000])
        except Exception:  # noqa: BLE001 - logging must never end the plugin
            pass


class ChildContext:
    """The `PluginContext` of a plugin running under a host."""

    def __init__(self, out: _Out, name: str, config: dict[str, Any],
                 store: dict[str, Any]) -> None:
        self._out = out
        self.config = config
        self.clock = _Clock()
        self.log = logging.getLogger(f"beacon.plugin.{name}")
        self.log.addHandler(_HostLogHandler(out))
        self.log.propagate = False
        self.log.setLevel(logging.INFO)
        self.store = store
        self._pending: dict[int, asyncio.Future[Reply]] = {}
        self._next_id = 0

    async def submit(self, command: str, **fields: Any) -> Reply:
        self._next_id += 1
        future: asyncio.Future[Reply] = asyncio.get_running_loop().create_future()
        self._pending[self._next_id] = future
        self._out.send("submit", id=self._next_id, command=command, fields=fields)
        return await future

    def reading(self, sensor: str, value: float, unit: str,
                at: datetime | None = None) -> None:
        self._out.send("submit", id=0, command="record_reading", fields={
            "sensor": sensor, "value": value, "unit": unit,
            "at": None if at is None else at.isoformat()})

    def reject(self, reason: str) -> None:
        self._out.send("rejected", reason=str(reason)[:500])

    async def save(self) -> None:
        self._out.send("store", data=self.store)

    def answered(self, request_id: int, answer: dict[str, Any]) -> None:
        future = self._pending.pop(request_id, None)
        if future is not None and not future.done():
            future.set_result(Reply.from_json(answer))


def load_target(target: str) -> type[Plugin]:
    """The plugin class named `module:attribute`."""
    module_name, _, attr = target.partition(":")
    module = importlib.import_module(module_name)
    plugin = getattr(module, attr) if attr else module
    if not (isinstance(plugin, type) and hasattr(plugin, "manifest")):
        raise PluginError(f"{target} is not a plugin class with a manifest")
    return plugin


async def _read_host(queue: asyncio.Queue[dict[str, Any]],
                     contexts: list[ChildContext]) -> None:
    # Replies go straight to the waiting `submit` (also during setup); the rest queues.
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=16 * 1024 * 1024)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while True:
        line = await reader.readline()
        if not line:
            await queue.put({"kind": "stop"})
            return
        message = json.loads(line)
        if message.get("kind") == "reply" and contexts:
            contexts[0].answered(int(message["id"]), message["answer"])
        else:
            await queue.put(message)


async def _heartbeat(out: _Out) -> None:
    while True:
        out.send("hb")
        await asyncio.sleep(HEARTBEAT_S)


async def _main(target: str, out: _Out) -> int:
    plugin_cls = load_target(target)
    out.send("hello", manifest=plugin_cls.manifest.to_json())
    beat = asyncio.create_task(_heartbeat(out))
    inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    contexts: list[ChildContext] = []
    reader = asyncio.create_task(_read_host(inbox, contexts))
    start = await inbox.get()
    if start.get("kind") != "start":
        return 0
    ctx = ChildContext(out, plugin_cls.manifest.name, start["config"], start.get("store") or {})
    contexts.append(ctx)
    plugin = plugin_cls()
    phase = "setup"
    runner: asyncio.Task[None] | None = None
    try:
        await plugin.setup(ctx)  # type: ignore[arg-type]
        out.send("state", state="running")
        phase = "run"
        runner = asyncio.create_task(plugin.run(ctx))  # type: ignore[arg-type]
        while True:
            getter = asyncio.create_task(inbox.get())
            done, _ = await asyncio.wait({runner, getter}, return_when=asyncio.FIRST_COMPLETED)
            if runner in done:
                getter.cancel()
                runner.result()  # raises what run raised
                raise RuntimeError("run() returned: a plugin's run should last until stopped")
            if getter.result().get("kind") == "stop":
                break
        phase = "stop"
        runner.cancel()
        await asyncio.gather(runner, return_exceptions=True)
        await plugin.stop(ctx)  # type: ignore[arg-type]
        await ctx.save()
        out.send("bye")
        return 0
    except NotReady as exc:
        out.send("error", phase=phase, message=f"not ready: {exc}", retry=True)
    except MemoryError:
        out.send("error", phase=phase, message="out of memory: over its memory limit "
                 "(MemoryError)", retry=True)
    except Exception as exc:  # noqa: BLE001 - every fault is reported to the host
        tb = traceback.format_exc(limit=6)
        out.send("error", phase=phase, message=f"{type(exc).__name__}: {exc}"[:1000],
                 traceback=tb[-4000:], retry=True)
    finally:
        beat.cancel()
        reader.cancel()
        if runner is not None:
            runner.cancel()
    try:
        await ctx.save()
    except Exception:  # noqa: BLE001, S110 - the store is best effort after a fault
        pass
    return 1


def main(argv: list[str] | None = None) -> int:
    """Run the plugin named on the command line until the host says stop."""
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) == 3 and argv[1] == "--memory-bytes":
        # Soft and hard limit alike, so the plugin's code cannot raise it again.
        memory = int(argv[2])
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    faulthandler.enable(sys.stderr)  # a segfault leaves its traceback in the host's log
    out = _Out()
    try:
        return asyncio.run(_main(argv[0], out))
    except MemoryError:
        out.send("error", phase="load", message="out of memory: over its memory limit",
                 retry=True)
        return 1
    except Exception as exc:  # noqa: BLE001 - import errors and the like
        out.send("error", phase="load", message=f"{type(exc).__name__}: {exc}"[:1000],
                 traceback=traceback.format_exc(limit=6)[-4000:], retry=True)
        return 1


if __name__ == "__main__":
    os._exit(main())  # no atexit handlers of plugin code after the host said goodbye
