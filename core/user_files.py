"""Reading a file a person named (a problem, a scenario): errors they can act on.

Every such file is read through here, with the same limits: at most `max_bytes` are
read (so `/dev/zero` or a 40 GB file is refused, not swallowed), nesting deeper than
`MAX_DEPTH` is refused before anything recurses on it, and in JSON a duplicate key, a
number beyond a 64-bit float (`1e400`, read as infinity) or `NaN` is refused rather than
passed on silently. A mistake is a `UserError` naming the file.
"""

from __future__ import annotations

import json
import math
import re
import tomllib
from pathlib import Path
from typing import Any

from core.errors import UserError
from core.text import terminal_safe

MB = 1024 * 1024
MAX_FILE_BYTES = 64 * MB  # a big city's problem file is a few MB
MAX_DEPTH = 64  # Beacon's own formats nest at most five levels
MAX_INT_DIGITS = 18  # every whole number Beacon reads fits in 64 bits


class _Refused(ValueError):
    """A JSON value the decoder must not return (raised from its hooks)."""


def read_user_bytes(path: str | Path, what: str, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of `path`, at most `max_bytes` of them: a bigger file (or an endless one
    such as `/dev/zero`) is a `UserError`, found after reading `max_bytes + 1` bytes."""
    p = Path(path)
    try:
        with p.open("rb") as f:
            data = f.read(max_bytes + 1)
    except FileNotFoundError:
        raise UserError(f"{p}: no such {what} file") from None
    except IsADirectoryError:
        raise UserError(f"{p}: cannot read the {what} file (it is a folder)") from None
    except OSError as exc:
        raise UserError(f"{p}: cannot read the {what} file ({exc.strerror or exc})") from None
    if len(data) > max_bytes:
        raise UserError(f"{p}: the {what} file is larger than {_size(max_bytes)} "
                        "(the limit for such files)")
    return data


def _size(n: int) -> str:
    return f"{n / MB:g} MB" if n >= MB else f"{n:,} bytes"


def read_user_text(path: str | Path, what: str, max_bytes: int = MAX_FILE_BYTES) -> str:
    """The UTF-8 text of `path` (read with `read_user_bytes`'s size limit); a missing,
    unreadable, too large or non-UTF-8 file is a `UserError` that names the file and
    what it was meant to be (`what`, e.g. "problem", "scenario")."""
    data = read_user_bytes(path, what, max_bytes)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise UserError(f"{Path(path)}: cannot read the {what} file (not UTF-8 text: "
                        f"{exc.reason} at byte {exc.start}, line {line}; save it as "
                        "UTF-8)") from None


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _Refused(f"the key {terminal_safe(key)!r} appears twice in one object")
        out[key] = value
    return out


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(f"the number {text} is beyond the range of numbers Beacon reads")
    return value


def _whole(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise _Refused(f"the number {text[:24]}{'…' if len(text) > 24 else ''} has more "
                       f"than {MAX_INT_DIGITS} digits")
    return int(text)


def _constant(name: str) -> float:
    raise _Refused(f"{name} is not a number")


_JSON = json.JSONDecoder(object_pairs_hook=_no_duplicates, parse_float=_finite,
                         parse_int=_whole, parse_constant=_constant)
# A JSON string, unrolled for speed: its brackets are text, not nesting.
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_INNERMOST = re.compile(r"\[\]|\{\}")


def json_too_deep(text: str, max_depth: int) -> bool:
    """True if `text` (JSON) nests arrays and objects more than `max_depth` deep.

    Cheap for ordinary text: unless it holds more than `max_depth` brackets (counted at
    C speed) it cannot nest that deep. Otherwise strings are removed and innermost pairs
    peeled `max_depth` times, each pass one regular-expression scan; what remains nests
    deeper (or is not JSON).
    """
    if text.count("[") + text.count("{") <= max_depth:
        return False
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text))
    for _ in range(max_depth):
        brackets, n = _INNERMOST.subn("", brackets)
        if not brackets:
            return False
        if n == 0:
            break
    return bool(brackets)


def load_user_json(path: str | Path, what: str, max_bytes: int = MAX_FILE_BYTES,
                   max_depth: int = MAX_DEPTH) -> Any:
    """Read a person's JSON file with every limit of this module; `UserError` otherwise."""
    p = Path(path)
    text = read_user_text(p, what, max_bytes)
    try:
        doc = _JSON.decode(text)
    except json.JSONDecodeError as exc:
        raise UserError(
            f"{p}: not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
        ) from None
    except _Refused as exc:
        raise UserError(f"{p}: {exc}") from None
    except RecursionError:
        raise UserError(f"{p}: the {what} file nests deeper than {max_depth} levels") from None
    if json_too_deep(text, max_depth):
        raise UserError(f"{p}: the {what} file nests deeper than {max_depth} levels")
    return doc


def _depth(value: Any, max_depth: int) -> bool:
    """True if `value` nests lists and tables more than `max_depth` deep (no recursion)."""
    stack = [(value, 0)]
    while stack:
        item, level = stack.pop()
        children = (item.values() if isinstance(item, dict)
                    else item if isinstance(item, list) else None)
        if children is None:
            continue
        if level >= max_depth:
            return True
        stack.extend((child, level + 1) for child in children)
    return False


def load_user_toml(path: str | Path, what: str, max_bytes: int = MAX_FILE_BYTES,
                   max_depth: int = MAX_DEPTH) -> dict[str, Any]:
    """Read a person's TOML file with this module's limits (size, depth, finite numbers;
    TOML itself refuses duplicate keys)."""
    p = Path(path)
    text = read_user_text(p, what, max_bytes)
    try:
        doc = tomllib.loads(text, parse_float=_finite)
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"{what} {p} is not valid TOML: {exc}") from None
    except _Refused as exc:
        raise UserError(f"{what} {p}: {exc}") from None
    except RecursionError:
        raise UserError(f"{what} {p} nests deeper than {max_depth} levels") from None
    if _depth(doc, max_depth):
        raise UserError(f"{what} {p} nests deeper than {max_depth} levels")
    return doc
