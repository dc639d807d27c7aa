"""Problem files with node positions in latitude/longitude through a top-level reference,
and positions out of range refused naming the node."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

import pytest

from core.cli.main import main
from core.dispatch.problem_file import parse_problem
from core.errors import ValidationError
from core.geo import GeoReference
from tests.core.test_optimize_cli import PROBLEM

REF = GeoReference(30.27, 120.15)


def _in_degrees(doc: dict[str, Any]) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    doc["reference"] = {"origin_lat": REF.origin_lat, "origin_lon": REF.origin_lon}
    for node in doc["network"]["nodes"]:
        node["lat"], node["lon"] = REF.to_latlon(node.pop("x"), node.pop("y"))
    return doc


def test_nodes_in_degrees_land_where_the_reference_puts_them(tmp_path: Path) -> None:
    doc = _in_degrees(PROBLEM)
    problem = parse_problem(doc)
    for node in PROBLEM["network"]["nodes"]:
        i = problem.network.index_of(node["id"])
        assert problem.network.xy[i] == pytest.approx((node["x"], node["y"]), abs=0.01)
    # The same answer as the problem in metres, from the command line.
    out = {}
    for name, d in (("metres", PROBLEM), ("degrees", doc)):
        (tmp_path / f"{name}.json").write_text(json.dumps(d))
        assert main(["optimize", str(tmp_path / f"{name}.json"), "--out",
                     str(tmp_path / f"{name}.out")]) == 0
        result = json.loads((tmp_path / f"{name}.out").read_text())
        out[name] = (result["assignments"], result["unfilled"], result["cost"])
    assert out["metres"] == out["degrees"]


def _node(doc: dict[str, Any], **fields: Any) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    node = doc["network"]["nodes"][1]
    for key in ("x", "y", "lat", "lon"):
        node.pop(key, None)
    node.update(fields)
    return doc


@pytest.mark.parametrize(("change", "needle"), [
    (lambda d: _node(d, lat=48.8566, lon=2.3522),
     "network.nodes[1].lat/lon: (48.8566, 2.3522) is more than 1,000 km from the origin"),
    (lambda d: _node(d, lat=120.15, lon=30.27), "network.nodes[1].lat: 120.15 is greater"),
    (lambda d: _node(d, lat=30.27), "network.nodes[1]: lon is required with lat"),
    (lambda d: _node(d, lat=30.27, lon=120.15, x=1.0), "network.nodes[1]: give x and y or "
                                                         "lat and lon, not both"),
    (lambda d: _node({k: v for k, v in d.items() if k != "reference"}, lat=30.27, lon=120.15),
     "network.nodes[0].lat: positions in degrees need a top-level \"reference\""),
    (lambda d: _node(d, x=1e308, y=0.0), "network.nodes[1].x: 1e+308 is greater than the maximum"),
    (lambda d: _node(d, x=0.0, y=math.inf), "network.nodes[1].y: "),
    (lambda d: d | {"reference": {"origin_lat": 95.0, "origin_lon": 1.0}},
     "reference.origin_lat: 95.0 is greater than the maximum of 84"),
    (lambda d: d | {"reference": {"origin_lat": 30.0}}, "reference: 'origin_lon' is a "
                                                         "required property"),
])
def test_bad_positions_are_named(change: Any, needle: str) -> None:
    with pytest.raises(ValidationError) as err:
        parse_problem(change(_in_degrees(PROBLEM)))
    assert str(err.value).startswith(needle), str(err.value)


def test_a_problem_in_metres_without_a_reference_reads_as_before() -> None:
    problem = parse_problem(copy.deepcopy(PROBLEM))
    assert len(problem.units) == 4
