"""The sync protocol: versioned JSON messages, checked against the schemas in `schemas/`.

Every message is a JSON object `{"v": 1, "type": ..., ...}`. `schemas/to_hub/*.json`
describe what clients send, `schemas/from_hub/*.json` what the hub sends; see
`docs/protocol.md`. `parse_client_message` turns text into a checked dict or raises
`ProtocolError` whose message names the part that is wrong, e.g.
`position.x: must be a number`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import fastjsonschema
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaError

from core.text import storable_text
from core.user_files import json_too_deep

VERSION = 1
SCHEMAS = Path(__file__).with_name("schemas")
MAX_MESSAGE_BYTES = 64 * 1024  # our own limit: answered with an error, connection kept
HARD_MAX_MESSAGE_BYTES = 1024 * 1024  # aiohttp's limit: beyond it the socket is closed
# No message nests beyond two levels; deeper JSON recursed until a RecursionError
# dropped the connection (30,000 brackets fit in the size limit).
MAX_NESTING = 16

CLIENT_TYPES = ("hello", "ack", "status", "position", "message", "emergency",
                "household_check")
# Optional parts of protocol version 1 a hub lists in its welcome's `features`: a client
# sends such a message only to a hub that lists it (an older hub refuses the type).
# `emergency`: a unit's crew in danger raises an alarm (a client that does not see it
# falls back to a message); `household_check`: a grid worker checked a household.
FEATURE_EMERGENCY = "emergency"
FEATURE_HOUSEHOLD_CHECK = "household_check"
# `relocation`: this hub tells a unit it is moved up to another station (a hub message
# type added to version 1; a client ignores hub types it does not know, acking their seq).
FEATURE_RELOCATION = "relocation"
# Rare messages whose schema uses what the fast validator (drafts 4-7) does not know
# (`dependentRequired`): always checked by the full 2020-12 validator.
FULLY_CHECKED = frozenset({"emergency"})
HUB_TYPES = ("welcome", "assignment", "incident_update", "status", "message", "event", "ack",
             "error", "relocation")
# Hub messages that carry a sequence number and must be acknowledged and resumed.
SEQUENCED_TYPES = frozenset({"assignment", "incident_update", "status", "message", "event",
                             "relocation"})

_JSON_TYPES = {"number": "a number", "integer": "a whole number", "string": "text",
               "object": "an object", "array": "a list", "boolean": "true or false",
               "null": "null"}


class ProtocolError(Exception):
    """A message that breaks the protocol; `code` is the error code sent back."""

    def __init__(self, message: str, code: str = "bad_message",
                 client_id: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.client_id = client_id


@cache
def validator(direction: str, type_: str) -> Draft202012Validator:
    """The validator of one message type; `direction` is "to_hub" or "from_hub"."""
    schema = json.loads((SCHEMAS / direction / f"{type_}.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


@cache
def fast_check(direction: str, type_: str) -> Callable[[dict[str, Any]], Any]:
    """The same schema compiled to Python code: ten times faster than `validator`.

    It only says yes or no; `check` asks `validator` why when it says no, so every
    error still reads the same. (A thousand position reports a second made the generic
    validator the hub's biggest cost after the database.)
    """
    return fastjsonschema.compile(validator(direction, type_).schema, use_default=False)


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number")


# One decoder for every message (json.loads with an option builds a new one each call).
_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


_TOO_DEEP = object()


def decode(text: str | bytes) -> dict[str, Any]:
    """Parse one message; anything but a JSON object raises `ProtocolError`."""
    if len(text) > MAX_MESSAGE_BYTES:
        raise ProtocolError(f"message of {len(text)} bytes is larger than the limit of "
                            f"{MAX_MESSAGE_BYTES} bytes", code="too_large")
    try:
        if isinstance(text, bytes):  # a binary frame: UTF-8 (BOM or not), UTF-16 or -32
            text = text.decode(json.detect_encoding(text))
        data = _DECODER.decode(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ProtocolError(f"not valid JSON: {exc}") from None
    except RecursionError:
        data = _TOO_DEEP  # the decoder's own guard; said the same way as below
    # Counting brackets is C speed (~1 µs for a position report); only text holding more
    # than MAX_NESTING of them is scanned for real.
    if data is _TOO_DEEP or json_too_deep(text, MAX_NESTING):
        raise ProtocolError(f"JSON nested deeper than {MAX_NESTING} levels")
    if not isinstance(data, dict):
        raise ProtocolError("a message must be a JSON object with 'v' and 'type'")
    if "\\u" in text or not text.isascii():  # plain ASCII holds neither NUL nor surrogate
        where = _unstorable_text(data)
        if where is not None:
            type_ = data.get("type") if isinstance(data.get("type"), str) else "message"
            client_id = data.get("id") if isinstance(data.get("id"), str) else None
            raise ProtocolError(f"{type_}.{where}: text may not hold NUL characters or "
                                "unpaired surrogates (\\u0000, \\ud800-\\udfff)",
                                client_id=client_id)
    return data


def _unstorable_text(value: Any, path: str = "") -> str | None:
    """The path of the first string no database can store (see `storable_text`), or
    None: such a string would fail the whole batch of reports it is written with."""
    if isinstance(value, str):
        return None if storable_text(value) else path
    items: Any = (value.items() if isinstance(value, dict)
                  else enumerate(value) if isinstance(value, list) else ())
    for key, item in items:
        if isinstance(key, str) and _unstorable_text(key) is not None:
            return path or "(a field name)"
        found = _unstorable_text(item, f"{path}.{key}" if path else str(key))
        if found is not None:
            return found
    return None


def describe(type_: str, error: SchemaError) -> str:
    """One readable line for a schema error: `<type>.<path>: <what is wrong>`."""
    path = ".".join(str(p) for p in error.absolute_path)
    where = f"{type_}.{path}" if path else type_
    v = error.validator
    if v == "type":
        expected = error.validator_value
        names = [_JSON_TYPES.get(t, t) for t in
                 (expected if isinstance(expected, list) else [expected])]
        return f"{where}: must be {' or '.join(names)}"
    if v == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return f"{where}.{missing}: is required"
    if v == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return f"{where}: unknown field {', '.join(repr(e) for e in extra)}"
    if v == "enum":
        return f"{where}: must be one of {', '.join(map(str, error.validator_value))}"
    if v == "const":
        return f"{where}: must be {error.validator_value!r}"
    if v in ("minLength", "maxLength"):
        return f"{where}: must be {'at least' if v == 'minLength' else 'at most'} " \
               f"{error.validator_value} characters"
    if v == "minimum":
        return f"{where}: must be at least {error.validator_value}"
    if v == "maximum":
        return f"{where}: must be at most {error.validator_value}"
    if v == "oneOf" and isinstance(error.instance, dict):
        return _describe_alternatives(where, error.instance, error.validator_value)
    if v == "dependentRequired":
        missing = [k for k in error.validator_value.get(_first_key(error), ())
                   if k not in error.instance]
        if missing:
            return f"{where}.{missing[0]}: is required with {_first_key(error)}"
    if v == "not" and isinstance(error.instance, dict):
        return f"{where}: give x and y, or lat and lon, not both"
    if v == "pattern":
        return f"{where}: may hold only letters, digits and . _ : -"
    return f"{where}: {error.message}"


def _first_key(error: SchemaError) -> str:
    """The field of a `dependentRequired` error whose companion is missing."""
    for key, needs in error.validator_value.items():
        if key in error.instance and any(n not in error.instance for n in needs):
            return str(key)
    return ""


def _describe_alternatives(where: str, instance: dict[str, Any],
                           alternatives: list[dict[str, Any]]) -> str:
    """Why a message fits none or several of its alternative field sets (a position in
    metres or in degrees): the missing field, or that only one set may be given."""
    sets = [list(a.get("required", ())) for a in alternatives]
    given = [s for s in sets if any(k in instance for k in s)]
    if len(given) == 1:
        missing = next((k for k in given[0] if k not in instance), None)
        if missing is not None:
            return f"{where}.{missing}: is required"
    choices = " or ".join(" and ".join(s) for s in sets)
    if len(given) > 1:
        return f"{where}: give either {choices}, not both"
    return f"{where}: give {choices}"


def check(direction: str, data: dict[str, Any]) -> dict[str, Any]:
    """Validate a decoded message against its schema; returns it or raises."""
    type_ = data.get("type")
    known = CLIENT_TYPES if direction == "to_hub" else HUB_TYPES
    client_id = data.get("id") if isinstance(data.get("id"), str) else None
    if "v" not in data:
        raise ProtocolError("v: is required (the protocol version, 1)", client_id=client_id)
    if data["v"] != VERSION:
        raise ProtocolError(f"v: unsupported protocol version {data['v']!r} (this hub speaks "
                            f"{VERSION})", client_id=client_id)
    if not isinstance(type_, str):
        raise ProtocolError("type: is required (one of " + ", ".join(known) + ")",
                            client_id=client_id)
    if type_ not in known:
        raise ProtocolError(f"unknown message type {type_!r} (expected one of "
                            f"{', '.join(known)})", code="unknown_type", client_id=client_id)
    if type_ not in FULLY_CHECKED:
        try:
            fast_check(direction, type_)(data)
            return data
        except fastjsonschema.JsonSchemaException:
            pass  # the generic validator names what is wrong
    errors = sorted(validator(direction, type_).iter_errors(data),
                    key=lambda e: (len(e.absolute_path), list(map(str, e.absolute_path))))
    if errors:
        raise ProtocolError(describe(type_, errors[0]), client_id=client_id)
    return data


def parse_client_message(text: str | bytes) -> dict[str, Any]:
    """Decode and validate one message from a client."""
    return check("to_hub", decode(text))


_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def encode(type_: str, **fields: Any) -> str:
    """The text of a message of `type_` (not validated: the hub builds them itself)."""
    return _ENCODER.encode({"v": VERSION, "type": type_, **fields})


def error_message(code: str, message: str, client_id: str | None = None,
                  fatal: bool = False) -> str:
    """The text of an error message."""
    return encode("error", code=code, message=message, id=client_id, fatal=fatal)
