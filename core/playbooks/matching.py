"""Which playbooks fit an incident, best first, and why.

A playbook applies when the incident's type is one of its types and every condition it
sets holds (priority, time of day). Keywords and grid cells are not required but count
towards the score: a high-rise fire playbook beats the residential one for a call that
says "tower", and both match a plain structure fire.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import time

from core.domain.model import Incident
from core.playbooks.format import Playbook


@dataclass(frozen=True, slots=True)
class Match:
    """A playbook that applies, its score (higher first) and the reasons, each a pair
    (what matched: "type", "priority", "time", "words" or "cell"; the detail), so a
    console can say them in its own language."""

    playbook: Playbook
    score: int
    reasons: tuple[tuple[str, str], ...]

    def reason_text(self) -> str:
        """The reasons in English, e.g. "type structure_fire; words: tower"."""
        return "; ".join(f"{kind} {detail}" if kind in ("type", "priority", "time", "cell")
                         else f"{kind}: {detail}" for kind, detail in self.reasons)


def _in_hours(hours: tuple[str, str], at: time) -> bool:
    start, end = (time.fromisoformat(h) for h in hours)
    return start <= at < end if start <= end else (at >= start or at < end)


def match_playbooks(playbooks: Iterable[Playbook], incident: Incident, local_time: time
                    ) -> list[Match]:
    """The playbooks that apply to `incident`, best first (ties by id).

    `local_time` is the centre's local time of day, for playbooks limited to hours.
    """
    text = " ".join([incident.description, incident.address, *incident.notes]).casefold()
    out: list[Match] = []
    for pb in playbooks:
        a = pb.applies
        if incident.type not in a.types:
            continue
        score = 10
        reasons = [("type", incident.type)]
        if a.priority_at_most is not None:
            if incident.priority > a.priority_at_most:
                continue
            score += 2
            reasons.append(("priority", f"{incident.priority} <= {a.priority_at_most}"))
        if a.hours is not None:
            if not _in_hours(a.hours, local_time):
                continue
            score += 2
            reasons.append(("time", f"{local_time:%H:%M} in {a.hours[0]}-{a.hours[1]}"))
        words = [k for k in a.keywords if k in text]
        if words:
            score += 5 * len(words)
            reasons.append(("words", ", ".join(words)))
        if a.cells:
            cell = incident.cell_code or ""
            hit = next((c for c in a.cells if cell.startswith(c)), None)
            if hit is None:
                continue
            score += 3
            reasons.append(("cell", cell))
        out.append(Match(pb, score, tuple(reasons)))
    out.sort(key=lambda m: (-m.score, m.playbook.id))
    return out
