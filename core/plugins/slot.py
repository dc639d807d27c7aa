"""One plugin as a host sees it: what to run (`PluginSpec`) and its running record
(`Slot`), and how its child process is started without the database's secrets."""

from __future__ import annotations

import os
import signal
import subprocess
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from core.plugins.api import ENTRY_POINT_GROUP, Manifest, PluginState
from core.plugins.gateway import Counters, Gateway

# Environment variables a child must never see (the database's address and secrets).
_SECRET_PREFIXES = ("BEACON_", "PG", "DATABASE_", "SQLALCHEMY")


@dataclass(frozen=True, slots=True)
class PluginSpec:
    """A plugin to run: its name, the class (`module:Class`) and its configuration.

    `path` is an extra import folder for the child (a plugin under development that is
    not installed).
    """

    name: str
    target: str
    config: dict[str, Any] = field(default_factory=dict)
    path: str | None = None


def installed_plugins() -> list[PluginSpec]:
    """Every plugin published under the `beacon.plugins` entry point (built-ins too)."""
    from importlib.metadata import entry_points

    return [PluginSpec(ep.name, ep.value) for ep in
            sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name)]


def child_env(path: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(_SECRET_PREFIXES)}
    paths = [p for p in (path, os.environ.get("PYTHONPATH")) if p]
    import core

    paths.append(os.path.dirname(os.path.dirname(os.path.abspath(core.__file__))))
    env["PYTHONPATH"] = os.pathsep.join(paths)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def signal_name(code: int) -> str:
    try:
        return signal.Signals(code).name
    except ValueError:
        return f"signal {code}"


@dataclass
class Slot:
    """One plugin under the host: its child process and what the host knows of it."""

    spec: PluginSpec
    state: PluginState = PluginState.STARTING
    message: str = ""
    next_attempt: float | None = None  # monotonic
    next_attempt_at: datetime | None = None
    manifest: Manifest | None = None
    gateway: Gateway | None = None
    counters: Counters = field(default_factory=Counters)
    proc: subprocess.Popen[bytes] | None = None
    buffer: bytes = b""
    errbuf: bytes = b""
    outbox: bytes = b""
    last_hb: float = 0.0
    window_start: float = 0.0
    window_count: int = 0
    attempts: int = 0
    running_since: float | None = None
    fault: str | None = None  # why the host is stopping the child
    stopping_until: float | None = None
    enabled: bool = True
    owned: bool = True
    store: dict[str, Any] = field(default_factory=dict)
    spawned_at: float = 0.0  # monotonic, when its current child started
    reported: tuple[str, int] = ("", 0)  # version and API version the child said it has
