"""The plugin API: what a data-source plugin declares, sees and implements.

A plugin is a class with a `manifest` and three coroutines, `setup`, `run` and `stop`,
published under the entry-point group `beacon.plugins` (built-in plugins too). The
host (`beacon plugin run`) runs each plugin in a child process of its own and hands it
a `PluginContext`: its configuration, a clock, a logger, a store that survives
restarts, and `submit`, which sends one of the commands its manifest declares to the
host. The plugin never sees the database: the host checks every message and runs the
command itself. See docs/plugins.md.

This module imports nothing heavier than the standard library and jsonschema, so a
plugin's child process starts fast.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar, Protocol

# The version of this API. A plugin written for another one is refused with a message
# that says both numbers; a change that breaks plugins bumps it.
API_VERSION = 1
ENTRY_POINT_GROUP = "beacon.plugins"

# What a plugin may ask for in `Manifest.commands`, with what each does.
PLUGIN_COMMANDS: dict[str, str] = {
    "declare_sensor": "make a sensor known (id, kind, unit, position, grid cell)",
    "record_reading": "deliver a sensor reading (kept in the time series, not the log)",
    "raise_incident": "open an incident for a sensor over its threshold (once per episode)",
    "update_incident": "add a reading to the incident a sensor raised",
    "clear_incident": "say the sensor is back to normal",
    "report_silent_sensor": "say a sensor has fallen silent",
    "add_note": "add a note to an incident",
    "report_alert": "deliver a CAP 1.2 alert (recorded when it touches the city)",
    "sync_camera": "add a camera to the registry, or update, move or re-enable one it "
                   "added (credentials go to the secrets store)",
    "disable_camera": "take out of use a camera it added (its source no longer lists it)",
}


class PluginState(StrEnum):
    """Where a plugin is in its life, as the host reports it."""

    STARTING = "starting"
    RUNNING = "running"
    RETRYING = "retrying"  # stopped after a fault; `next_attempt` says when it restarts
    FAILED = "failed"  # will not be retried (wrong API version, bad configuration)
    DISABLED = "disabled"  # switched off by an operator (a command, in the log)


class PluginError(Exception):
    """A plugin cannot be started as it is (manifest or configuration); not retried."""


class ConfigError(PluginError):
    """The configuration does not match the manifest's schema; `key` names the field."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"configuration key {key!r}: {message}")
        self.key = key


class NotReady(Exception):  # noqa: N818 - reads as what it says: "not ready (yet)"
    """Raise from `setup` or `run` when a resource is not there yet (a broker down):
    the host stops the plugin and retries it with backoff, as for any other fault,
    but shows this message rather than a traceback."""


@dataclass(frozen=True, slots=True)
class Manifest:
    """What a plugin is and what it may do.

    `commands` lists the names from `PLUGIN_COMMANDS` the plugin may submit; anything
    else is refused by the host. `config_schema` is a JSON Schema (draft 2020-12) of
    its configuration object, checked before the plugin starts. `max_rate` bounds the
    messages a second it may send (readings and commands together); `memory_mb` is
    its address-space limit. A plugin over either is stopped and retried.
    """

    name: str
    version: str
    api_version: int
    provides: tuple[str, ...] = ()
    commands: frozenset[str] = frozenset()
    config_schema: Mapping[str, Any] = field(default_factory=dict)
    max_rate: float = 100.0
    memory_mb: int = 1024
    description: str = ""

    def to_json(self) -> dict[str, Any]:
        """The manifest as JSON (what the child process reports to the host)."""
        return {"name": self.name, "version": self.version, "api_version": self.api_version,
                "provides": list(self.provides), "commands": sorted(self.commands),
                "config_schema": dict(self.config_schema), "max_rate": self.max_rate,
                "memory_mb": self.memory_mb, "description": self.description}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Manifest:
        """A manifest from `to_json`'s form; `PluginError` naming what is wrong."""
        try:
            manifest = cls(name=str(data["name"]), version=str(data["version"]),
                           api_version=int(data["api_version"]),
                           provides=tuple(str(p) for p in data.get("provides", ())),
                           commands=frozenset(str(c) for c in data.get("commands", ())),
                           config_schema=dict(data.get("config_schema") or {}),
                           max_rate=float(data.get("max_rate", 100.0)),
                           memory_mb=int(data.get("memory_mb", 1024)),
                           description=str(data.get("description", "")))
        except (KeyError, TypeError, ValueError) as exc:
            raise PluginError(f"the manifest is malformed: {exc!r}") from None
        check_manifest(manifest)
        return manifest


