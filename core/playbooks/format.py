"""The playbook (预案) file format: TOML, read and validated into a `Playbook`.

A playbook file says which incidents it applies to, its response levels (each with the
unit kinds it calls for and whom to notify), the steps to take (owner seat, deadline,
what must be done first), the rules that raise or lower the level, and the plan
documents it implements. docs/playbooks.md describes every key.

Every problem is a `PlaybookError` naming the file, the key path (`steps[3].role`) and,
where it can be found, the line. `load_playbooks` loads a folder and keeps going past a
broken file, returning the problems beside the playbooks that loaded.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.domain.incident_types import INCIDENT_TYPES
from core.domain.kinds import KIND_CAPABILITY, SeatRole, UnitKind
from core.domain.model import content_digest
from core.errors import UserError
from core.playbooks.toml_lines import line_of_key as _line_of_key
from core.user_files import read_user_text

LANGUAGES = ("en", "zh")
ID_RE = re.compile(r"^[a-z][a-z0-9_]{0,47}$")
LEVEL_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
HHMM_RE = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
MAX_FILE_BYTES = 256 * 1024
# The conditions a rule may test, and what each takes (see docs/playbooks.md).
RULE_CONDITIONS: dict[str, str] = {
    "minutes_since_activation": "a whole number of minutes",
    "minutes_at_level": "a whole number of minutes",
    "units_on_scene_at_least": "a whole number",
    "calls_at_least": "a whole number",
    "priority_at_most": "a whole number from 1 to 5",
    "keywords_any": "a list of words looked for in the description and notes",
    "sensor": "a table: kind or id, and at_least or at_most (see docs/playbooks.md)",
}
# A sensor condition's keys; a reading older than `max_age_min` minutes never counts.
SENSOR_CONDITION_KEYS = ("kind", "id", "at_least", "at_most", "max_age_min")
SENSOR_MAX_AGE_MIN = 30


class PlaybookError(UserError):
    """A playbook file is wrong: names the file, the key path and (if known) the line."""

    def __init__(self, path: str, key: str, message: str, line: int | None = None) -> None:
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {key}: {message}" if key else f"{where}: {message}")
        self.path, self.key, self.line, self.detail = path, key, line, message


@dataclass(frozen=True, slots=True)
class Level:
    """One response level: its code (e.g. "IV"), rank (higher is more severe), names,
    colour, the unit kinds and counts it calls for, and whom to notify."""

    id: str
    rank: int
    name: dict[str, str]
    colour: str
    resources: dict[str, int]  # unit kind -> count
    notify: tuple[str, ...] = ()

    def needs(self) -> dict[str, int]:
        """The resources as capabilities and counts: what the optimiser fills."""
        out: dict[str, int] = {}
        for kind, count in self.resources.items():
            cap = KIND_CAPABILITY[UnitKind(kind)].value
            out[cap] = out.get(cap, 0) + count
        return out


@dataclass(frozen=True, slots=True)
class Step:
    """One step: from which level on it applies, its owner seat, its deadline in minutes
    after activation ("activation") or after its level was reached ("level"), the steps
    that must be done first, and its text in each language."""

    id: str
    level: str
    role: str
    due_min: int
    due_from: str
    after: tuple[str, ...]
    text: dict[str, str]


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule that moves the level to `to` when all its conditions hold (once)."""

    id: str
    to: str
    when: dict[str, Any]
    text: dict[str, str]
    lower: bool = False  # a lowering rule fires only above `to`, a raising one below it


@dataclass(frozen=True, slots=True)
class Applies:
    """Which incidents a playbook is for (see `core.playbooks.matching`)."""

    types: tuple[str, ...]
    priority_at_most: int | None = None
    keywords: tuple[str, ...] = ()
    cells: tuple[str, ...] = ()  # grid cell codes or prefixes of them
    hours: tuple[str, str] | None = None  # ("22:00", "06:00"), local time


