"""The after-action report's figures, from a `DrillRecord`, and comparisons of policies.

Every figure is a plain number rounded to a tenth of a second (or a ten-thousandth of a
share), computed from simulated times only, so two runs of the same seed give the same
JSON byte for byte. A call no unit reached counts, for its time to first arrival, as
having waited to the end of the drill (`"censored"`): dropping it would reward a policy
that lets calls starve.
"""

from __future__ import annotations

import json
import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from core.domain.incident_types import INCIDENT_TYPES
from core.drill.record import COVER_CAPABILITIES, CallRecord, DrillRecord

REPORT_VERSION = 1
LONGEST_WAITS = 10
MAX_LISTED = 50  # breaches and decisions listed in full, at most


def _r(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(float(value), digits)


def _stats(values: Sequence[float]) -> dict[str, float | None]:
    if not values:
        return {"p50": None, "p90": None, "max": None}
    a = np.asarray(values, dtype=np.float64)
    return {"p50": _r(np.percentile(a, 50)), "p90": _r(np.percentile(a, 90)),
            "max": _r(a.max())}


def _arrival(call: CallRecord, end_s: float) -> float:
    return (call.arrived_s if call.arrived_s is not None else end_s) - call.at_s


def _group(calls: Sequence[CallRecord], end_s: float) -> dict[str, Any]:
    standard = [INCIDENT_TYPES[c.type].response_standard_s for c in calls]
    reached = [c for c in calls if c.arrived_s is not None]
    within = sum(1 for c, s in zip(calls, standard, strict=True)
                 if c.arrived_s is not None and c.arrived_s - c.at_s <= s)
    return {
        "calls": len(calls),
        "reached": len(reached),
        "censored": len(calls) - len(reached),
        "to_dispatch_s": _stats([(c.dispatched_s if c.dispatched_s is not None else end_s)
                                 - c.at_s for c in calls]),
        "to_arrival_s": _stats([_arrival(c, end_s) for c in calls]),
        "within_standard": _r(within / len(calls), 4) if calls else None,
    }


def figures(record: DrillRecord, *, scenario: str, policy: str, seed: int,
            duration_s: float, city: str, units: Mapping[str, str]) -> dict[str, Any]:
    """The report of one run (`units`: unit id -> kind)."""
    end = float(duration_s)
    calls = record.calls
    by_priority = {str(p): _group([c for c in calls if c.priority == p], end)
                   for p in sorted({c.priority for c in calls})}
    by_type = {t: _group([c for c in calls if c.type == t], end)
               for t in sorted({c.type for c in calls})}
    longest = sorted(calls, key=lambda c: (-_arrival(c, end), c.n))[:LONGEST_WAITS]
    breaches = [c for c in calls
                if _arrival(c, end) > INCIDENT_TYPES[c.type].response_standard_s]
    util_by_kind: dict[str, list[float]] = {}
    for unit_id, kind in sorted(units.items()):
        util_by_kind.setdefault(kind, []).append(record.busy_s.get(unit_id, 0.0) / end)
    coverage_mean = {cap: _r(statistics.fmean(s.coverage[cap] for s in record.samples), 4)
                     if record.samples else None for cap in COVER_CAPABILITIES}
    return {
        "report": "beacon-drill", "version": REPORT_VERSION,
        "scenario": scenario, "policy": policy, "seed": seed, "city": city,
        "simulated_h": _r(end / 3600, 3),
        "calls": len(calls),
        "overall": _group(list(calls), end),
        "by_priority": by_priority,
        "by_type": by_type,
        "coverage": {
            "standard_s": 480, "mean": coverage_mean,
            "samples": [[_r(s.at_s), *(s.coverage[c] for c in COVER_CAPABILITIES)]
                        for s in record.samples],
            "columns": ["at_s", *COVER_CAPABILITIES],
        },
        "utilisation": {
            "by_kind": {k: {"units": len(v), "mean": _r(statistics.fmean(v), 4),
                            "max": _r(max(v), 4)} for k, v in sorted(util_by_kind.items())},
            "busiest": [[u, _r(record.busy_s.get(u, 0.0) / end, 4)] for u in sorted(
                units, key=lambda u: (-record.busy_s.get(u, 0.0), u))[:10]],
        },
        "longest_waits": [_call_line(c, end) for c in longest],
        "breaches": {"count": len(breaches),
                     "listed": [_call_line(c, end) for c in breaches[:MAX_LISTED]]},
        "timeline": {
            "columns": ["at_s", "waiting", "busy_units", "available_units"],
            "samples": [[_r(s.at_s), s.waiting, s.busy_units, s.available_units]
                        for s in record.samples],
        },
        "decisions": {"dispatches": record.dispatches, "redirects": record.redirects,
                      "move_ups": record.move_ups, "returns": record.returns,
                      "notes": len(record.notes),
                      "listed": [[_r(t), text] for t, text in record.notes[:MAX_LISTED]]},
        "problems": list(record.problems),
    }


def _call_line(c: CallRecord, end_s: float) -> dict[str, Any]:
    return {"call": c.n, "type": c.type, "priority": c.priority, "address": c.address,
            "at_s": _r(c.at_s), "to_dispatch_s": _r(None if c.dispatched_s is None
                                                     else c.dispatched_s - c.at_s),
            "to_arrival_s": _r(_arrival(c, end_s)), "reached": c.arrived_s is not None,
            "standard_s": INCIDENT_TYPES[c.type].response_standard_s,
            "redirected_away": c.redirected_away}


def to_json(doc: Mapping[str, Any]) -> str:
    """The report as JSON text: sorted keys, so equal figures give equal bytes."""
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


# -- comparisons ---------------------------------------------------------------------

#: (label, path into a run's figures) of the measures a comparison puts side by side.
def _measures(priorities: Iterable[str]) -> list[tuple[str, tuple[str, ...]]]:
    out = []
    for p in priorities:
        for what, key in (("to_arrival_s", "p90"), ("to_arrival_s", "max"),
                          ("to_arrival_s", "p50"), ("to_dispatch_s", "p90"),
                          ("to_dispatch_s", "max")):
            label = f"P{p} call to {'arrival' if what == 'to_arrival_s' else 'dispatch'} {key}"
            out.append((label, ("by_priority", p, what, key)))
        out.append((f"P{p} within standard", ("by_priority", p, "within_standard")))
    out.append(("all within standard", ("overall", "within_standard")))
    out.append(("mean coverage, ems", ("coverage", "mean", "ems")))
    return out


def _dig(doc: Mapping[str, Any], path: tuple[str, ...]) -> float | None:
    value: Any = doc
    for key in path:
        if not isinstance(value, Mapping) or key not in value:
            return None
        value = value[key]
    return None if value is None else float(value)


def paired_ci(diffs: Sequence[float]) -> tuple[float, float, float]:
    """Mean of paired differences and its 95 % confidence interval (Student's t)."""
    from scipy.stats import t

    n = len(diffs)
    mean = statistics.fmean(diffs)
    if n < 2:
        return mean, -math.inf, math.inf
    half = t.ppf(0.975, n - 1) * statistics.stdev(diffs) / math.sqrt(n)
    return mean, mean - half, mean + half


def compare(runs: Mapping[str, Mapping[int, Mapping[str, Any]]], baseline: str,
            scenario: str) -> dict[str, Any]:
    """Policies side by side: `runs[policy][seed]` are `figures`; each other policy is
    compared with `baseline` seed by seed (paired), mean difference and 95 % CI."""
    policies = list(runs)
    seeds = sorted(runs[baseline])
    priorities = sorted({p for by_seed in runs.values() for f in by_seed.values()
                         for p in f["by_priority"]})
    rows = []
    for label, path in _measures(priorities):
        row: dict[str, Any] = {"measure": label, "mean": {}, "vs": {}}
        for policy in policies:
            values = [_dig(runs[policy][s], path) for s in seeds]
            known = [v for v in values if v is not None]
            row["mean"][policy] = _r(statistics.fmean(known), 4) if known else None
        for policy in policies:
            if policy == baseline:
                continue
            pairs = [(_dig(runs[policy][s], path), _dig(runs[baseline][s], path))
                     for s in seeds]
            diffs = [a - b for a, b in pairs if a is not None and b is not None]
            if not diffs:
                continue
            mean, lo, hi = paired_ci(diffs)
            base = row["mean"][baseline]
            row["vs"][policy] = {
                "diff": _r(mean, 4), "ci95": [_r(lo, 4), _r(hi, 4)],
                "relative": _r(mean / base, 4) if base else None, "pairs": len(diffs)}
        rows.append(row)
    return {"report": "beacon-drill-compare", "version": REPORT_VERSION,
            "scenario": scenario, "baseline": baseline, "policies": policies,
            "seeds": seeds, "rows": rows,
            "runs": {p: {str(s): runs[p][s] for s in seeds} for p in policies}}
