"""What an accepted decision does, through ordinary commands.

`decide_proposal` records the commander's decision and then, for an accepted proposal
that maps to an action, runs the command that carries it out, as the same person:

- level: `ChangePlaybookLevel` (the checklist, the incident's needs and the dispatch
  recommendation follow);
- mutual_aid: `JoinMutualAid`, which puts the lent units on the roster at the incident
  (an ordinary `units_registered` event naming the proposal);
- evacuate, close_road: a note on the incident recording what was decided. Marking the
  cells on the map and routing around the road are not built yet.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from core.auth import Actor
from core.commands.base import Command, Context, Decision
from core.commands.incidents import AddNote
from core.decisions.commands import DecideProposal, load_proposal
from core.domain.kinds import UNIT_AGENCY, UnitKind
from core.errors import ValidationError
from core.events import Event
from core.playbooks.commands import ChangePlaybookLevel
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
        return AddNote(proposal["incident_id"], f"Decision {pid}: evacuate grid cells "
                       f"{', '.join(params['cells'])}")
    if kind == "close_road":
        return AddNote(proposal["incident_id"], f"Decision {pid}: close {params['road']}")
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
    """Grid cells whose evacuation was decided, with the proposal that decided it (for
    the map to mark them; open incidents only)."""
    open_ids = {i.id for i in state.open_incidents()}
    return {cell: p["id"] for p in sorted(state.proposals.values(), key=lambda p: p["id"])
            if p["kind"] == "evacuate" and p["status"] == "accepted"
            and p["incident_id"] in open_ids for cell in p["params"]["cells"]}


def closed_roads(state) -> dict[str, str]:  # noqa: ANN001 - core.domain.state.State
    """Roads whose closure was decided, with the proposal (for the map and, later, the
    road network to route around; open incidents only)."""
    open_ids = {i.id for i in state.open_incidents()}
    return {p["params"]["road"]: p["id"]
            for p in sorted(state.proposals.values(), key=lambda p: p["id"])
            if p["kind"] == "close_road" and p["status"] == "accepted"
            and p["incident_id"] in open_ids}
