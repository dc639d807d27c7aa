"""Plugins that behave and plugins that misbehave, for the host's isolation tests.

Loaded by the host's child processes from this folder (`PluginSpec.path`).
"""

from __future__ import annotations

import asyncio
import ctypes

from core.plugins.api import API_VERSION, Manifest, Plugin, PluginContext

SENSOR = {"kind": "temperature", "unit": "degC", "x": 100.0, "y": 200.0}


def _manifest(name: str, **extra: object) -> Manifest:
    return Manifest(name=name, version="1.0", api_version=extra.pop("api_version", API_VERSION),
                    commands=frozenset({"declare_sensor", "record_reading"}),
                    **extra)  # type: ignore[arg-type]


class Good(Plugin):
    """Declares a sensor and sends a reading every 50 ms."""

    manifest = _manifest("good", config_schema={
        "type": "object", "properties": {"interval": {"type": "number", "default": 0.05}}})

    async def setup(self, ctx: PluginContext) -> None:
        await ctx.submit("declare_sensor", id=f"{self.manifest.name}-1", **SENSOR)

    async def run(self, ctx: PluginContext) -> None:
        n = 0
        while True:
            n += 1
            ctx.reading(f"{self.manifest.name}-1", 20.0 + n % 5, "degC")
            await asyncio.sleep(ctx.config["interval"])


class RaisesAtSetup(Plugin):
    manifest = _manifest("raises_at_setup")

    async def setup(self, ctx: PluginContext) -> None:
        raise RuntimeError("the device answered nonsense")


class RaisesWhileRunning(Good):
    manifest = _manifest("raises_while_running")

    async def run(self, ctx: PluginContext) -> None:
        await asyncio.sleep(0.2)
        raise ValueError("lost the connection")


class BusyLoop(Plugin):
    manifest = _manifest("busy_loop")

    async def run(self, ctx: PluginContext) -> None:
        await asyncio.sleep(0.1)
        while True:  # never yields: the event loop stops turning
            pass


class Flood(Good):
    manifest = _manifest("flood", max_rate=50.0)

    async def run(self, ctx: PluginContext) -> None:
        while True:
            for _ in range(500):
                ctx.reading("flood-1", 21.0, "degC")
            await asyncio.sleep(0)


class Hog(Plugin):
    manifest = _manifest("hog", memory_mb=400)

    async def run(self, ctx: PluginContext) -> None:
        await asyncio.sleep(0.1)
        self.hoard = bytearray(2 * 1024 ** 3)  # 2 GiB, over its 400 MiB limit
        await asyncio.sleep(3600)


class Segfault(Plugin):
    manifest = _manifest("segfault")

    async def run(self, ctx: PluginContext) -> None:
        await asyncio.sleep(0.1)
        ctypes.string_at(0)  # reads address 0: SIGSEGV


class OldApi(Good):
    manifest = _manifest("old_api", api_version=API_VERSION + 1)


class Undeclared(Good):
    """Asks for a command its manifest does not declare."""

    manifest = _manifest("undeclared")

    async def run(self, ctx: PluginContext) -> None:
        reply = await ctx.submit("raise_incident", sensor="undeclared-1", value=99.0)
        ctx.log.info("refused: %s", reply.reason)
        await asyncio.sleep(3600)
