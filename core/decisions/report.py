"""The after-action record of one incident: its timeline, its playbook (every step and
level change, with actor and time) and every proposal, comment, vote and decision, with
what each decision did. Built from the event log alone, so it matches the log.

`incident_report` gives the record as JSON-ready data; `render_html` turns it into one
self-contained HTML page (no scripts, no outside files).
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any

from core.domain.state import State
from core.errors import NotFound
from core.events import Event, iso
from core.local_time import format_local
from core.store import event_log
from core.store.database import Database

# What a timeline line says of each event (the payload fields worth reading).
_SUMMARY_FIELDS = ("type", "priority", "status", "units", "text", "description", "step",
                   "reason", "note", "level", "previous", "rule", "kind", "id", "vote",
                   "outcome", "seat")


def _summary(event: Event) -> str:
    p = event.payload
    parts = []
    for key in _SUMMARY_FIELDS:
        value = p.get(key)
        if value in (None, "", [], {}):
            continue
        if isinstance(value, list):
            value = ", ".join(str(v) if not isinstance(v, dict) else v.get("id", "")
                              for v in value)
        parts.append(f"{key}={value}")
    return "; ".join(parts)


def incident_report(db: Database, incident_id: str) -> dict[str, Any]:
    """The record of `incident_id` from the log; `NotFound` if the log has none.

    Personal data of callers (outside the hashed payload) is left out: the record is
    for review and may travel.
    """
    with db.session() as session:
        events = event_log.query(session, event_log.EventQuery(incident_id=incident_id))
        if not events:
            raise NotFound(f"no incident {incident_id!r} in the log", field="incident_id")
        state = State()
        for event in event_log.iter_all(session):
            if event.seq > events[-1].seq:
                break
            state.apply(event)
    incident = state.incidents.get(incident_id)
    proposals = sorted((p for p in state.proposals.values()
                        if p["incident_id"] == incident_id), key=lambda p: p["id"])
    effects: dict[str, list[dict[str, Any]]] = {}
    for e in events:
        pid = e.payload.get("proposal") or (
            e.payload.get("reason", "")[len("decision "):]
            if str(e.payload.get("reason", "")).startswith("decision P-") else "")
        if e.type == "note_added" and str(e.payload.get("text", "")).startswith("Decision P-"):
            pid = e.payload["text"].split(":", 1)[0][len("Decision "):]
        if pid:
            effects.setdefault(pid, []).append({"seq": e.seq, "at": iso(e.at),
                                                "actor": e.actor, "type": e.type,
                                                "summary": _summary(e)})
    checklist = state.playbooks.get(incident_id)
    return {
        "incident": None if incident is None else {
            "id": incident.id, "type": incident.type, "priority": incident.priority,
            "status": incident.status.value, "address": incident.address,
            "cell_code": incident.cell_code, "created_at": iso(incident.created_at),
            "level": incident.level, "units": list(incident.units)},
        "playbook": None if checklist is None else {
            "id": checklist["playbook_id"], "hash": checklist["hash"],
            "title": checklist["title"], "activated_at": checklist["activated_at"],
            "activated_by": checklist["activated_by"], "level": checklist["level"],
            "levels": checklist["history"],
            "steps": [{"id": s["id"], "role": s["role"], "level": s["level"],
                       "text": s["text"], "state": s["state"], "by": s["by"],
                       "at": s["at"], "reason": s["reason"]} for s in checklist["steps"]],
            "references": checklist["references"]},
        "proposals": [{**p, "effects": effects.get(p["id"], [])} for p in proposals],
        "timeline": [{"seq": e.seq, "at": iso(e.at), "actor": e.actor, "type": e.type,
                      "summary": _summary(e)} for e in events],
        "log": {"first_seq": events[0].seq, "last_seq": events[-1].seq,
                "last_hash": events[-1].hash},
    }


def render_html(report: dict[str, Any], time_zone: str, language: str = "en") -> str:
    """One HTML page of the record, times in the centre's zone."""
    def t(at: str | None) -> str:
        return "" if not at else escape(format_local(datetime.fromisoformat(at), time_zone))

    def row(*cells: object) -> str:
        return "<tr>" + "".join(f"<td>{escape(str(c)) if c is not None else ''}</td>"
                                for c in cells) + "</tr>"

    inc = report["incident"] or {}
    out = ["<!DOCTYPE html>", f'<html lang="{escape(language)}"><head><meta charset="utf-8">',
           f"<title>After-action record {escape(str(inc.get('id', '')))}</title>",
           "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;"
           "margin-bottom:1.5em}td,th{border:1px solid #999;padding:3px 6px;text-align:left;"
           "vertical-align:top}th{background:#eee}.skipped{color:#a60}</style></head><body>",
           f"<h1>After-action record: {escape(str(inc.get('id', '')))}</h1>",
           f"<p>{escape(str(inc.get('type', '')))} · priority {inc.get('priority')} · "
           f"{escape(str(inc.get('address', '')))} · status {escape(str(inc.get('status')))}"
           f" · opened {t(inc.get('created_at'))}</p>"]
    pb = report["playbook"]
    if pb:
        out.append(f"<h2>Playbook: {escape(pb['title'].get(language, pb['title']['en']))}</h2>")
        out.append(f"<p>{escape(pb['id'])}, content hash <code>{escape(pb['hash'])}</code>, "
                   f"activated by {escape(pb['activated_by'])} at {t(pb['activated_at'])}</p>")
        out.append("<h3>Levels</h3><table><tr><th>Time</th><th>Level</th><th>From</th>"
                   "<th>By</th><th>Rule</th><th>Reason</th></tr>")
        out += [row(format_local(datetime.fromisoformat(h["at"]), time_zone), h["level"],
                    h["previous"] or "", h["by"], h["rule"] or "", h["reason"])
                for h in pb["levels"]]
        out.append("</table><h3>Steps</h3><table><tr><th>Step</th><th>Owner</th>"
                   "<th>Level</th><th>State</th><th>By</th><th>When</th><th>Reason</th></tr>")
        for s in pb["steps"]:
            out.append(row(s["text"].get(language, s["text"]["en"]), s["role"], s["level"],
                           s["state"], s["by"] or "",
                           format_local(datetime.fromisoformat(s["at"]), time_zone)
                           if s["at"] else "", s["reason"]))
        out.append("</table>")
    out.append("<h2>Joint decisions</h2>")
    if not report["proposals"]:
        out.append("<p>No proposal was raised.</p>")
    for p in report["proposals"]:
        out.append(f"<h3>{escape(p['id'])}: {escape(p['kind'])} {escape(str(p['params']))} "
                   f"({escape(p['status'])})</h3>")
        out.append(f"<p>Proposed by {escape(p['by'])} ({escape(p['seat'])}) at {t(p['at'])}"
                   f"{': ' + escape(p['text']) if p['text'] else ''}</p>")
        out.append("<table><tr><th>Time</th><th>Who</th><th>Seat</th><th>What</th></tr>")
        for c in p["comments"]:
            out.append(row(format_local(datetime.fromisoformat(c["at"]), time_zone), c["by"],
                           c["seat"], f"comment: {c['text']}"))
        for v in p["votes"]:
            out.append(row(format_local(datetime.fromisoformat(v["at"]), time_zone), v["by"],
                           v["seat"], f"vote: {v['vote']} {v['note']}".strip()))
        d = p["decision"]
        if d:
            out.append(row(format_local(datetime.fromisoformat(d["at"]), time_zone), d["by"],
                           d["seat"], f"decision: {d['outcome']} {d['note']}".strip()))
        for e in p["effects"]:
            out.append(row(format_local(datetime.fromisoformat(e["at"]), time_zone),
                           e["actor"], "", f"effect (event {e['seq']}): {e['type']} "
                           f"{e['summary']}"))
        out.append("</table>")
    out.append("<h2>Timeline</h2><table><tr><th>Event</th><th>Time</th><th>Actor</th>"
               "<th>Type</th><th>Details</th></tr>")
    out += [row(e["seq"], format_local(datetime.fromisoformat(e["at"]), time_zone), e["actor"],
                e["type"], e["summary"]) for e in report["timeline"]]
    log = report["log"]
    out.append(f"</table><p>From the event log, events {log['first_seq']} to "
               f"{log['last_seq']} (hash of the last: <code>{escape(log['last_hash'])}</code>)."
               " <code>beacon audit verify</code> checks the log.</p></body></html>")
    return "\n".join(out) + "\n"
