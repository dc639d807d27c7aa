"""How reference-code events change `State.refcodes` and the `reference_codes` table.

Community reports need no handler of their own: they are registry records of kind
"report" (`registry_records_recorded`, `core.registry.projection`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from core.events import Event

if TYPE_CHECKING:
    from core.domain.state import State

ISSUED = "reference_code_issued"


def _code_issued(state: State, e: Event) -> None:
    state.refcodes[e.payload["incident_id"]] = {
        "code_hash": e.payload["code_hash"], "issued_at": e.at, "issued_seq": e.seq}


HANDLERS = {ISSUED: _code_issued}


def row_values(code: Mapping[str, Any]) -> dict[str, Any]:
    """The table's columns for one incident's code (also what the audit expects)."""
    return {"code_hash": code["code_hash"], "issued_at": code["issued_at"],
            "issued_seq": code["issued_seq"]}


def table_values(code: Mapping[str, Any], writer: Any, stored: Mapping[str, Any] | None
                 ) -> dict[str, Any]:
    """What `ProjectedTable` writes for a code ({} when the row already says it)."""
    values = row_values(code)
    if stored is not None and all(stored[c] == values[c] for c in values):
        return {}
    return values
