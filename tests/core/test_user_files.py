"""Files a person names are read with limits: size, nesting depth, duplicate keys,
numbers that are finite and in range. Every mistake is one clear line, exit 2."""

from __future__ import annotations

import copy
import json
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from core.cli.main import main
from tests.core.test_optimize_cli import PROBLEM


def _one_line_error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    code = main(argv)
    captured = capsys.readouterr()
    assert code == 2, captured
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("beacon: error: "), captured.err
    return lines[0]


def _problem(tmp_path: Path, text: str) -> str:
    p = tmp_path / "problem.json"
    p.write_text(text, encoding="utf-8")
    return str(p)


def _with(path: str, value: Any) -> str:
    doc = copy.deepcopy(PROBLEM)
    *parents, last = path.split(".")
    target: Any = doc
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    target[int(last) if isinstance(target, list) else last] = value
    return json.dumps(doc)


OUT_OF_RANGE = [
    ("incidents.0.needs.fire", 1e300, "incidents[0].needs.fire"),
    ("incidents.0.needs.fire", 1001, "incidents[0].needs.fire"),
    ("incidents.0.priority", 10**15, "incidents[0].priority"),
    ("network.nodes.0.x", 1e300, "network.nodes[0].x"),
    ("network.nodes.1.y", -2e7, "network.nodes[1].y"),
    ("network.edges.0.seconds", 1e300, "network.edges[0].seconds"),
    ("weights.1", 1e300, "weights.1"),
    ("unfilled_penalty_s", {"9" * 40: 1}, "unfilled_penalty_s"),
    ("units.0.id", "E" * 5000, "units[0].id"),
]


@pytest.mark.parametrize(("path", "value", "where"), OUT_OF_RANGE)
def test_every_number_of_a_problem_has_a_range(tmp_path: Path, capsys, path: str,
                                               value: Any, where: str) -> None:
    line = _one_line_error(capsys, ["optimize", _problem(tmp_path, _with(path, value))])
    assert where in line


def test_the_needs_of_all_incidents_together_have_a_range(tmp_path: Path) -> None:
    # Each need within its range, together 1,920,000 units: the solver ran for minutes
    # (in a child process with a time limit, so that the old code fails, not hangs).
    doc = copy.deepcopy(PROBLEM)
    doc["incidents"] = [{"id": f"I{i}", "node": "b", "priority": 1,
                         "needs": {f"c{k}": 1000 for k in range(64)}} for i in range(30)]
    proc = subprocess.run([sys.executable, "-m", "core", "optimize",
                           _problem(tmp_path, json.dumps(doc))],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr == ("beacon: error: incidents: 1,920,000 units needed in all; "
                           "at most 20,000\n")


BAD_JSON = [
    # Nested far beyond any recursion limit: a RecursionError traceback before.
    ('{"network": ' + "[" * 100_000 + "]" * 100_000 + "}", "nests deeper than 64 levels"),
    # Deep enough to matter, shallow enough for the decoder: still refused.
    ('{"network": ' + "[" * 70 + "]" * 70 + "}", "nests deeper than 64 levels"),
    # 1e400 is read as infinity, NaN as not-a-number: both were passed on silently.
    (_with("network.nodes.0.x", "@").replace('"@"', "1e400"), "1e400 is beyond the range"),
    (_with("network.edges.0.seconds", "@").replace('"@"', "NaN"), "NaN is not a number"),
    (_with("incidents.0.priority", "@").replace('"@"', "9" * 5000), "more than 18 digits"),
    # A duplicate key: the second "units" silently replaced the first.
    (json.dumps(PROBLEM)[:-1] + ', "units": []}', "the key 'units' appears twice"),
]


@pytest.mark.parametrize(("text", "needle"), BAD_JSON)
def test_malformed_json_is_refused_in_one_line(tmp_path: Path, capsys, text: str,
                                               needle: str) -> None:
    line = _one_line_error(capsys, ["optimize", _problem(tmp_path, text)])
    assert needle in line and "problem.json" in line


def test_a_string_with_brackets_is_not_nesting(tmp_path: Path, capsys) -> None:
    doc = copy.deepcopy(PROBLEM)
    doc["units"][0]["label"] = "[" * 150 + "{" * 40
    assert main(["optimize", _problem(tmp_path, json.dumps(doc))]) == 0
    assert json.loads(capsys.readouterr().out)["assignments"]


def _limit_memory() -> None:  # in the child, before exec
    resource.setrlimit(resource.RLIMIT_AS, (3 * 1024**3, 3 * 1024**3))


def test_an_endless_file_is_refused_after_the_size_limit() -> None:
    # /dev/zero was read until the kernel (here: a 3 GB address-space limit) stopped it.
    proc = subprocess.run([sys.executable, "-m", "core", "optimize", "/dev/zero"],
                          capture_output=True, text=True, timeout=120,
                          preexec_fn=_limit_memory)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert proc.stderr == ("beacon: error: /dev/zero: the problem file is larger than "
                           "64 MB (the limit for such files)\n")


def test_the_size_limit_reads_one_byte_past_it(tmp_path: Path) -> None:
    from core.errors import UserError
    from core.user_files import read_user_bytes

    p = tmp_path / "f.json"
    p.write_bytes(b"x" * 1000)
    assert read_user_bytes(p, "problem", max_bytes=1000) == b"x" * 1000
    with pytest.raises(UserError, match="larger than 999 bytes"):
        read_user_bytes(p, "problem", max_bytes=999)
