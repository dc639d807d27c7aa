"""Finding the line of a key path in TOML text (the standard parser gives no positions).

Enough for Beacon's playbook files, whose lists are top-level arrays of tables
(`[[steps]]`): the n-th `[[name]]` header for a list element, then the first `key =`
(or `[...key]` header) after it, within that table.
"""

from __future__ import annotations

import re


def line_of_key(text: str, path: list[str | int]) -> int | None:
    """The line (1-based) where `path` is written, found by scanning the text: the n-th
    `[[name]]` header for a list element, then the first `key =` (or `[...key]` header)
    after it. None when it cannot be found (e.g. a missing key: then the table's line)."""
    lines = text.splitlines()
    start, found = 0, None
    parts = list(path)
    i = 0
    while i < len(parts):
        part = parts[i]
        nxt = parts[i + 1] if i + 1 < len(parts) else None
        if isinstance(part, str) and isinstance(nxt, int):
            header = re.compile(rf"^\s*\[\[\s*{re.escape(part)}\s*\]\]")
            hits = [n for n in range(start, len(lines)) if header.match(lines[n])]
            if nxt < len(hits):
                start = found = hits[nxt]
                i += 2
                continue
            # an inline array: the key's line, then the element's line is not known
        if isinstance(part, str):
            pattern = re.compile(rf"(^|[{{,\s\[.]){re.escape(part)}\s*(=|\]|\.)")
            # Inside a [[table]] look only until the next header: a missing key is then
            # reported at its table's line, not at the next table's key of that name.
            end = len(lines)
            if found is not None and lines[found].lstrip().startswith("[["):
                end = next((n for n in range(found + 1, len(lines))
                            if lines[n].lstrip().startswith("[")), len(lines))
            for n in range(start, end):
                if pattern.search(lines[n].split("#", 1)[0]):
                    start = found = n
                    break
            else:
                break
        i += 1
    return None if found is None else found + 1
