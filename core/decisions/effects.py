"""What an accepted decision does, through ordinary commands.

`decide_proposal` records the commander's decision and then, for an accepted proposal
that maps to an action, runs the command that carries it out, as the same person:

- level: `ChangePlaybookLevel` (the checklist, the incident's needs and the dispatch
  recommendation follow);
- mutual_aid: `JoinMutualAid`, which puts the lent units on the roster at the incident
  (an ordinary `units_registered` event naming the proposal);
- evacuate: `StartEvacuation` of the cells, naming the proposal (so a cell with no
  registered household is still evacuated, and its board says so); the map marks the
  cells of every evacuation under way;
- close_road: `CloseRoad` (`core.roads.closure_commands`): every process that follows
  the log routes around it, and the map draws it closed, until `beacon road reopen`;
- notice: `ApproveNotice` of the revision put to the vote (`core.notices.commands`):
  the one who decided is the notice's second person (never its drafter), and a notice
  changed since is refused; publishing stays a step of its own in the notices panel.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from core.auth import Actor
from core.commands.base import Command, Context, Decision
from core.decisions.commands import DecideProposal, load_proposal
from core.domain.kinds import UNIT_AGENCY, UnitKind
from core.errors import ValidationError
from core.events import Event
from core.notices.commands import ApproveNotice
from core.playbooks.commands import ChangePlaybookLevel
from core.registry.evacuation_commands import StartEvacuation
from core.roads.closure_commands import CloseRoad
from core.store.schema import UnitRow


@dataclass(frozen=True, slots=True)
class JoinMutualAid(Command):
    """Put the units an accepted mutual-aid proposal asked for on the roster, at the
    incident, available for its dispatch (ids MA-<proposal number>-<n>)."""

    proposal_id: str
    permission = "playbook_level"

    def decide(self, ctx: Context) -> Decision:
        proposal = load_proposal(ctx, self.proposal_id)
        if proposal["kind"] != "mutual_aid" or proposal["status"] != "accepted":
            raise ValidationError(f"proposal {self.proposal_id} is not an accepted request "
                                  "for mutual aid", field="proposal_id")
        incident = ctx.incident(proposal["incident_id"])
        number = self.proposal_id.split("-")[-1]
        agency = proposal["params"]["agency"]
        rows, n = [], 0
        for asked in proposal["params"]["units"]:
            kind = UnitKind(asked["kind"])
            for _ in range(asked["count"]):
                n += 1
                uid = f"MA-{number}-{n}"
                if ctx.session.get(UnitRow, uid) is not None:
                    raise ValidationError(f"the units of {self.proposal_id} joined already",
                                          field="proposal_id")
                rows.append({"id": uid, "name": f"{agency} {kind.value} {n}"[:120],
                             "kind": kind.value, "agency": UNIT_AGENCY[kind].value,
                             "station": "mutual aid", "x": incident.x, "y": incident.y})
        return Decision("units_registered", {"units": rows, "proposal": self.proposal_id,
                                             "incident_id": incident.id},
                        incident_id=incident.id)

    def incident_ids(self) -> Iterable[str]:
        return ()


def effect_command(proposal: dict) -> Command | None:
    """The command that carries out an accepted proposal, or None (free text)."""
    kind, params, pid = proposal["kind"], proposal["params"], proposal["id"]
    if kind == "level":
        return ChangePlaybookLevel(proposal["incident_id"], params["level"],
                                   reason=f"decision {pid}")
    if kind == "mutual_aid":
        return JoinMutualAid(pid)
    if kind == "evacuate":
        return StartEvacuation(proposal["incident_id"], tuple(params["cells"]), proposal=pid)
    if kind == "notice":
        return ApproveNotice(params["notice_id"], revision=params["revision"])
    if kind == "close_road":
        text = proposal.get("text") or ""
        return CloseRoad(params["road"], f"decision {pid}" + (f": {text}" if text else ""),
                         incident_id=proposal["incident_id"], proposal=pid,
                         between=tuple(params.get("between") or ()))
    return None


def decide_proposal(service, proposal_id: str, seat: str, accept: bool,  # noqa: ANN001
                    actor: Actor, note: str = "") -> list[Event]:
    """Record the decision and, when accepted, carry it out; returns the events.

    A refused decision raises and records nothing. When the decision is recorded but
    its action is refused (the level was changed meanwhile, say), the decision stands
    and the `ValidationError` of the action is raised, naming the proposal.
    """
    events = [service.execute(DecideProposal(proposal_id, seat, accept, note), actor)]
    if not accept:
        return events
    with service.db.session() as session:
        from core.decisions.tables import ProposalRow

        proposal = session.execute(select(ProposalRow.data).where(
            ProposalRow.id == proposal_id)).scalar_one()
    command = effect_command(proposal)
    if command is not None:
        try:
            events.append(service.execute(command, actor))
        except ValidationError as exc:
            raise ValidationError(f"{proposal_id} was accepted, but its action was refused: "
                                  f"{exc}", field=exc.field) from None
    return events


def evacuated_cells(state) -> dict[str, str]:  # noqa: ANN001 - core.domain.state.State
    """Grid cells being evacuated now, with the evacuation (for the map to mark them)."""
    return {cell: e.evacuation_id
            for e in sorted(state.evacuations.values(), key=lambda e: e.evacuation_id)
            if e.open for cell in e.cells}


def closed_roads(state) -> dict[str, str]:  # noqa: ANN001 - core.domain.state.State
    """Roads closed now, with what closed them: the proposal, or the person."""
    from core.roads.closures import closed_now, closure_key

    return {closure_key(r["road"], r.get("between") or []): r["proposal"] or r["closed_by"]
            for r in closed_now(state)}