@dataclass(frozen=True, slots=True)
class Playbook:
    """A validated playbook and the SHA-256 of the file it came from."""

    id: str
    title: dict[str, str]
    applies: Applies
    levels: tuple[Level, ...]
    steps: tuple[Step, ...]
    rules: tuple[Rule, ...]
    references: tuple[dict[str, str], ...]
    content_hash: str
    source: str = ""
    initial_level: str = ""

    def level(self, level_id: str) -> Level:
        """The level with this code; `KeyError` if none."""
        for lv in self.levels:
            if lv.id == level_id:
                return lv
        raise KeyError(level_id)

    def as_record(self) -> dict[str, Any]:
        """What an activation records of the playbook, so the live checklist never
        depends on the file again (it may be edited or deleted later)."""
        return {
            "playbook_id": self.id, "hash": self.content_hash, "title": dict(self.title),
            "levels": [{"id": lv.id, "rank": lv.rank, "name": dict(lv.name),
                        "colour": lv.colour, "resources": dict(lv.resources),
                        "needs": lv.needs(), "notify": list(lv.notify)}
                       for lv in self.levels],
            "steps": [{"id": s.id, "level": s.level, "role": s.role, "due_min": s.due_min,
                       "due_from": s.due_from, "after": list(s.after), "text": dict(s.text)}
                      for s in self.steps],
            "rules": [{"id": r.id, "to": r.to, "lower": r.lower, "when": dict(r.when),
                       "text": dict(r.text)} for r in self.rules],
            "references": [dict(r) for r in self.references],
        }


@dataclass
class LoadResult:
    """What `load_playbooks` found: the playbooks that loaded and the problems."""

    playbooks: list[Playbook] = field(default_factory=list)
    errors: list[PlaybookError] = field(default_factory=list)


def default_folder() -> Path:
    """The playbooks shipped with Beacon (resources/playbooks)."""
    return Path(__file__).resolve().parents[2] / "resources" / "playbooks"


def load_playbooks(paths: Iterable[str | Path] | None = None) -> LoadResult:
    """Load playbook files (a folder means its *.toml files); a broken file is reported
    in `errors` and the others still load. Two files with one id: the second is refused."""
    if paths is None:
        paths = [default_folder()]
    files: list[Path] = []
    for p in map(Path, paths):
        files.extend(sorted(p.glob("*.toml")) if p.is_dir() else [p])
    result = LoadResult()
    seen: dict[str, str] = {}
    for f in files:
        try:
            pb = load_playbook(f)
        except PlaybookError as exc:
            result.errors.append(exc)
            continue
        except UserError as exc:
            result.errors.append(PlaybookError(str(f), "", str(exc)))
            continue
        if pb.id in seen:
            result.errors.append(PlaybookError(str(f), "id", f"{pb.id!r} is also the id of "
                                               f"{seen[pb.id]}", _line_of_key(
                                                   read_user_text(f, "playbook"), ["id"])))
            continue
        seen[pb.id] = str(f)
        result.playbooks.append(pb)
    return result


def load_playbook(path: str | Path) -> Playbook:
    """Read and validate one playbook file; `PlaybookError` on the first problem."""
    p = Path(path)
    try:
        text = read_user_text(p, "playbook", MAX_FILE_BYTES)
    except UserError as exc:
        raise PlaybookError(str(p), "", str(exc)) from None
    return parse_playbook(text, str(p))


