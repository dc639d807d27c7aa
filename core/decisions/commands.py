"""Joint-decision commands: raise a proposal, comment, vote, decide.

Who may do what is the seat matrix in `core.auth` (`require_seat`): a command names the
seat its actor sits in, and a seat the actor may not take, or one that may not vote or
decide, is refused with nothing recorded. So is a vote or a decision on a closed
proposal. What an accepted proposal does is carried out afterwards by ordinary commands
(`core.decisions.effects`).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from core.auth import require_seat
from core.commands.base import Command, Context, Decision, require_text
from core.decisions.tables import ProposalRow
from core.domain.kinds import UnitKind
from core.errors import NotFound, ValidationError
from core.playbooks.commands import ENDED, load_checklist

KINDS = ("level", "evacuate", "close_road", "mutual_aid", "notice", "text")
MAX_MUTUAL_AID = 20


def check_params(kind: str, params: dict[str, Any], checklist: dict[str, Any] | None
                 ) -> dict[str, Any]:
    """The parameters a proposal of `kind` needs, checked; `ValidationError` naming the
    field otherwise."""
    if kind not in KINDS:
        raise ValidationError(f"unknown proposal kind {kind!r} (kinds: {', '.join(KINDS)})",
                              field="kind")
    if kind == "level":
        if checklist is None:
            raise ValidationError("a level change needs an active playbook on the incident",
                                  field="params.level")
        levels = [lv["id"] for lv in checklist["levels"]]
        level = params.get("level")
        if level not in levels:
            raise ValidationError(f"no level {level!r} in playbook {checklist['playbook_id']}"
                                  f" (levels: {', '.join(levels)})", field="params.level")
        return {"level": level}
    if kind == "evacuate":
        cells = params.get("cells")
        if (not isinstance(cells, list) or not cells
                or not all(isinstance(c, str) and c.strip() for c in cells)):
            raise ValidationError("name the grid cells to evacuate", field="params.cells")
        return {"cells": [require_text(c, "params.cells", max_len=32, one_line=True)
                          for c in cells]}
    if kind == "close_road":
        road = {"road": require_text(params.get("road", ""), "params.road", max_len=200,
                                     allow_empty=False, one_line=True)}
        between = params.get("between")
        if between in (None, [], ()):
            return road
        if (not isinstance(between, list | tuple) or len(between) != 2
                or not all(isinstance(n, str) for n in between)):
            raise ValidationError("a stretch is between two cross streets, e.g. "
                                  "[\"Renmin Avenue\", \"Hubin Road\"]", field="params.between")
        return {**road, "between": [require_text(n, "params.between", max_len=200,
                                                 allow_empty=False, one_line=True)
                                    for n in between]}
    if kind == "notice":
        return {"notice_id": require_text(params.get("notice_id", ""), "params.notice_id",
                                          max_len=32, allow_empty=False,
                                          one_line=True).upper()}
    if kind == "mutual_aid":
        units = params.get("units")
        if not isinstance(units, list) or not units:
            raise ValidationError("list the units asked for, e.g. [{kind: ambulance, count: "
                                  "2}]", field="params.units")
        out, total = [], 0
        for n, u in enumerate(units):
            if not isinstance(u, dict) or u.get("kind") not in {k.value for k in UnitKind}:
                raise ValidationError(f"params.units[{n}].kind: choose a unit kind",
                                      field="params.units")
            count = u.get("count")
            if isinstance(count, bool) or not isinstance(count, int) or count < 1:
                raise ValidationError(f"params.units[{n}].count: a whole number from 1",
                                      field="params.units")
            total += count
            out.append({"kind": u["kind"], "count": count})
        if total > MAX_MUTUAL_AID:
            raise ValidationError(f"at most {MAX_MUTUAL_AID} units in one request",
                                  field="params.units")
        agency = require_text(params.get("agency", "neighbouring agency"), "params.agency",
                              max_len=80, allow_empty=False, one_line=True)
        return {"units": out, "agency": agency}
    return {}


def _check_names(ctx: Context, kind: str, params: dict[str, Any]) -> dict[str, Any]:
    """A road or cells the city has (the road as the city spells it), so a proposal the
    commander accepts can be carried out; unchecked when no city is stored."""
    from core.roads.closure_commands import canonical_road, stored_city_names

    if kind == "close_road":
        road = canonical_road(ctx.session, params["road"])
        if "between" not in params:
            return {**params, "road": road}
        from core.roads.closure_commands import stretch

        between = [canonical_road(ctx.session, n) for n in params["between"]]
        if stored_city_names(ctx.session) is not None:
            stretch(ctx.session, road, *between)  # refused now if there is no such stretch
        return {**params, "road": road, "between": between}
    if kind == "notice":
        return _notice_params(ctx, params["notice_id"])
    if kind == "evacuate":
        names = stored_city_names(ctx.session)
        unknown = [c for c in params["cells"] if names is not None and c not in names.cells]
        if unknown:
            raise NotFound(f"the city has no grid cell {', '.join(unknown)}",
                           field="params.cells")
    return params


def _notice_params(ctx: Context, notice_id: str) -> dict[str, Any]:
    """A notice waiting for approval: the revision put to the vote and its headlines,
    so everyone votes on the same text and acceptance approves exactly that revision."""
    from core.notices.query import fold, notice_events

    record = fold(notice_events(ctx.session)).get(notice_id)
    if record is None:
        raise NotFound(f"no notice {notice_id!r}", field="params.notice_id")
    if record.phase != "draft":
        raise ValidationError(f"notice {notice_id} has no revision waiting for approval "
                              f"(it is {record.phase})", field="params.notice_id")
    texts = record.content.get("texts") or {}
    return {"notice_id": notice_id, "revision": record.revision,
            "status": record.content.get("status", ""),
            "headlines": {lang: t.get("headline", "") for lang, t in texts.items()}}


def load_proposal(ctx: Context, proposal_id: str) -> dict[str, Any]:
    """The proposal as this transaction sees it (kept in `ctx.state` for the projection),
    or `NotFound`."""
    if proposal_id not in ctx.state.proposals:
        data = ctx.session.execute(select(ProposalRow.data).where(
            ProposalRow.id == proposal_id)).scalar_one_or_none()
        if data is None:
            raise NotFound(f"no proposal {proposal_id!r}", field="proposal_id")
        ctx.state.proposals[proposal_id] = copy.deepcopy(data)
    return ctx.state.proposals[proposal_id]


def _open_proposal(ctx: Context, proposal_id: str) -> dict[str, Any]:
    proposal = load_proposal(ctx, proposal_id)
    if proposal["status"] != "open":
        d = proposal["decision"] or {}
        raise ValidationError(f"proposal {proposal_id} is closed ({proposal['status']} by "
                              f"{d.get('by')} at {d.get('at')})", field="proposal_id")
    return proposal


@dataclass(frozen=True, slots=True)
class RaiseProposal(Command):
    """Put a proposal to the joint decision on an incident."""

    incident_id: str
    seat: str
    kind: str
    text: str
    params: dict[str, Any] = field(default_factory=dict)
    permission = "decision"

    def incident_ids(self) -> Iterable[str]:
        return (self.incident_id,)

    def decide(self, ctx: Context) -> Decision:
        seat = require_seat(ctx.actor, self.seat, "propose")
        incident = ctx.incident(self.incident_id)
        if incident.status in ENDED:
            raise ValidationError(f"incident {incident.id} is {incident.status}",
                                  field="incident_id")
        params = check_params(self.kind, dict(self.params),
                              load_checklist(ctx, self.incident_id))
        params = _check_names(ctx, self.kind, params)
        text = require_text(self.text, "text", max_len=2000, allow_empty=self.kind != "text")
        count = ctx.session.execute(select(func.count()).select_from(ProposalRow)).scalar_one()
        proposal_id = f"P-{count + 1:05d}"
        return Decision("proposal_raised", {
            "id": proposal_id, "incident_id": incident.id, "kind": self.kind,
            "params": params, "text": text, "seat": seat.value}, incident_id=incident.id)


@dataclass(frozen=True, slots=True)
class CommentProposal(Command):
    """Say something about an open proposal."""

    proposal_id: str
    seat: str
    text: str
    permission = "decision"

    def decide(self, ctx: Context) -> Decision:
        seat = require_seat(ctx.actor, self.seat, "comment")
        proposal = _open_proposal(ctx, self.proposal_id)
        return Decision("proposal_commented", {
            "id": proposal["id"], "incident_id": proposal["incident_id"], "seat": seat.value,
            "text": require_text(self.text, "text", max_len=2000, allow_empty=False)},
            incident_id=proposal["incident_id"])


@dataclass(frozen=True, slots=True)
class VoteProposal(Command):
    """Approve or reject an open proposal (once per person)."""

    proposal_id: str
    seat: str
    approve: bool
    note: str = ""
    permission = "decision"

    def decide(self, ctx: Context) -> Decision:
        seat = require_seat(ctx.actor, self.seat, "vote")
        proposal = _open_proposal(ctx, self.proposal_id)
        if not isinstance(self.approve, bool):
            raise ValidationError("a vote is approve or reject", field="approve")
        earlier = next((v for v in proposal["votes"] if v["by"] == ctx.actor.name), None)
        if earlier is not None:
            raise ValidationError(f"{ctx.actor.name} voted on {self.proposal_id} already "
                                  f"({earlier['vote']} at {earlier['at']})", field="approve")
        return Decision("proposal_voted", {
            "id": proposal["id"], "incident_id": proposal["incident_id"], "seat": seat.value,
            "vote": "approve" if self.approve else "reject",
            "note": require_text(self.note, "note", max_len=500)},
            incident_id=proposal["incident_id"])


@dataclass(frozen=True, slots=True)
class DecideProposal(Command):
    """The commander's decision: accept or reject, closing the proposal."""

    proposal_id: str
    seat: str
    accept: bool
    note: str = ""
    permission = "decision"

    def decide(self, ctx: Context) -> Decision:
        seat = require_seat(ctx.actor, self.seat, "decide")
        proposal = _open_proposal(ctx, self.proposal_id)
        if not isinstance(self.accept, bool):
            raise ValidationError("a decision is accept or reject", field="accept")
        votes = proposal["votes"]
        return Decision("proposal_decided", {
            "id": proposal["id"], "incident_id": proposal["incident_id"], "seat": seat.value,
            "outcome": "accepted" if self.accept else "rejected",
            "approve": sum(1 for v in votes if v["vote"] == "approve"),
            "reject": sum(1 for v in votes if v["vote"] == "reject"),
            "note": require_text(self.note, "note", max_len=2000)},
            incident_id=proposal["incident_id"])
