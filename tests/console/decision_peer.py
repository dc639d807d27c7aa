"""A second console process for tests: a decision panel and a playbook panel on a shared
database, following it the way the console does (`DatabaseFollower`).

`python -m tests.console.decision_peer URL INCIDENT USER ROLE` prints one JSON line per
change it shows ({"proposals": [...], "level": ...}) and obeys lines on standard input:
"vote P-00001 SEAT approve|reject", "decide P-00001 SEAT accept|reject", "quit".
"""

from __future__ import annotations

import json
import sys
import threading

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication


class _Stdin(QObject):
    line = Signal(str)


def main(argv: list[str]) -> int:
    url, incident_id, user, role = argv
    app = QApplication(["decision_peer"])
    from console.bridge import EventBridge, Selection
    from console.decision_panel import DecisionPanel
    from console.follower import DatabaseFollower
    from console.playbook_panel import PlaybookPanel
    from core.auth import Actor
    from core.centre import open_centre
    from core.domain.kinds import Role

    centre = open_centre(url, city_scale="small")
    centre.actor = Actor(user, Role(role))
    bridge, selection = EventBridge(centre.service.bus), Selection()
    decisions = DecisionPanel(centre, bridge, selection)
    playbooks = PlaybookPanel(centre, bridge, selection)
    follower = DatabaseFollower(centre)

    def report() -> None:
        checklist = playbooks.checklist()
        print(json.dumps({
            "proposals": [{"id": p["id"], "status": p["status"], "votes": len(p["votes"])}
                          for p in decisions.incident_proposals()],
            "shown": [decisions.proposals.item(r).text()
                      for r in range(decisions.proposals.count())],
            "level": checklist["level"] if checklist else None}), flush=True)

    def obey(line: str) -> None:
        words = line.split()
        if not words or words[0] == "quit":
            follower.stop()
            app.quit()
            return
        verb, pid, seat, choice = words
        decisions.seat.setCurrentIndex(decisions.seat.findData(seat))
        decisions.select_proposal(pid)
        button = {("vote", "approve"): decisions.approve, ("vote", "reject"): decisions.reject,
                  ("decide", "accept"): decisions.accept,
                  ("decide", "reject"): decisions.decline}[(verb, choice)]
        button.click()
        print(json.dumps({"did": line, "message": decisions.message.text()}), flush=True)
        report()

    decisions.proposalsChanged.connect(lambda _: report())
    playbooks.checklistChanged.connect(lambda _: report())
    stdin = _Stdin()
    stdin.line.connect(obey, Qt.ConnectionType.QueuedConnection)
    threading.Thread(target=lambda: [stdin.line.emit(raw.strip()) for raw in sys.stdin],
                     daemon=True).start()
    selection.select_incident(incident_id)
    follower.start()
    print(json.dumps({"ready": True}), flush=True)
    code = app.exec()
    follower.wait()
    centre.close()
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
