"""The after-action record holds every proposal, vote, decision, step and level change
with actor and time, and matches the event log."""

from __future__ import annotations

import json
from pathlib import Path

from core.auth import Actor
from core.cli.main import main
from core.decisions.commands import CommentProposal, RaiseProposal, VoteProposal
from core.decisions.effects import decide_proposal
from core.domain.kinds import Role
from core.events import iso
from core.playbooks.commands import ActivatePlaybook, SkipStep, TickStep
from core.playbooks.format import default_folder, load_playbook
from core.playbooks.rules import evaluate_rules
from core.service import CommandService
from core.store import event_log
from core.store.database import open_database
from tests.core.helpers import DISPATCHER, new_incident, seed_units

COMMANDER = Actor("chen", Role.COMMANDER)


def test_the_record_matches_the_log(sqlite_url: str, sim_clock, tmp_path: Path,  # noqa: ANN001
                                    capsys) -> None:  # noqa: ANN001
    db = open_database(sqlite_url)
    svc = CommandService(db, clock=sim_clock)
    seed_units(svc)
    iid = new_incident(svc, "gas_leak", description="smell of gas <script>")
    svc.execute(ActivatePlaybook(iid, load_playbook(default_folder() / "gas_leak.toml")),
                DISPATCHER)
    svc.execute(TickStep(iid, "caller_safety_advice"), DISPATCHER)
    svc.execute(SkipStep(iid, "gas_company", "already on its way"), DISPATCHER)
    pid = svc.execute(RaiseProposal(iid, "fire", "level", "leak confirmed", {"level": "III"}),
                      DISPATCHER).payload["id"]
    svc.execute(CommentProposal(pid, "community", "ready to knock on doors"), DISPATCHER)
    svc.execute(VoteProposal(pid, "police", True), Actor("wu", Role.DISPATCHER))
    decide_proposal(svc, pid, "commander", True, COMMANDER)
    sim_clock.advance(31 * 60)
    no = svc.execute(RaiseProposal(iid, "police", "close_road", "", {"road": "Jiefang Road"}),
                     DISPATCHER).payload["id"]
    decide_proposal(svc, no, "commander", False, COMMANDER, note="not needed")
    assert evaluate_rules(svc) == []  # not_isolated would raise to III: it is III already
    db.dispose()

    out = tmp_path / "record.json"
    assert main(["incident", "report", iid, "--db", sqlite_url, "--out", str(out)]) == 0
    record = json.loads(out.read_text(encoding="utf-8"))
    db = open_database(sqlite_url)
    with db.session() as s:
        events = event_log.query(s, event_log.EventQuery(incident_id=iid))
    db.dispose()
    assert [(e["seq"], e["at"], e["actor"], e["type"]) for e in record["timeline"]] == [
        (e.seq, iso(e.at), e.actor, e.type) for e in events]
    by_type = {e.type: e for e in events}
    steps = {s["id"]: s for s in record["playbook"]["steps"]}
    assert (steps["caller_safety_advice"]["by"], steps["caller_safety_advice"]["at"]) == (
        "alice", iso(by_type["playbook_step_ticked"].at))
    assert steps["gas_company"]["reason"] == "already on its way"
    levels = record["playbook"]["levels"]
    assert [(h["level"], h["by"]) for h in levels] == [("IV", "alice"), ("III", "chen")]
    first, second = record["proposals"]
    assert (first["by"], first["comments"][0]["by"], first["votes"][0]["by"],
            first["decision"]["by"], first["status"]) == ("alice", "alice", "wu", "chen",
                                                          "accepted")
    assert first["effects"][0]["type"] == "playbook_level_changed"
    assert (second["status"], second["decision"]["note"], second["effects"]) == (
        "rejected", "not needed", [])
    html = tmp_path / "record.html"
    assert main(["incident", "report", iid, "--db", sqlite_url, "--out", str(html),
                 "--lang", "zh"]) == 0
    page = html.read_text(encoding="utf-8")
    assert "<script>" not in page
    assert "燃气泄漏" in page and pid in page and "decision: accepted" in page
    assert main(["incident", "report", "INC-09999", "--db", sqlite_url]) == 2
    assert "no incident 'INC-09999'" in capsys.readouterr().err
    # A name the report is not (HTML inside a .pdf): refused, nothing written.
    pdf = tmp_path / "record.pdf"
    assert main(["incident", "report", iid, "--db", sqlite_url, "--out", str(pdf)]) == 2
    assert "name the file .html or .json" in capsys.readouterr().err
    assert not pdf.exists()
