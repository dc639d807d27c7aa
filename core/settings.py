"""Settings: the database URL and the language, from the command line, the
environment or the settings file, in that order of precedence.

The settings file is TOML at `<user config dir>/beacon/settings.toml`::

    [database]
    url = "postgresql://beacon@db.centre.local/beacon"

    [console]
    language = "zh_CN"   # or "en"; empty: the system locale
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from core.errors import UserError


def settings_path() -> Path:
    """Where the settings file lives (it need not exist)."""
    override = os.environ.get("BEACON_SETTINGS")
    if override:
        return Path(override)
    return Path(platformdirs.user_config_dir("beacon", appauthor=False)) / "settings.toml"


@dataclass(frozen=True, slots=True)
class Settings:
    """What the settings file and environment say; None where they are silent."""

    database_url: str | None = None
    language: str | None = None


def load_settings(path: Path | None = None) -> Settings:
    """Read the settings file (if any) and the environment (`BEACON_DB`, `BEACON_LANG`)."""
    path = path or settings_path()
    data: dict = {}
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise UserError(f"settings file {path} is not valid TOML: {exc}") from None
    db = data.get("database", {}).get("url")
    lang = data.get("console", {}).get("language")
    for name, value in (("database.url", db), ("console.language", lang)):
        if value is not None and not isinstance(value, str):
            raise UserError(f"settings file {path}: {name} must be text")
    return Settings(database_url=os.environ.get("BEACON_DB") or db,
                    language=os.environ.get("BEACON_LANG") or lang)


def database_url(cli_value: str | None) -> str | None:
    """The database URL to use: `--db`, then settings; None means the embedded default."""
    return cli_value or load_settings().database_url
