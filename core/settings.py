"""Settings: the database URL and the language, from the command line, the
environment or the settings file, in that order of precedence.

The settings file is TOML at `<user config dir>/beacon/settings.toml`::

    [database]
    url = "postgresql://beacon@db.centre.local/beacon"

    [console]
    language = "zh_CN"   # or "en"; empty: the system locale

    [centre]
    locale = "zh-CN"     # how callback numbers are written (core.phone): +86 138 1234
                         # 5678 for zh-CN, E.164 (+358401234567) for any other; default zh-CN

    [alarms]
    escalate_after_s = 120   # an alarm unacknowledged this long is escalated
    sound = "auto"           # "auto": play when the machine has audio; "off": never
    [cameras]
    secrets = "/srv/beacon/camera-secrets.json"  # camera URLs with credentials (0600)

    [evidence]
    folder = "/srv/beacon/evidence"  # snapshots kept as evidence

    [plugins]
    keep_readings_days = 30  # sensor readings older than this are pruned by the host

    [delivery]
    config = "/etc/beacon/delivery.toml"  # the delivery service's settings: where a
                             # caller's reference code is texted from (docs/public.md)
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
    alarm_escalate_after_s: float | None = None
    alarm_sound: str | None = None
    camera_secrets: str | None = None
    evidence_folder: str | None = None
    locale: str | None = None
    keep_readings_days: float | None = None
    delivery_config: str | None = None


def load_settings(path: Path | None = None) -> Settings:
    """Read the settings file (if any) and the environment (`BEACON_DB`, `BEACON_LANG`,
    `BEACON_ALARM_SOUND`, `BEACON_CAMERA_SECRETS`, `BEACON_EVIDENCE`, `BEACON_LOCALE`,
    `BEACON_DELIVERY_CONFIG`)."""
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
    locale = _section(data, "centre", path).get("locale")
    delivery = _section(data, "delivery", path).get("config")
    for name, value in (("database.url", db), ("console.language", lang),
                        ("cameras.secrets", secrets), ("evidence.folder", evidence),
                        ("centre.locale", locale), ("delivery.config", delivery)):
        if value is not None and not isinstance(value, str):
            raise UserError(f"settings file {path}: {name} must be text")
    alarms = data.get("alarms", {})
    if not isinstance(alarms, dict):
        raise UserError(f"settings file {path}: [alarms] must be a table")
    escalate, sound = alarms.get("escalate_after_s"), alarms.get("sound")
    if escalate is not None and (isinstance(escalate, bool)
                                 or not isinstance(escalate, (int, float))
                                 or not 1 <= escalate <= 86_400):
        raise UserError(f"settings file {path}: alarms.escalate_after_s must be a number of "
                        "seconds from 1 to 86400")
    if sound is not None and sound not in ("auto", "off"):
        raise UserError(f"settings file {path}: alarms.sound must be \"auto\" or \"off\"")
    keep = _section(data, "plugins", path).get("keep_readings_days")
    if keep is not None:
        from core.plugins.retention import check_keep_days

        try:
            keep = check_keep_days(keep, "plugins.keep_readings_days")
        except ValueError as exc:
            raise UserError(f"settings file {path}: {exc}") from None
    return Settings(database_url=os.environ.get("BEACON_DB") or db,
                    language=os.environ.get("BEACON_LANG") or lang,
                    alarm_escalate_after_s=None if escalate is None else float(escalate),
                    alarm_sound=os.environ.get("BEACON_ALARM_SOUND") or sound,
                    camera_secrets=os.environ.get("BEACON_CAMERA_SECRETS") or secrets,
                    evidence_folder=os.environ.get("BEACON_EVIDENCE") or evidence,
                    locale=_locale(os.environ.get("BEACON_LOCALE") or locale, path),
                    keep_readings_days=keep,
                    delivery_config=os.environ.get("BEACON_DELIVERY_CONFIG") or delivery)


def _locale(value: str | None, path: Path) -> str | None:
    if value is None:
        return None
    from core.phone import parse_locale

    try:
        return parse_locale(value)
    except ValueError as exc:
        raise UserError(f"settings file {path} or BEACON_LOCALE: centre.locale: {exc}"
                        ) from None


def centre_locale() -> str:
    """The locale callback numbers are written in (`core.phone`): the settings', else
    zh-CN (the demo centre's)."""
    from core.phone import DEFAULT_LOCALE

    return load_settings().locale or DEFAULT_LOCALE


def _section(data: dict, name: str, path: Path) -> dict:
    section = data.get(name, {})
    if not isinstance(section, dict):
        raise UserError(f"settings file {path}: [{name}] must be a table")
    return section


def database_url(cli_value: str | None) -> str | None:
    """The database URL to use: `--db`, then settings; None means the embedded default."""
    return cli_value or load_settings().database_url
