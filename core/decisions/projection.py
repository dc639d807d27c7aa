"""How decision events change the state: `State.proposals` (proposal id -> record).

A record is plain JSON (stored as it is in `decision_proposals.data`):

    {"id", "incident_id", "kind", "params", "text", "seat", "by", "at",
     "status": "open"|"accepted"|"rejected",
     "comments": [{"by", "seat", "at", "text"}],
     "votes": [{"by", "seat", "at", "vote": "approve"|"reject", "note"}],
     "decision": None | {"by", "seat", "at", "outcome", "note"}}
"""

from __future__ import annotations

from typing import Any

from core.events import Event, iso


def _raised(state: Any, e: Event) -> None:
    p = e.payload
    state.proposals[p["id"]] = {
        "id": p["id"], "incident_id": p["incident_id"], "kind": p["kind"],
        "params": dict(p["params"]), "text": p["text"], "seat": p["seat"], "by": e.actor,
        "at": iso(e.at), "status": "open", "comments": [], "votes": [], "decision": None,
    }


def _commented(state: Any, e: Event) -> None:
    p = e.payload
    state.proposals[p["id"]]["comments"].append(
        {"by": e.actor, "seat": p["seat"], "at": iso(e.at), "text": p["text"]})


def _voted(state: Any, e: Event) -> None:
    p = e.payload
    state.proposals[p["id"]]["votes"].append(
        {"by": e.actor, "seat": p["seat"], "at": iso(e.at), "vote": p["vote"],
         "note": p.get("note", "")})


def _decided(state: Any, e: Event) -> None:
    p = e.payload
    proposal = state.proposals[p["id"]]
    proposal["status"] = p["outcome"]
    proposal["decision"] = {"by": e.actor, "seat": p["seat"], "at": iso(e.at),
                            "outcome": p["outcome"], "note": p.get("note", "")}


HANDLERS = {
    "proposal_raised": _raised,
    "proposal_commented": _commented,
    "proposal_voted": _voted,
    "proposal_decided": _decided,
}
