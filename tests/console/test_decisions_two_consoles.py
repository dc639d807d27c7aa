"""Two console processes on one database (PostgreSQL, and SQLite on one host): a
proposal raised in one is voted on and decided in the other, and the decision is applied
and shown in both within one second."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

from PySide6.QtCore import QSettings, Qt

from core.auth import Actor
from core.centre import open_centre
from core.commands import CreateIncident
from core.domain.kinds import Role
from core.profile import DatabaseKind

ROOT = Path(__file__).resolve().parents[2]


class Peer:
    """The other console: a subprocess whose JSON lines are read on a thread."""

    def __init__(self, url: str, incident_id: str) -> None:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.console.decision_peer", url, incident_id, "chen",
             "commander"], cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, text=True)
        self.lines: queue.Queue[dict] = queue.Queue()
        self.last: dict = {}
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for raw in self.proc.stdout:
            self.lines.put(json.loads(raw))

    def wait_for(self, test, timeout: float) -> dict:  # noqa: ANN001
        """The first line (from now) for which `test` holds, within `timeout` seconds."""
        end = time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            assert left > 0, f"the peer did not show it within {timeout} s (last: {self.last})"
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                continue
            self.last = line
            if test(line):
                return line

    def send(self, text: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()

    def close(self) -> None:
        try:
            self.send("quit")
            self.proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()


def test_two_consoles_share_proposals_votes_and_decisions(qtbot, qapp, db_url, tmp_path  # noqa: ANN001
                                                          ) -> None:
    from console.bridge import EventBridge, Selection
    from console.i18n import LanguageSwitcher
    from console.main_window import MainWindow

    centre = open_centre(db_url, city_scale="small", new_kind=DatabaseKind.DEMO)
    centre.actor = Actor("li", Role.DISPATCHER)
    iid = centre.service.execute(CreateIncident(
        type="structure_fire", x=0.0, y=0.0, address="12 Heping Road",
        description="kitchen fire in a flat")).payload["id"]
    switcher = LanguageSwitcher(qapp)
    switcher.switch("en")
    window = MainWindow(centre, EventBridge(centre.service.bus), Selection(),
                        QSettings(str(tmp_path / "c.ini"), QSettings.Format.IniFormat), switcher)
    qtbot.addWidget(window)
    peer = Peer(db_url, iid)
    try:
        playbooks = window.external["playbookPanel"]
        decisions = window.external["decisionPanel"]
        window.selection.select_incident(iid)
        qtbot.waitUntil(lambda: bool(playbooks.match_list))
        qtbot.mouseClick(playbooks.activate, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: playbooks.checklist() is not None)
        peer.wait_for(lambda line: line.get("ready"), timeout=60)

        # Raised here: shown there within a second.
        decisions.seat.setCurrentIndex(decisions.seat.findData("fire"))
        decisions.kind.setCurrentIndex(decisions.kind.findData("level"))
        decisions.param.setText("III")
        decisions.text.setText("fire spreading to the next flat")
        qtbot.mouseClick(decisions.raise_button, Qt.MouseButton.LeftButton)
        assert decisions.proposals.count() == 1
        peer.wait_for(lambda line: [p["id"] for p in line.get("proposals", [])] == ["P-00001"],
                      timeout=1.0)

        # Voted and decided there: applied and shown here within a second.
        peer.send("vote P-00001 police approve")
        peer.wait_for(lambda line: "did" in line, timeout=5)
        qtbot.waitUntil(lambda: "1 approve" in decisions.proposals.item(0).text(),
                        timeout=1000)
        peer.send("decide P-00001 commander accept")
        done = peer.wait_for(lambda line: "did" in line, timeout=5)
        assert "decided" in done["message"], done
        qtbot.waitUntil(lambda: "accepted" in decisions.proposals.item(0).text()
                        and playbooks.checklist()["level"] == "III", timeout=1000)
        qtbot.waitUntil(lambda: "Level III" in playbooks.heading.text(), timeout=1000)
        shown = peer.wait_for(lambda line: line.get("level") == "III"
                              and line["proposals"][0]["status"] == "accepted", timeout=1.0)
        assert "accepted" in shown["shown"][0]
        record = centre.live.state.proposals["P-00001"]
        assert [v["by"] for v in record["votes"]] == ["chen"]
        assert record["decision"]["by"] == "chen"
    finally:
        peer.close()
        window.close()
        window.follower.stop()
        window.follower.wait()
        centre.close()