def parse_playbook(text: str, source: str = "<text>") -> Playbook:
    """Validate playbook TOML text; `source` names it in errors."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise PlaybookError(source, "", f"not valid TOML: {exc}",
                            int(m.group(1)) if m else None) from None
    return _Checker(doc, text, source).playbook()


class _Checker:
    def __init__(self, doc: Mapping[str, Any], text: str, source: str) -> None:
        self.doc, self.text, self.source = doc, text, source

    def fail(self, path: list[str | int], message: str) -> PlaybookError:
        return PlaybookError(self.source, _key(path), message, _line_of_key(self.text, path))

    def get(self, table: Mapping[str, Any], path: list[str | int], key: str, kind: type,
            what: str, required: bool = True, default: Any = None) -> Any:
        if key not in table:
            if required:
                raise self.fail(path + [key], f"missing ({what})")
            return default
        value = table[key]
        if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
            raise self.fail(path + [key], f"must be {what}, not {_show(value)}")
        if not isinstance(value, kind):
            raise self.fail(path + [key], f"must be {what}, not {_show(value)}")
        return value

    def unknown_keys(self, table: Mapping[str, Any], path: list[str | int],
                     allowed: Iterable[str]) -> None:
        allowed = set(allowed)
        for key in table:
            if key not in allowed:
                raise self.fail(path + [key], f"unknown key (expected one of "
                                f"{', '.join(sorted(allowed))})")

    def texts(self, table: Mapping[str, Any], path: list[str | int], key: str) -> dict[str, str]:
        value = self.get(table, path, key, dict, "a table with en and zh text")
        out: dict[str, str] = {}
        for lang in LANGUAGES:
            t = value.get(lang)
            if not isinstance(t, str) or not t.strip():
                raise self.fail(path + [key, lang], "missing (every text needs English and "
                                "Chinese: en and zh)")
            out[lang] = t.strip()
        self.unknown_keys(value, path + [key], LANGUAGES)
        return out

    def playbook(self) -> Playbook:
        d = self.doc
        self.unknown_keys(d, [], ("id", "title", "applies", "levels", "steps", "rules",
                                  "references", "initial_level"))
        pid = self.get(d, [], "id", str, "a lower-case id such as \"gas_leak\"")
        if not ID_RE.match(pid):
            raise self.fail(["id"], f"{pid!r}: use lower-case letters, digits and _")
        title = self.texts(d, [], "title")
        applies = self.applies(self.get(d, [], "applies", dict, "a table"))
        levels = self.levels(self.get(d, [], "levels", list, "a list of [[levels]]"))
        level_ids = [lv.id for lv in levels]
        initial = self.get(d, [], "initial_level", str, "a level id", required=False,
                           default=min(levels, key=lambda lv: lv.rank).id)
        if initial not in level_ids:
            raise self.fail(["initial_level"], f"no level {initial!r} (levels: "
                            f"{', '.join(level_ids)})")
        steps = self.steps(self.get(d, [], "steps", list, "a list of [[steps]]"), level_ids)
        rules = self.rules(self.get(d, [], "rules", list, "a list of [[rules]]",
                                    required=False, default=[]), level_ids)
        refs = []
        for n, ref in enumerate(self.get(d, [], "references", list, "a list of [[references]]",
                                         required=False, default=[])):
            path: list[str | int] = ["references", n]
            if not isinstance(ref, dict):
                raise self.fail(path, "must be a table with title and section")
            self.unknown_keys(ref, path, ("title", "section"))
            refs.append({"title": self.get(ref, path, "title", str, "text"),
                         "section": self.get(ref, path, "section", str, "text",
                                             required=False, default="")})
        return Playbook(pid, title, applies, tuple(levels), tuple(steps), tuple(rules),
                        tuple(refs), content_digest(self.text), self.source, initial)

    def applies(self, a: Mapping[str, Any]) -> Applies:
        path: list[str | int] = ["applies"]
        self.unknown_keys(a, path, ("types", "priority_at_most", "keywords", "cells", "hours"))
        types = self.get(a, path, "types", list, "a list of incident types")
        if not types:
            raise self.fail(path + ["types"], "name at least one incident type")
        for n, t in enumerate(types):
            if t not in INCIDENT_TYPES:
                raise self.fail(path + ["types", n], f"unknown incident type {_show(t)} "
                                f"(known: {', '.join(sorted(INCIDENT_TYPES))})")
        prio = self.get(a, path, "priority_at_most", int, "a whole number from 1 to 5",
                        required=False)
        if prio is not None and not 1 <= prio <= 5:
            raise self.fail(path + ["priority_at_most"], "must be from 1 to 5")
        keywords = self.strings(a, path, "keywords")
        cells = self.strings(a, path, "cells")
        hours = a.get("hours")
        if hours is not None:
            if (not isinstance(hours, list) or len(hours) != 2
                    or not all(isinstance(h, str) and HHMM_RE.match(h) for h in hours)):
                raise self.fail(path + ["hours"], "must be two local times such as "
                                "[\"22:00\", \"06:00\"]")
            hours = (hours[0], hours[1])
        return Applies(tuple(types), prio, tuple(k.casefold() for k in keywords), tuple(cells),
                       hours)

    def strings(self, table: Mapping[str, Any], path: list[str | int], key: str
                ) -> list[str]:
        value = self.get(table, path, key, list, "a list of text", required=False, default=[])
        for n, v in enumerate(value):
            if not isinstance(v, str) or not v.strip():
                raise self.fail(path + [key, n], f"must be text, not {_show(v)}")
        return [v.strip() for v in value]

    def levels(self, items: list[Any]) -> list[Level]:
        if len(items) < 1:
            raise self.fail(["levels"], "a playbook needs at least one level")
        out: list[Level] = []
        for n, lv in enumerate(items):
            path: list[str | int] = ["levels", n]
            if not isinstance(lv, dict):
                raise self.fail(path, "must be a [[levels]] table")
            self.unknown_keys(lv, path, ("id", "rank", "name", "colour", "resources", "notify"))
            lid = self.get(lv, path, "id", str, "a level code such as \"IV\"")
            if not LEVEL_ID_RE.match(lid):
                raise self.fail(path + ["id"], f"{lid!r}: use letters, digits, - and _")
            if any(o.id == lid for o in out):
                raise self.fail(path + ["id"], f"level {lid!r} is defined twice")
            rank = self.get(lv, path, "rank", int, "a whole number (higher is more severe)")
            if any(o.rank == rank for o in out):
                raise self.fail(path + ["rank"], f"two levels have rank {rank}")
            resources = self.get(lv, path, "resources", dict, "a table of unit kinds and "
                                 "counts")
            kinds = {k.value for k in UnitKind}
            for kind, count in resources.items():
                if kind not in kinds:
                    raise self.fail(path + ["resources", kind], f"unknown unit kind {kind!r} "
                                    f"(known: {', '.join(sorted(kinds))})")
                if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= 50:
                    raise self.fail(path + ["resources", kind],
                                    f"must be a whole number from 0 to 50, not {_show(count)}")
            notify = self.strings(lv, path, "notify")
            out.append(Level(lid, rank, self.texts(lv, path, "name"),
                             self.get(lv, path, "colour", str, "a colour name",
                                      required=False, default=""),
                             dict(resources), tuple(notify)))
        return out

    def steps(self, items: list[Any], level_ids: list[str]) -> list[Step]:
        out: list[Step] = []
        roles = {r.value for r in SeatRole}
        for n, s in enumerate(items):
            path: list[str | int] = ["steps", n]
            if not isinstance(s, dict):
                raise self.fail(path, "must be a [[steps]] table")
            self.unknown_keys(s, path, ("id", "level", "role", "due_min", "due_from", "after",
                                        "text"))
            sid = self.get(s, path, "id", str, "a lower-case id")
            if not ID_RE.match(sid):
                raise self.fail(path + ["id"], f"{sid!r}: use lower-case letters, digits and _")
            if any(o.id == sid for o in out):
                raise self.fail(path + ["id"], f"step {sid!r} is defined twice")
            level = self.get(s, path, "level", str, "a level id", required=False,
                             default=level_ids[0])
            if level not in level_ids:
                raise self.fail(path + ["level"], f"no level {level!r} (levels: "
                                f"{', '.join(level_ids)})")
            role = self.get(s, path, "role", str, "a seat role")
            if role not in roles:
                raise self.fail(path + ["role"], f"unknown role {role!r} (known: "
                                f"{', '.join(sorted(roles))})")
            due = self.get(s, path, "due_min", int, "a whole number of minutes")
            if not 0 <= due <= 7 * 24 * 60:
                raise self.fail(path + ["due_min"], "must be from 0 to 10080 minutes")
            due_from = self.get(s, path, "due_from", str, "\"activation\" or \"level\"",
                                required=False, default="level")
            if due_from not in ("activation", "level"):
                raise self.fail(path + ["due_from"], f"{due_from!r}: use \"activation\" or "
                                "\"level\"")
            after = self.strings(s, path, "after")
            out.append(Step(sid, level, role, due, due_from, tuple(after),
                            self.texts(s, path, "text")))
        if not out:
            raise self.fail(["steps"], "a playbook needs at least one step")
        ids = {s.id for s in out}
        for n, s in enumerate(out):
            for m, a in enumerate(s.after):
                if a not in ids:
                    raise self.fail(["steps", n, "after", m], f"no step {a!r}")
        cycle = _cycle({s.id: s.after for s in out})
        if cycle:
            n = next(i for i, s in enumerate(out) if s.id == cycle[0])
            raise self.fail(["steps", n, "after"], "steps wait for each other in a cycle: "
                            + " -> ".join(cycle + [cycle[0]]))
        return out

    def sensor_condition(self, value: Any, path: list[str | int]) -> dict[str, Any]:
        """A `sensor` condition checked key by key: which sensors (a `kind` in the
        incident's grid cell, or one sensor by `id`), the threshold (`at_least` and/or
        `at_most`, in the kind's unit) and how fresh the reading must be."""
        if not isinstance(value, dict):
            raise self.fail(path, "must be a table, e.g. { kind = \"water_level\", "
                            f"at_least = 4.5 }}, not {_show(value)}")
        self.unknown_keys(value, path, SENSOR_CONDITION_KEYS)
        kinds = _sensor_kinds()
        out: dict[str, Any] = {}
        if "kind" in value:
            kind = self.get(value, path, "kind", str, "a sensor kind")
            if kind not in kinds:
                raise self.fail(path + ["kind"], f"unknown sensor kind {kind!r} (known: "
                                f"{', '.join(kinds)})")
            out["kind"] = kind
        if "id" in value:
            sid = self.get(value, path, "id", str, "a sensor id")
            if not 0 < len(sid.strip()) <= 80 or not sid.isprintable():
                raise self.fail(path + ["id"], "must be a sensor id (1-80 printable "
                                "characters)")
            out["id"] = sid.strip()
        if not out:
            raise self.fail(path, "name the sensors: kind (one in the incident's grid "
                            "cell) or id (one sensor)")
        for key in ("at_least", "at_most"):
            if key in value:
                if not _number(value[key]):
                    raise self.fail(path + [key], f"must be a number, not "
                                    f"{_show(value[key])}")
                out[key] = float(value[key])
        if "at_least" not in out and "at_most" not in out:
            raise self.fail(path, "give the threshold: at_least or at_most (or both)")
        if out.get("at_least", -math.inf) > out.get("at_most", math.inf):
            raise self.fail(path + ["at_most"], f"{_show(value['at_most'])} is below "
                            f"at_least {_show(value['at_least'])}: no reading can hold")
        if "kind" in out:
            _, low, high, _ = kinds[out["kind"]]
            for key in ("at_least", "at_most"):
                if key in out and not low <= out[key] <= high:
                    raise self.fail(path + [key], f"{_show(value[key])} is outside what a "
                                    f"{out['kind']} sensor can read ({low:g} to {high:g} "
                                    f"{kinds[out['kind']][0]})")
        age = self.get(value, path, "max_age_min", int, "a whole number of minutes",
                       required=False, default=SENSOR_MAX_AGE_MIN)
        if not 1 <= age <= 24 * 60:
            raise self.fail(path + ["max_age_min"], f"must be 1 to 1440 minutes, not {age}")
        out["max_age_min"] = age
        return out

    def rules(self, items: list[Any], level_ids: list[str]) -> list[Rule]:
        out: list[Rule] = []
        for n, r in enumerate(items):
            path: list[str | int] = ["rules", n]
            if not isinstance(r, dict):
                raise self.fail(path, "must be a [[rules]] table")
            self.unknown_keys(r, path, ("id", "to", "lower", "when", "text"))
            rid = self.get(r, path, "id", str, "a lower-case id")
            if not ID_RE.match(rid) or any(o.id == rid for o in out):
                raise self.fail(path + ["id"], f"{rid!r}: a unique id of lower-case letters, "
                                "digits and _")
            to = self.get(r, path, "to", str, "a level id")
            if to not in level_ids:
                raise self.fail(path + ["to"], f"no level {to!r} (levels: "
                                f"{', '.join(level_ids)})")
            when = self.get(r, path, "when", dict, "a table of conditions")
            if not when:
                raise self.fail(path + ["when"], "name at least one condition")
            for key, value in when.items():
                if key not in RULE_CONDITIONS:
                    raise self.fail(path + ["when", key], "unknown condition (known: "
                                    f"{', '.join(sorted(RULE_CONDITIONS))})")
                if key == "keywords_any":
                    self.strings(when, path + ["when"], key)
                elif key == "sensor":
                    when = {**when, "sensor": self.sensor_condition(
                        value, path + ["when", "sensor"])}
                elif isinstance(value, bool) or not isinstance(value, int) or value < 0:
                    raise self.fail(path + ["when", key],
                                    f"must be {RULE_CONDITIONS[key]}, not {_show(value)}")
            lower = self.get(r, path, "lower", bool, "true or false", required=False,
                             default=False)
            out.append(Rule(rid, to, dict(when), self.texts(r, path, "text"), lower))
        return out


def _sensor_kinds() -> dict[str, tuple[str, float, float, str]]:
    from core.plugins.sensors import SENSOR_KINDS

    return SENSOR_KINDS


def _number(value: Any) -> bool:
    return (not isinstance(value, bool) and isinstance(value, (int, float))
            and math.isfinite(value))


def _cycle(after: Mapping[str, Iterable[str]]) -> list[str]:
    """A cycle in the "done first" graph (as a list of step ids), or [] if none."""
    colour: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        colour[node] = 1
        stack.append(node)
        for nxt in after.get(node, ()):
            if colour.get(nxt) == 1:
                return stack[stack.index(nxt):]
            if nxt not in colour:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        colour[node] = 2
        return []

    for node in after:
        if node not in colour:
            found = visit(node)
            if found:
                return found
    return []


def _key(path: list[str | int]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
