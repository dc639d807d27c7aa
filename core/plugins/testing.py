"""A test harness for plugin authors: run a plugin in-process, see what it delivers.

    async with PluginHarness(MyPlugin, {"interval": 0.01}) as h:
        await h.wait_for_readings(3)
        assert h.readings[0].sensor == "demo-1"

The harness applies the host's own checks (manifest and API version, configuration
schema, declared commands, sensor declarations and readings), so a plugin that passes
here is refused by a host only for what happens at run time (speed, memory, crashes).
It keeps no database: incidents a plugin raises get made-up ids.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from core.plugins.api import Plugin, PluginClock, Reply, check_manifest, validate_config
from core.plugins.sensors import (
    Reading,
    ReadingRejected,
    Sensor,
    check_reading,
    check_sensor,
)


class _WallClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class PluginHarness:
    """Runs `plugin_cls` with `config`; records readings, commands and rejections."""

    def __init__(self, plugin_cls: type[Plugin], config: dict[str, Any] | None = None,
                 store: dict[str, Any] | None = None,
                 clock: PluginClock | None = None) -> None:
        check_manifest(plugin_cls.manifest)
        self.manifest = plugin_cls.manifest
        self.config = validate_config(self.manifest, config or {})
        self.clock: PluginClock = clock or _WallClock()
        self.log = logging.getLogger(f"beacon.plugin.{self.manifest.name}")
        self.store: dict[str, Any] = dict(store or {})
        self.plugin = plugin_cls()
        self.sensors: dict[str, Sensor] = {}
        self.readings: list[Reading] = []
        self.commands: list[tuple[str, dict[str, Any], Reply]] = []
        self.rejected: list[str] = []
        self.saved = 0
        self._open: dict[str, str] = {}  # sensor -> made-up incident id
        self._task: asyncio.Task[None] | None = None

    # -- the PluginContext the plugin sees -------------------------------------------------

    async def submit(self, command: str, **fields: Any) -> Reply:
        """Check and record a command as the host would."""
        reply = self._carry_out(command, fields)
        self.commands.append((command, fields, reply))
        if not reply.accepted and not reply.duplicate:
            self.rejected.append(reply.reason)
        return reply

    def reading(self, sensor: str, value: float, unit: str,
                at: datetime | None = None) -> None:
        """Check and record a reading as the host would."""
        reply = self._carry_out("record_reading", {
            "sensor": sensor, "value": value, "unit": unit,
            "at": None if at is None else at.isoformat()})
        if not reply.accepted:
            self.rejected.append(reply.reason)

    def reject(self, reason: str) -> None:
        """The plugin refused an input itself."""
        self.rejected.append(reason)

    async def save(self) -> None:
        """Count a save (the store is `self.store`)."""
        self.saved += 1

    def _carry_out(self, command: str, fields: dict[str, Any]) -> Reply:
        if command not in self.manifest.commands:
            return Reply(False, f"command {command!r} is not declared in the manifest of "
                                f"{self.manifest.name}")
        try:
            if command == "declare_sensor":
                sensor = check_sensor(fields)
                self.sensors[sensor.id] = sensor
            elif command == "record_reading":
                self.readings.append(check_reading(fields, self.sensors, self.clock.now()))
            elif command in ("raise_incident", "update_incident", "clear_incident",
                             "report_silent_sensor"):
                sensor_id = fields.get("sensor")
                if sensor_id not in self.sensors:
                    return Reply(False, f"unknown sensor {sensor_id!r}")
                if command == "raise_incident":
                    if sensor_id in self._open:
                        return Reply(False, "already open", incident_id=self._open[sensor_id],
                                     duplicate=True)
                    self._open[sensor_id] = f"INC-{len(self.commands) + 1:05d}"
                    return Reply(True, incident_id=self._open[sensor_id])
                if command in ("update_incident", "clear_incident"):
                    if sensor_id not in self._open:
                        return Reply(False, f"sensor {sensor_id} has no open incident")
                    incident_id = self._open[sensor_id]
                    if command == "clear_incident":
                        del self._open[sensor_id]
                    return Reply(True, incident_id=incident_id)
        except ReadingRejected as exc:
            return Reply(False, str(exc))
        return Reply(True)

    # -- running -----------------------------------------------------------------------------

    async def __aenter__(self) -> PluginHarness:
        await self.plugin.setup(self)  # type: ignore[arg-type]
        self._task = asyncio.create_task(self.plugin.run(self))  # type: ignore[arg-type]
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        await self.plugin.stop(self)  # type: ignore[arg-type]

    async def wait_for(self, condition: Callable[[], bool], timeout: float = 5.0) -> None:
        """Wait until `condition()` holds; raise what the plugin raised, or TimeoutError."""
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while not condition():
            if self._task is not None and self._task.done():
                self._task.result()
                raise RuntimeError("the plugin's run() returned")
            if loop.time() >= end:
                raise TimeoutError(f"not within {timeout} s")
            await asyncio.sleep(0.01)

    async def wait_for_readings(self, count: int, timeout: float = 5.0) -> list[Reading]:
        """Wait until `count` readings arrived; returns them all."""
        await self.wait_for(lambda: len(self.readings) >= count, timeout)
        return self.readings
