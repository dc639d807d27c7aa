"""The console follows a real hub (a `beacon hub` subprocess on 127.0.0.1): another
workstation's incident reaches this console's state and panels; a bad token is refused
with the hub's reason."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.hub_link import HubConnection
from core.auth import Actor
from core.centre import Centre
from core.commands import CreateIncident
from core.domain.kinds import Role
from core.hub.tokens import create_token
from core.service import CommandService
from core.store.database import Database

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def hub(centre: Centre, tmp_path: Path) -> Iterator[str]:
    """A hub process on the centre's database; yields its ws:// base URL."""
    log = open(tmp_path / "hub.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [sys.executable, "-m", "core", "hub", "--port", "0", "--db", centre.db.display_url()],
        cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)), stdout=subprocess.PIPE,
        stderr=log)
    assert proc.stdout is not None
    line = proc.stdout.readline().decode()
    match = re.search(r"listening on (wss?://\S+)", line)
    try:
        assert match, f"hub did not start: {line!r} {(tmp_path / 'hub.log').read_text()}"
        yield match.group(1)
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        log.close()


def _connect(qtbot, centre: Centre, url: str, token: str) -> HubConnection:  # noqa: ANN001
    link = HubConnection(url, token, centre.live, centre.service.bus.publish)
    link.start()
    return link


def test_another_workstations_incident_arrives_through_the_hub(qtbot, centre: Centre,  # noqa: ANN001
                                                               hub: str) -> None:
    token = create_token(centre.db, "operator", "demo")[1]
    link = _connect(qtbot, centre, hub, token)
    try:
        qtbot.waitUntil(lambda: link.state == "connected", timeout=15000)
        # Another workstation: its own engine and bus on the same database.
        other = CommandService(Database(centre.db.display_url()), clock=centre.service.clock)
        address = centre.city.addresses[1]
        with qtbot.waitSignal(link.eventApplied, timeout=15000):
            event = other.execute(CreateIncident(
                type="fall", x=address.x, y=address.y, address=address.text,
                cell_code=address.cell_code), Actor("bo", Role.DISPATCHER))
        incident_id = event.payload["id"]
        qtbot.waitUntil(lambda: incident_id in centre.live.state.incidents, timeout=15000)
        assert centre.live.state.incidents[incident_id].address == address.text
        other.db.dispose()
    finally:
        link.close()
    assert link.state == "closed"


def test_a_bad_token_is_refused_with_the_hubs_reason(qtbot, centre: Centre,  # noqa: ANN001
                                                    hub: str) -> None:
    link = _connect(qtbot, centre, hub, "not-a-token")
    try:
        with qtbot.waitSignal(link.refused, timeout=15000) as blocker:
            pass
        assert "token" in blocker.args[0].lower()
        assert link.state == "refused"
    finally:
        link.close()


def test_a_console_without_a_hub_does_not_load_the_hub_link() -> None:
    # aiohttp and the link cost ~0.25 s of the console's start; only --hub needs them.
    import os
    import subprocess
    import sys

    code = ("import sys\nimport console.main_window, console.command\n"
            "bad = sorted(m for m in ('aiohttp', 'console.hub_link') if m in sys.modules)\n"
            "assert not bad, bad\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert proc.returncode == 0, proc.stderr