def check_manifest(manifest: Manifest) -> None:
    """Refuse a manifest this host cannot run, with a message naming why."""
    if manifest.api_version != API_VERSION:
        raise PluginError(
            f"plugin {manifest.name} {manifest.version} was written for plugin API "
            f"version {manifest.api_version}; this Beacon provides version {API_VERSION}")
    unknown = sorted(manifest.commands - set(PLUGIN_COMMANDS))
    if unknown:
        raise PluginError(f"the manifest asks for unknown commands: {', '.join(unknown)} "
                          f"(known: {', '.join(sorted(PLUGIN_COMMANDS))})")
    if not (math.isfinite(manifest.max_rate) and manifest.max_rate > 0):
        raise PluginError("max_rate must be a positive number of messages a second")
    if manifest.memory_mb < 64:
        raise PluginError("memory_mb must be at least 64")


def validate_config(manifest: Manifest, config: Mapping[str, Any]) -> dict[str, Any]:
    """`config` checked against the manifest's schema, with top-level defaults filled in.

    Raises `ConfigError` naming the first wrong key (a dotted path: `sensors.0.kind`).
    """
    import jsonschema

    schema = dict(manifest.config_schema) or {"type": "object"}
    filled = dict(config)
    for key, spec in (schema.get("properties") or {}).items():
        if key not in filled and isinstance(spec, Mapping) and "default" in spec:
            filled[key] = spec["default"]
    validator_cls = jsonschema.validators.validator_for(schema, jsonschema.Draft202012Validator)
    try:
        validator_cls.check_schema(schema)
    except jsonschema.SchemaError as exc:
        raise PluginError(f"the plugin's configuration schema is invalid: {exc.message}") \
            from None
    errors = sorted(validator_cls(schema).iter_errors(filled), key=lambda e: list(e.path))
    if errors:
        error = errors[0]
        path = ".".join(str(p) for p in error.path)
        if not path and error.validator == "required":
            # "'x' is a required property": the key is the missing one, not the object
            path = str(error.message).split("'")[1] if "'" in error.message else ""
        elif not path and error.validator == "additionalProperties":
            path = str(error.message).split("'")[1] if "'" in error.message else ""
        raise ConfigError(path or "(the whole configuration)", error.message)
    return filled


@dataclass(frozen=True, slots=True)
class Reply:
    """The host's answer to `PluginContext.submit`.

    `accepted` is False with a `reason` when the host refused the command. For
    `raise_incident`, `duplicate` is True when the sensor's incident was already open
    (after a restart, say): `incident_id` then names that one.
    """

    accepted: bool
    reason: str = ""
    incident_id: str | None = None
    duplicate: bool = False
    seq: int | None = None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Reply:
        """A reply from the host's message."""
        return cls(accepted=bool(data.get("accepted")), reason=str(data.get("reason", "")),
                   incident_id=data.get("incident_id"), duplicate=bool(data.get("duplicate")),
                   seq=data.get("seq"))


class PluginClock(Protocol):
    """The time a plugin reads (the host's real clock; a simulated one under test)."""

    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...


class PluginContext(Protocol):
    """What a plugin gets: all it may see and do."""

    config: dict[str, Any]
    clock: PluginClock
    log: logging.Logger
    # Kept between runs (restarts, retries, other hosts): JSON values only; `save()`.
    store: dict[str, Any]

    async def submit(self, command: str, **fields: Any) -> Reply:
        """Send one declared command to the host and wait for its answer."""
        ...

    def reading(self, sensor: str, value: float, unit: str,
                at: datetime | None = None) -> None:
        """Deliver a reading (`record_reading`); the host checks and stores it, or
        counts it rejected with the reason. Does not wait."""
        ...

    def reject(self, reason: str) -> None:
        """Count one input the plugin itself refused (bad JSON from a device), with why."""
        ...

    async def save(self) -> None:
        """Persist `store` now (it is also saved when the plugin stops)."""
        ...


class Plugin:
    """Base class of a data-source plugin. Subclass it and set `manifest`.

    The host calls `setup` once, then `run` (which should run until cancelled), and
    `stop` when the plugin is switched off or the host ends. An exception from any of
    them stops the plugin, and the host retries it later with backoff. Never block the
    event loop: a plugin that does not yield for two seconds is stopped.
    """

    manifest: ClassVar[Manifest]

    async def setup(self, ctx: PluginContext) -> None:
        """Prepare (connect, subscribe, declare sensors). Default: nothing."""

    async def run(self, ctx: PluginContext) -> None:
        """Deliver data until cancelled."""
        raise NotImplementedError

    async def stop(self, ctx: PluginContext) -> None:
        """Release what `setup` took. Default: nothing."""
