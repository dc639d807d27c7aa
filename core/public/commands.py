"""Commands of the public side: give an incident a reference code, file a community report.

Both are ordinary commands (validated, one event each, with an actor). The public web
service acts as `PUBLIC_ACTOR`, whose role may do nothing but file community reports.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from core.auth import Actor
from core.commands.base import Command, Context, Decision, require_coordinate, require_text
from core.domain.kinds import Role
from core.domain.lifecycle import IncidentStatus
from core.errors import ValidationError
from core.public.refcode import code_hash, new_code
from core.registry.validate import ID_RE

PUBLIC_ACTOR = Actor("public", Role.OBSERVER)
"""Who the public web service acts for: an observer, so that whatever it could be made
to issue, only `FileCommunityReport` (permission "community_report") is allowed."""

HASH_RE = re.compile(r"^[0-9a-f]{64}$")

COMMUNITY_CATEGORIES = ("blocked_fire_lane", "streetlight", "hazard", "broken_hydrant",
                        "other")
"""What a resident may report (registry report types; "check_in_needed" is the grid
worker's own)."""

COMMUNITY_ID_PREFIX = "CR-"
"""Record ids of residents' community reports (`FileCommunityReport`): what the console
tells apart from a grid worker's own reports."""


def is_community_report(record_id: str) -> bool:
    """Whether registry report `record_id` was filed by a resident on the public page."""
    return str(record_id).startswith(COMMUNITY_ID_PREFIX)


REPORT_TEXT_MAX = 500
REPORT_ADDRESS_MAX = 200


@dataclass(frozen=True, slots=True)
class IssueReferenceCode(Command):
    """Give an incident its reference code (only the code's hash is recorded).

    Made by `issue_code`, which returns the code itself to show the call-taker once.
    An incident that has a code gets a new one in its place (the caller lost theirs):
    the old code stops working.
    """

    incident_id: str
    code_hash: str

    def incident_ids(self) -> Iterable[str]:
        return (self.incident_id,)

    def decide(self, ctx: Context) -> Decision:
        incident = ctx.incident(self.incident_id)
        if incident.status in (IncidentStatus.CLOSED, IncidentStatus.CANCELLED):
            raise ValidationError(f"incident {incident.id} is {incident.status.value}: no "
                                  "reference code for it", field="incident_id")
        if not isinstance(self.code_hash, str) or not HASH_RE.match(self.code_hash):
            raise ValidationError("code_hash must be the SHA-256 (hex) of a reference code",
                                  field="code_hash")
        from sqlalchemy import select

        from core.public.tables import ReferenceCodeRow

        taken = ctx.session.execute(select(ReferenceCodeRow.incident_id).where(
            ReferenceCodeRow.code_hash == self.code_hash)).first()
        if taken is not None:
            raise ValidationError("that reference code is in use already: make a new one",
                                  field="code_hash")
        return Decision("reference_code_issued",
                        {"incident_id": incident.id, "code_hash": self.code_hash},
                        incident_id=incident.id)


def issue_code(service, incident_id: str, actor: Actor) -> str:  # noqa: ANN001
    """Issue a new reference code for `incident_id` as `actor` through `service` (a
    `core.service.CommandService`); returns the code, which is never stored in the log:
    show it now. With an SMS gateway configured (`[delivery] config` in the settings)
    and a callback number, it is also queued as a text to the caller, whose delivery
    record keeps it until the caller's data is erased (docs/public.md)."""
    code = new_code()
    service.execute(IssueReferenceCode(incident_id, code_hash(code)), actor)
    text_code(getattr(service, "db", None), incident_id, code)
    return code


def text_code(db, incident_id: str, code: str) -> int:  # noqa: ANN001
    """Queue the code's text message to the caller (core.delivery.residents) after
    `IssueReferenceCode` was recorded in `db` (None: a service without a database of
    its own, nothing to queue). The code is recorded already, and the call-taker reads
    it out: a delivery settings file that cannot be read is logged, never a reason to
    lose the code. Returns how many text messages were queued (0: none)."""
    import logging

    from core.delivery.residents import send_reference_code
    from core.errors import UserError

    if db is None:
        return 0
    try:
        return send_reference_code(db, incident_id, code)
    except UserError as exc:
        logging.getLogger(__name__).warning(
            "the reference code of %s is not texted: %s", incident_id, exc)
        return 0


@dataclass(frozen=True, slots=True)
class FileCommunityReport(Command):
    """A resident's non-emergency report (a blocked fire lane, a broken streetlight):
    recorded as a registry report of the cell, owned by the cell's grid worker.

    The public service resolves the address or cell to `cell`, `worker` and a point;
    the text is kept as typed (checked for characters that cannot be stored) and every
    display escapes it.
    """

    category: str
    text: str
    address: str
    cell: str
    worker: str | None = None
    x: float | None = None
    y: float | None = None
    permission = "community_report"

    def decide(self, ctx: Context) -> Decision:
        if self.category not in COMMUNITY_CATEGORIES:
            raise ValidationError(f"category must be one of {', '.join(COMMUNITY_CATEGORIES)}",
                                  field="category")
        text = require_text(self.text, "text", max_len=REPORT_TEXT_MAX, allow_empty=False)
        address = require_text(self.address, "address", max_len=REPORT_ADDRESS_MAX,
                               one_line=True)
        if not isinstance(self.cell, str) or not ID_RE.match(self.cell):
            raise ValidationError("a community report needs a grid cell", field="cell")
        if self.worker is not None and not (isinstance(self.worker, str)
                                            and ID_RE.match(self.worker)):
            raise ValidationError("worker must be a unit id", field="worker")
        x = None if self.x is None else require_coordinate(self.x, "x")
        y = None if self.y is None else require_coordinate(self.y, "y")
        now: datetime = ctx.now
        record = {
            "id": f"{COMMUNITY_ID_PREFIX}{ctx.seq}", "cell": self.cell, "worker": self.worker,
            "x": x, "y": y, "verified_at": None, "verified_by": "",
            "data": {"type": self.category, "description": text, "state": "open",
                     "owner": self.worker or "", "address": address,
                     "reported_at": now.isoformat()},
        }
        return Decision("registry_records_recorded", {
            "kind": "report", "records": [record], "source": "public"})
