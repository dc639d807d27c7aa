"""`beacon optimize`: a good problem gives the optimal result; bad ones one clear line."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from core.cli.main import main
from core.dispatch.problem_file import schema

PROBLEM: dict[str, Any] = {
    "network": {
        "nodes": [{"id": "a", "x": 0.0, "y": 0.0}, {"id": "b", "x": 100.0, "y": 0.0},
                  {"id": 7, "x": 300.0, "y": 0.0}, {"id": "c", "x": 200.0, "y": 0.0}],
        "edges": [{"from": "a", "to": "b", "seconds": 12.5},
                  {"from": 7, "to": "b", "seconds": 30},
                  {"from": "c", "to": "b", "seconds": 21.0, "road": "C Street"},
                  {"from": "b", "to": "c", "seconds": 21.0}],
    },
    "units": [
        {"id": "E1", "node": "a", "capabilities": ["fire", "rescue"], "available": True},
        {"id": "E2", "node": 7, "capabilities": ["fire"]},
        {"id": "E3", "node": "c", "capabilities": ["fire"], "available": False},
        {"id": "A1", "node": "c", "capabilities": ["ems"], "kind": "ambulance"},
    ],
    "incidents": [
        {"id": "I1", "node": "b", "priority": 1, "needs": {"fire": 2, "ems": 1}},
        {"id": "I2", "node": "a", "priority": 3, "needs": {"rescue": 1}},
    ],
    "weights": {"1": 4, "2": 2, "3": 1},
    "unfilled_penalty_s": {"1": 144000, "2": 72000, "3": 36000},
}


def _write(tmp_path: Path, doc: Any, name: str = "problem.json") -> Path:
    p = tmp_path / name
    p.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    return p


def test_good_problem_gives_the_expected_result(tmp_path: Path, capsys) -> None:
    out = tmp_path / "result.json"
    assert main(["optimize", str(_write(tmp_path, PROBLEM)), "--out", str(out)]) == 0
    result = json.loads(out.read_text())
    jsonschema.validate(result, schema("optimize_result"))
    # E1 is the only rescue unit but I1 (priority 1) values it 4x: E1 and E2 go to I1
    # (4*12.5 + 4*30), A1 goes to I1 (4*21); I2's rescue need is unfilled (36,000).
    assert sorted((a["incident"], a["unit"], a["capability"], a["eta_s"])
                  for a in result["assignments"]) == [
        ("I1", "A1", "ems", 21.0), ("I1", "E1", "fire", 12.5), ("I1", "E2", "fire", 30.0)]
    assert result["unfilled"] == [{"incident": "I2", "capability": "rescue", "count": 1}]
    assert result["cost"] == pytest.approx(4 * (12.5 + 30 + 21) + 36_000)
    assert result["solve_ms"] >= 0
    assert capsys.readouterr().out == ""


def test_result_goes_to_stdout_without_out(tmp_path: Path, capsys) -> None:
    doc = copy.deepcopy(PROBLEM)
    del doc["weights"], doc["unfilled_penalty_s"]
    doc["incidents"][1]["priority"] = 1  # both incidents now weigh the same
    assert main(["optimize", str(_write(tmp_path, doc))]) == 0
    result = json.loads(capsys.readouterr().out)
    # Defaults: both priority 1 (weight 4, penalty 144,000). E1 to I2 (0 s) as rescue,
    # E2 to I1 as fire, one fire of I1 unfilled; A1 to I1.
    assert sorted((a["incident"], a["unit"]) for a in result["assignments"]) == [
        ("I1", "A1"), ("I1", "E2"), ("I2", "E1")]
    assert result["cost"] == pytest.approx(4 * (30 + 21 + 0) + 144_000)


def _broken(**change: Any) -> dict[str, Any]:
    doc = copy.deepcopy(PROBLEM)
    for path, value in change.items():
        *parents, last = path.split("__")
        target: Any = doc
        for p in parents:
            target = target[int(p)] if p.isdigit() else target[p]
        key: Any = int(last) if last.isdigit() else last
        if value is _DELETE:
            del target[key]
        else:
            target[key] = value
    return doc


_DELETE = object()

BAD: list[tuple[Any, str]] = [
    (_broken(incidents__0__node="zz"), "incidents[0].node: unknown node 'zz'"),
    (_broken(units__1__node="7"), "units[1].node: unknown node '7'"),
    (_broken(network__edges__0__seconds=-3), "network.edges[0].seconds: -3 is less than"),
    (_broken(network__edges__1__to="q"), "network.edges[1].to: unknown node 'q'"),
    (_broken(incidents__0__priority="high"), "incidents[0].priority: 'high' is not of type"),
    (_broken(units__0__capabilities="fire"), "units[0].capabilities: 'fire' is not of type"),
    (_broken(incidents__1__needs={"fire": -1}), "incidents[1].needs.fire: -1 is less than"),
    (_broken(incidents=_DELETE), "'incidents' is a required property"),
    (_broken(units__0__id=_DELETE), "units[0]: 'id' is a required property"),
    (_broken(units__1__id="E1"), "units[1].id: duplicate unit 'E1'"),
    (_broken(weights={"1": "x"}), "weights.1: 'x' is not of type"),
    (_broken(incident=[]), "unknown field(s) ('incident' was unexpected)"),
    (_broken(units__0__available="yes"), "units[0].available: 'yes' is not of type"),
    ("{\"network\": ", "not valid JSON"),
    ("[1, 2]", "is not of type 'object'"),
]


@pytest.mark.parametrize(("doc", "message"), BAD)
def test_malformed_problem_exits_2_with_one_clear_line(
    tmp_path: Path, capsys, doc: Any, message: str
) -> None:
    code = main(["optimize", str(_write(tmp_path, doc))])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("beacon: error: ")
    assert message in lines[0]
    assert "Traceback" not in captured.err


def test_missing_file_and_unwritable_out(tmp_path: Path, capsys) -> None:
    assert main(["optimize", str(tmp_path / "nope.json")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nope.json: no such problem file" in err
    good = _write(tmp_path, PROBLEM)
    assert main(["optimize", str(good), "--out", str(tmp_path / "no" / "dir.json")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot write the result" in err


def test_edge_cases_no_incidents_no_roads_and_a_directory(tmp_path: Path, capsys) -> None:
    doc = copy.deepcopy(PROBLEM)
    doc["incidents"] = []
    assert main(["optimize", str(_write(tmp_path, doc, "a.json"))]) == 0
    assert json.loads(capsys.readouterr().out)["cost"] == 0.0
    doc = copy.deepcopy(PROBLEM)
    doc["network"]["edges"] = []  # nobody can reach anybody, except a unit on the spot
    assert main(["optimize", str(_write(tmp_path, doc, "b.json"))]) == 0
    result = json.loads(capsys.readouterr().out)
    assert [(a["incident"], a["unit"], a["eta_s"]) for a in result["assignments"]] == [
        ("I2", "E1", 0.0)]
    assert result["cost"] == pytest.approx(3 * 144_000)
    assert main(["optimize", str(tmp_path)]) == 2
    assert "cannot read the problem file" in capsys.readouterr().err
