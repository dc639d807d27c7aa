"""Reading a file a person named (a problem, a scenario): errors they can act on."""

from __future__ import annotations

from pathlib import Path

from core.errors import UserError


def read_user_text(path: str | Path, what: str) -> str:
    """The UTF-8 text of `path`; a missing or unreadable file is a `UserError` that names
    the file and what it was meant to be (`what`, e.g. "problem", "scenario")."""
    p = Path(path)
    try:
        return p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"{p}: no such {what} file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{p}: cannot read the {what} file ({exc})") from None
