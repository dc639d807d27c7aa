"""Reading a camera list file (CSV or TOML), every row checked before anything is kept.

CSV: a header line naming the columns, then one camera a line. TOML: one `[[camera]]`
table per camera. Columns / keys: `id`, `name`, `url`, and the position as `x`, `y`
(city metres) or `lat`, `lon` (WGS 84); optional `agency`, `heading` and `fov`
(degrees). See docs/cameras.md.

`read_camera_file` returns every camera checked (`core.cameras.registry.prepare`) or
raises `CameraFileError` listing EVERY bad row with its line and reason; the import is
then all or nothing (one event).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from core.cameras.registry import prepare
from core.city.model import City
from core.errors import UserError, ValidationError
from core.text import terminal_safe
from core.user_files import load_user_toml, read_user_text

MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_PROBLEMS_SHOWN = 50
COLUMNS = ("id", "camera_id", "name", "url", "x", "y", "lat", "lon", "agency", "heading",
           "heading_deg", "fov", "fov_deg")
_TOML_HEADER = re.compile(r"^\s*\[\[\s*camera\s*\]\]")


class CameraFileError(UserError):
    """A camera list with bad rows: `problems` holds one line per row (the message
    names the first; `lines()` gives them all, for printing one a line)."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__(f"camera list {path}: {len(problems)} bad row(s), nothing "
                         f"imported; {problems[0]}")

    def lines(self) -> list[str]:
        """The heading, then each bad row (at most MAX_PROBLEMS_SHOWN) indented."""
        shown = self.problems[:MAX_PROBLEMS_SHOWN]
        more = len(self.problems) - len(shown)
        return ([f"camera list {self.path}: {len(self.problems)} bad row(s), nothing "
                 "imported:"] + [f"  {p}" for p in shown]
                + ([f"  ... and {more} more"] if more else []))


def read_camera_file(path: Path, city: City, existing: Iterable[str] = ()
                     ) -> list[tuple[dict[str, Any], str | None]]:
    """Every camera of the file, checked against the city and against the cameras that
    exist already (`existing` ids); `CameraFileError` naming every bad row."""
    suffix = path.suffix.lower()
    problems: list[tuple[int, str]] = []
    if suffix == ".csv":
        rows = _csv_rows(path, problems)
    elif suffix == ".toml":
        rows = _toml_rows(path)
    else:
        raise UserError(f"camera list {path}: give a .csv or a .toml file")
    if not rows and not problems:
        raise UserError(f"camera list {path} holds no camera")
    taken = set(existing)
    seen: dict[str, str] = {}
    cameras: list[tuple[dict[str, Any], str | None]] = []
    for order, (where, raw) in enumerate(rows):
        def problem(text: str, where: str = where, order: int = order) -> None:
            problems.append((_line_of(where, order), f"{where}: {text}"))

        unknown = sorted(k for k in raw if k not in COLUMNS)
        if unknown:
            problem(f"unknown column(s) {', '.join(map(repr, unknown))} "
                    f"(known: {', '.join(COLUMNS)})")
            continue
        try:
            camera, full = prepare(city, raw)
        except ValidationError as exc:
            problem(str(exc))
            continue
        cid = camera["camera_id"]
        if cid in taken:
            problem(f"a camera {cid!r} exists already")
            continue
        if cid in seen:
            problem(f"camera id {cid!r} is given twice (also {seen[cid]})")
            continue
        seen[cid] = where
        cameras.append((camera, full))
    if problems:
        raise CameraFileError(path, [terminal_safe(p) for _, p in sorted(problems,
                                                                          key=lambda p: p[0])])
    return cameras


def _line_of(where: str, order: int) -> int:
    """The line number in "line N" (rows without one sort by their order)."""
    return int(where[5:]) if where.startswith("line ") else order


def _csv_rows(path: Path, problems: list[tuple[int, str]]
              ) -> list[tuple[str, Mapping[str, Any]]]:
    text = read_user_text(path, "camera list", MAX_FILE_BYTES)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return []
    except csv.Error as exc:
        raise UserError(f"camera list {path}: line 1: {exc}") from None
    names = [h.strip().lower() for h in header]
    if len(set(names)) != len(names):
        raise UserError(f"camera list {path}: line 1: a column is named twice")
    rows: list[tuple[str, Mapping[str, Any]]] = []
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append((reader.line_num, f"line {reader.line_num}: {exc}"))
            break
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue  # a blank line
        if len(values) != len(names):
            problems.append((line, f"line {line}: {len(values)} values for {len(names)} "
                                   "columns"))
            continue
        rows.append((f"line {line}", {n: v.strip() for n, v in zip(names, values,
                                                                  strict=True)
                                      if v.strip() != ""}))
    return rows


def _toml_rows(path: Path) -> list[tuple[str, Mapping[str, Any]]]:
    doc = load_user_toml(path, "camera list", MAX_FILE_BYTES)
    text = read_user_text(path, "camera list", MAX_FILE_BYTES)
    headers = [n for n, line in enumerate(text.splitlines(), 1) if _TOML_HEADER.match(line)]
    unknown = sorted(k for k in doc if k != "camera")
    if unknown:
        raise UserError(f"camera list {path}: unknown table(s) {', '.join(unknown)}: "
                        "write one [[camera]] table per camera")
    cameras = doc.get("camera", [])
    if not isinstance(cameras, list):
        raise UserError(f"camera list {path}: write one [[camera]] table per camera")
    rows: list[tuple[str, Mapping[str, Any]]] = []
    for n, entry in enumerate(cameras):
        where = f"line {headers[n]}" if n < len(headers) else f"camera {n + 1}"
        if not isinstance(entry, dict):
            raise UserError(f"camera list {path}: {where}: not a table")
        rows.append((where, entry))
    return rows
