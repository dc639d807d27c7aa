"""The centre's notice settings, from the `[notices]` table of the settings file:

    [notices]
    sender = "alerts@centre.example.org"   # CAP <sender>: no spaces or commas
    sender_name = "City Emergency Command Centre"
    public_url = "https://alerts.example.org"  # where residents reach `beacon public`

    [notices.geocodes]                     # CAP <geocode>s per grid cell, if any
    "C-01-01" = [["GB/T 2260", "510104"]]

Everything is optional; without a file a notice is sent as `beacon@centre.invalid`
with polygons only, and the feed's links name the address each request came to (right
on a machine reached directly; behind a proxy or a public name, set `public_url`).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import UserError
from core.notices.commands import DEFAULT_SENDER
from core.settings import settings_path


@dataclass(frozen=True, slots=True)
class NoticeSettings:
    """Who the centre is in CAP, and the geocodes of its cells."""

    sender: str = DEFAULT_SENDER
    sender_name: str = ""
    public_url: str = ""  # "": the address each request reached the service at
    geocodes: dict[str, list[tuple[str, str]]] = field(default_factory=dict)


def load_notice_settings(path: Path | None = None) -> NoticeSettings:
    """The `[notices]` table (defaults where silent); `UserError` for a malformed one."""
    path = path or settings_path()
    if not path.exists():
        return NoticeSettings()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UserError(f"settings file {path} is not valid TOML: {exc}") from None
    section = data.get("notices", {})
    if not isinstance(section, dict):
        raise UserError(f"settings file {path}: [notices] must be a table")
    out: dict[str, str] = {}
    for name in ("sender", "sender_name", "public_url"):
        value = section.get(name)
        if value is not None and not isinstance(value, str):
            raise UserError(f"settings file {path}: notices.{name} must be text")
        if value:
            out[name] = value
    if "public_url" in out:
        url = out["public_url"].rstrip("/")
        if not url.startswith(("http://", "https://")) or "?" in url or "#" in url:
            raise UserError(f"settings file {path}: notices.public_url {url!r} is not an "
                            "http:// or https:// address (e.g. https://alerts.example.org)")
        out["public_url"] = url
    geocodes: dict[str, list[tuple[str, str]]] = {}
    raw = section.get("geocodes", {})
    if not isinstance(raw, dict):
        raise UserError(f"settings file {path}: [notices.geocodes] must be a table")
    for cell, pairs in raw.items():
        if (not isinstance(pairs, list) or not all(
                isinstance(p, list) and len(p) == 2 and all(isinstance(v, str) for v in p)
                for p in pairs)):
            raise UserError(f"settings file {path}: notices.geocodes.{cell} must be a list "
                            "of [valueName, value] pairs")
        geocodes[cell] = [(p[0], p[1]) for p in pairs]
    return NoticeSettings(**out, geocodes=geocodes)
