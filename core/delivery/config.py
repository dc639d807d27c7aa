"""The delivery settings: a TOML file with a `[delivery]` table (see docs/delivery.md).

The file's shape is checked as a whole (a wrong key, a wrong type: `UserError` naming
the key). An endpoint that is well-formed but unusable (a URL that is not http(s), a
token variable that is not set) does not stop the others: it is kept with its
`problem`, and every delivery to it is recorded as failed with that reason.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema

from core.errors import UserError

_NAME = {"type": "string", "pattern": "^[A-Za-z0-9_.-]{1,40}$"}
_KINDS = {"type": "array", "items": {"enum": ["notice", "report_status", "reference_code"]}}

_WEBHOOK = {"type": "object", "additionalProperties": False, "required": ["name", "url"],
            "properties": {"name": _NAME, "url": {"type": "string"},
                           "headers": {"type": "object",
                                       "additionalProperties": {"type": "string"}},
                           "kinds": _KINDS}}
_MQTT = {"type": "object", "additionalProperties": False, "required": ["name"],
         "properties": {"name": _NAME, "host": {"type": "string"},
                        "port": {"type": "integer", "minimum": 1, "maximum": 65535},
                        "topic_prefix": {"type": "string", "pattern": "^[^#+]+$"},
                        "retain": {"type": "boolean"}, "qos": {"enum": [0, 1, 2]},
                        "kinds": _KINDS}}
_SMS = {"type": "object", "additionalProperties": False, "required": ["name", "url"],
        "properties": {
            "name": _NAME, "url": {"type": "string"},
            "format": {"enum": ["json", "form"]},
            "auth_header": {"type": "string"}, "token": {"type": "string"},
            "token_env": {"type": "string"},
            "to_field": {"type": "string"}, "text_field": {"type": "string"},
            "sender": {"type": "string"}, "sender_field": {"type": "string"},
            "template_id": {"type": "string"}, "template_field": {"type": "string"},
            "params_field": {"type": "string"},
            "template_params": {"type": "object",
                                "additionalProperties": {"enum": ["text", "subject", "kind"]}},
            "split": {"type": "boolean"}, "part_field": {"type": "string"},
            "parts_field": {"type": "string"}, "ref_field": {"type": "string"},
            "max_parts": {"type": "integer", "minimum": 1, "maximum": 255},
            "ok_field": {"type": "string"}, "ok_value": {"type": ["string", "integer"]},
            "languages": {"type": "array", "items": {"type": "string"}, "minItems": 1},
            "notice_recipients": {"type": "array", "items": {"type": "string"}},
            "kinds": _KINDS}}

SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "properties": {
        "attempts": {"type": "integer", "minimum": 1, "maximum": 100},
        "backoff_s": {"type": "number", "exclusiveMinimum": 0},
        "backoff_max_s": {"type": "number", "exclusiveMinimum": 0},
        "timeout_s": {"type": "number", "exclusiveMinimum": 0, "maximum": 300},
        "webhook": {"type": "array", "items": _WEBHOOK},
        "mqtt": {"type": "array", "items": _MQTT},
        "sms": {"type": "array", "items": _SMS},
    }}


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how soon a delivery is tried again: `attempts` in all, the first
    retry after `backoff_s`, doubling each time up to `backoff_max_s`."""

    attempts: int = 8
    backoff_s: float = 5.0
    backoff_max_s: float = 600.0
    timeout_s: float = 10.0

    def delay_s(self, attempts_made: int) -> float:
        """Seconds to wait after the `attempts_made`-th failed attempt."""
        return min(self.backoff_max_s, self.backoff_s * 2 ** max(0, attempts_made - 1))


@dataclass(frozen=True, slots=True)
class DeliveryConfig:
    """The retry policy and each channel's endpoints (plain dicts, defaults filled)."""

    policy: RetryPolicy = field(default_factory=RetryPolicy)
    webhook: tuple[dict[str, Any], ...] = ()
    mqtt: tuple[dict[str, Any], ...] = ()
    sms: tuple[dict[str, Any], ...] = ()


