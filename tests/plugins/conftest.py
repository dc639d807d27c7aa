"""Fixtures of the plugin tests: the real MQTT broker (skipped without one, failing
instead under CI=true, like every service test)."""

from __future__ import annotations

import socket

import pytest

from tests.conftest import _skip_or_fail

BROKER = ("127.0.0.1", 1883)


@pytest.fixture
def broker() -> tuple[str, int]:
    """The Mosquitto broker at 127.0.0.1:1883."""
    try:
        socket.create_connection(BROKER, timeout=2).close()
    except OSError as exc:
        _skip_or_fail(f"no MQTT broker answers at {BROKER[0]}:{BROKER[1]}: {exc}")
    return BROKER
