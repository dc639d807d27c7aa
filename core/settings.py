"""Settings: the database URL and the language, from the command line, the
environment or the settings file, in that order of precedence.

The settings file is TOML at `<user config dir>/beacon/settings.toml`::

    [database]
    url = "postgresql://beacon@db.centre.local/beacon"

    [console]
    language = "zh_CN"   # or "en"; empty: the system locale

    [cameras]
    secrets = "/srv/beacon/camera-secrets.json"  # camera URLs with credentials (0600)

    [evidence]
    folder = "/srv/beacon/evidence"  # snapshots kept as evidence
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
    camera_secrets: str | None = None
    evidence_folder: str | None = None


def load_settings(path: Path | None = None) -> Settings:
    """Read the settings file (if any) and the environment (`BEACON_DB`, `BEACON_LANG`,
    `BEACON_CAMERA_SECRETS`, `BEACON_EVIDENCE`)."""
    path = path or settings_path()
    data: dict = {}
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise UserError(f"settings file {path} is not valid TOML: {exc}") from None
    db = data.get("database", {}).get("url")
    lang = data.get("console", {}).get("language")
    secrets = _section(data, "cameras", path).get("secrets")
    evidence = _section(data, "evidence", path).get("folder")
    for name, value in (("database.url", db), ("console.language", lang),
                        ("cameras.secrets", secrets), ("evidence.folder", evidence)):
        if value is not None and not isinstance(value, str):
            raise UserError(f"settings file {path}: {name} must be text")
    return Settings(database_url=os.environ.get("BEACON_DB") or db,
                    language=os.environ.get("BEACON_LANG") or lang,
                    camera_secrets=os.environ.get("BEACON_CAMERA_SECRETS") or secrets,
                    evidence_folder=os.environ.get("BEACON_EVIDENCE") or evidence)


def _section(data: dict, name: str, path: Path) -> dict:
    section = data.get(name, {})
    if not isinstance(section, dict):
        raise UserError(f"settings file {path}: [{name}] must be a table")
    return section


def database_url(cli_value: str | None) -> str | None:
    """The database URL to use: `--db`, then settings; None means the embedded default."""
    return cli_value or load_settings().database_url