def http_url_problem(url: str) -> str | None:
    """Why `url` cannot be posted to (None when it is an absolute http(s) URL)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError as exc:
        return f"url {url!r} is not a valid URL: {exc}"
    if parts.scheme not in ("http", "https"):
        return f"url {url!r} is not an http:// or https:// URL"
    if not parts.hostname:
        return f"url {url!r} names no host"
    return None


def parse_config(data: Any, where: str = "delivery settings") -> DeliveryConfig:
    """Check the `[delivery]` table `data` and fill in defaults. Raises `UserError`
    naming the key when its shape is wrong."""
    if data is None:
        data = {}
    try:
        jsonschema.validate(data, SCHEMA)
    except jsonschema.ValidationError as exc:
        key = ".".join(str(p) for p in exc.absolute_path) or "[delivery]"
        raise UserError(f"{where}: key {key!r}: {exc.message}") from None
    policy = RetryPolicy(**{k: data[k] for k in ("attempts", "backoff_s", "backoff_max_s",
                                                 "timeout_s") if k in data})
    names: set[tuple[str, str]] = set()
    for channel in ("webhook", "mqtt", "sms"):
        for item in data.get(channel, []):
            if (channel, item["name"]) in names:
                raise UserError(f"{where}: two {channel} endpoints named {item['name']!r}")
            names.add((channel, item["name"]))
    return DeliveryConfig(
        policy=policy,
        webhook=tuple(_webhook(i) for i in data.get("webhook", [])),
        mqtt=tuple(_mqtt(i) for i in data.get("mqtt", [])),
        sms=tuple(_sms(i) for i in data.get("sms", [])))


def _webhook(item: dict[str, Any]) -> dict[str, Any]:
    out = {"headers": {}, "kinds": ["notice"]} | item
    out["problem"] = http_url_problem(item["url"])
    return out


def _mqtt(item: dict[str, Any]) -> dict[str, Any]:
    out = {"host": "127.0.0.1", "port": 1883, "topic_prefix": "beacon/notices",
           "retain": True, "qos": 1, "kinds": ["notice"]} | item
    out["topic_prefix"] = out["topic_prefix"].rstrip("/")
    out["problem"] = None if out["topic_prefix"] else "topic_prefix is empty"
    return out


_PHONE = re.compile(r"^\+?[0-9]{5,15}$")


def normalise_phone(number: str) -> str | None:
    """`number` without spaces, dashes and brackets, or None when it is not a phone
    number (digits, optionally after a leading +, 5 to 15 of them (E.164 has at most 15))."""
    cleaned = re.sub(r"[\s()-]", "", number)
    return cleaned if _PHONE.match(cleaned) else None


def _sms(item: dict[str, Any]) -> dict[str, Any]:
    out = {"format": "json", "auth_header": "Authorization", "to_field": "to",
           "text_field": "text", "sender_field": "from", "template_field": "template_id",
           "params_field": "params", "template_params": {"text": "text"}, "split": True,
           "part_field": "part", "parts_field": "parts", "ref_field": "ref",
           "max_parts": 10, "languages": ["zh-CN", "en-US"], "notice_recipients": [],
           "kinds": ["notice", "report_status", "reference_code"]} | item
    problem = http_url_problem(item["url"])
    if problem is None and "token_env" in item and not os.environ.get(item["token_env"]):
        problem = f"token_env: the environment variable {item['token_env']} is not set"
    out["problem"] = problem
    return out


def load_config(path: str | Path) -> DeliveryConfig:
    """Read the `[delivery]` table of the TOML file at `path` (see `parse_config`)."""
    from core.user_files import load_user_toml

    data = load_user_toml(path, "delivery settings")
    return parse_config(data.get("delivery", {}), str(path))
