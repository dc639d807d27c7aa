"""The optimiser's problem and result files (JSON), validated on input.

Formats: `core/dispatch/schemas/optimize_problem.schema.json` and
`optimize_result.schema.json`, documented in docs/optimizer.md. Every mistake in a
problem raises `ValidationError` whose message starts with where it is, e.g.
"incidents[0].node: unknown node 'zz'".
"""

from __future__ import annotations

import json
from collections.abc import Hashable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import networkx as nx

from core.dispatch.allocate import Allocation, IncidentNeed, allocate
from core.dispatch.recommend import UnitState
from core.errors import ValidationError
from core.geo import GeoReference
from core.roads.network import RoadNetwork
from core.user_files import load_user_json

MAX_TOTAL_NEEDS = 20_000  # units needed by all incidents together (about 1 s to solve)


@dataclass(slots=True)
class Problem:
    """A parsed, validated optimisation problem."""

    network: RoadNetwork
    units: list[UnitState]
    incidents: list[IncidentNeed]
    weights: dict[int, float] | None
    unfilled_penalty_s: dict[int, float] | None


@cache
def schema(name: str) -> dict[str, Any]:
    """A bundled JSON Schema: 'optimize_problem' or 'optimize_result'."""
    text = resources.files("core.dispatch.schemas").joinpath(f"{name}.schema.json").read_text()
    return json.loads(text)


def _where(path: Any) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(top level)"


def _schema_error(doc: Any, name: str) -> None:
    validator = jsonschema.Draft202012Validator(schema(name))
    error = jsonschema.exceptions.best_match(validator.iter_errors(doc))
    if error is None:
        return
    where = _where(error.absolute_path)
    msg = error.message
    if error.validator == "additionalProperties":
        msg = msg.replace("Additional properties are not allowed", "unknown field(s)")
    elif error.validator == "dependentRequired":
        given = next((k for k, need in error.validator_value.items()
                      if k in error.instance and any(n not in error.instance for n in need)),
                     "")
        needed = ", ".join(n for n in error.validator_value.get(given, ())
                           if n not in error.instance)
        msg = f"{needed} is required with {given}"
    raise ValidationError(f"{where}: {msg}", field=where)


MAX_EXTENT_M = 1_000_000.0
"""How far from the origin a node may lie: a dispatch problem is one city or region,
and no city is 1,000 km across."""


def _reference(doc: dict[str, Any]) -> GeoReference | None:
    ref = doc.get("reference")
    if ref is None:
        return None
    try:
        return GeoReference(float(ref["origin_lat"]), float(ref["origin_lon"]),
                            str(ref.get("projection", "tmerc")))
    except ValueError as exc:
        raise ValidationError(f"reference: {exc}", field="reference") from None


def _node_xy(i: int, n: dict[str, Any], reference: GeoReference | None) -> tuple[float, float]:
    """A node's position in metres: its `x`/`y` (default 0), or its `lat`/`lon` through
    the problem's reference; within `MAX_EXTENT_M` of the origin either way."""
    where = f"network.nodes[{i}]"
    if "lat" in n:
        if "x" in n or "y" in n:
            raise ValidationError(f"{where}: give x and y or lat and lon, not both",
                                  field="lat")
        if reference is None:
            raise ValidationError(f"{where}.lat: positions in degrees need a top-level "
                                  "\"reference\" (the origin of the problem's metres)",
                                  field="lat")
        x, y = reference.to_local(float(n["lat"]), float(n["lon"]))
        what = f"({n['lat']}, {n['lon']})"
    else:
        x, y = float(n.get("x", 0.0)), float(n.get("y", 0.0))
        what = f"({x:.6g}, {y:.6g}) m"
    if not (abs(x) <= MAX_EXTENT_M and abs(y) <= MAX_EXTENT_M):  # NaN fails too
        away = "lat/lon" if "lat" in n else ("x" if not abs(x) <= MAX_EXTENT_M else "y")
        raise ValidationError(f"{where}.{away}: {what} is more than "
                              f"{MAX_EXTENT_M / 1000:,.0f} km from the origin"
                              + (" (latitude comes first)" if "lat" in n else ""),
                              field=away)
    return float(x), float(y)


def parse_problem(doc: Any) -> Problem:
    """Validate a problem document (already decoded from JSON) and build the objects."""
    _schema_error(doc, "optimize_problem")
    reference = _reference(doc)
    g = nx.DiGraph()
    for i, n in enumerate(doc["network"]["nodes"]):
        if n["id"] in g:
            raise ValidationError(f"network.nodes[{i}].id: duplicate node {n['id']!r}")
        x, y = _node_xy(i, n, reference)
        g.add_node(n["id"], x=x, y=y)
    for i, e in enumerate(doc["network"]["edges"]):
        for end in ("from", "to"):
            if e[end] not in g:
                raise ValidationError(
                    f"network.edges[{i}].{end}: unknown node {e[end]!r}", field=end
                )
        if g.has_edge(e["from"], e["to"]):
            raise ValidationError(
                f"network.edges[{i}]: duplicate edge {e['from']!r} -> {e['to']!r}"
            )
        attrs = {k: v for k, v in e.items() if k not in ("from", "to")}
        attrs["seconds"] = float(e["seconds"])
        g.add_edge(e["from"], e["to"], **attrs)
    network = RoadNetwork.from_graph(g)

    def node(where: str, value: Hashable) -> Hashable:
        if not network.has_node(value):
            raise ValidationError(f"{where}.node: unknown node {value!r}", field="node")
        return value

    units: list[UnitState] = []
    seen: set[str] = set()
    for i, u in enumerate(doc["units"]):
        if u["id"] in seen:
            raise ValidationError(f"units[{i}].id: duplicate unit {u['id']!r}")
        seen.add(u["id"])
        units.append(UnitState(
            id=u["id"], node=node(f"units[{i}]", u["node"]),
            capabilities=frozenset(u["capabilities"]), available=u.get("available", True),
            kind=u.get("kind", ""), label=u.get("label", ""),
        ))
    incidents: list[IncidentNeed] = []
    seen = set()
    for i, inc in enumerate(doc["incidents"]):
        if inc["id"] in seen:
            raise ValidationError(f"incidents[{i}].id: duplicate incident {inc['id']!r}")
        seen.add(inc["id"])
        incidents.append(IncidentNeed(
            id=inc["id"], node=node(f"incidents[{i}]", inc["node"]),
            priority=int(inc["priority"]), needs=dict(inc["needs"]),
        ))

    total = sum(int(n) for inc in incidents for n in inc.needs.values())
    if total > MAX_TOTAL_NEEDS:
        # The solver's work grows faster than the number of needed units: 100,000 of
        # them kept it busy for minutes, while no centre has more than a few thousand.
        raise ValidationError(f"incidents: {total:,} units needed in all; at most "
                              f"{MAX_TOTAL_NEEDS:,}", field="incidents")

    def by_priority(key: str) -> dict[int, float] | None:
        table = doc.get(key)
        return None if table is None else {int(k): float(v) for k, v in table.items()}

    return Problem(network, units, incidents, by_priority("weights"),
                   by_priority("unfilled_penalty_s"))


def load_problem(path: str | Path) -> Problem:
    """Read and validate a problem file; `UserError` says what is wrong and where.

    The file is read with the limits of `core.user_files` (size, nesting depth, no
    duplicate keys, finite numbers); the schema gives every number its range."""
    return parse_problem(load_user_json(path, "problem"))


def solve_problem(problem: Problem) -> Allocation:
    """The optimal allocation for a problem."""
    return allocate(problem.network, problem.incidents, problem.units, problem.weights,
                    problem.unfilled_penalty_s)


def result_document(allocation: Allocation) -> dict[str, Any]:
    """The result document, checked against its schema."""
    doc = allocation.to_dict()
    jsonschema.validate(doc, schema("optimize_result"))
    return doc
