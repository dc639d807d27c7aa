"""The compiled validator agrees with the generic one on every message it is shown.

`protocol.check` trusts the compiled validator's "yes" and asks the generic one only
for the reason of a "no"; if the two ever disagreed, a bad message would get through
(or a good one be refused). These cases probe every field of every client message
with every kind of JSON value, and drop each field and add an unknown one.
"""

from __future__ import annotations

import copy
from typing import Any

import fastjsonschema
import pytest

from core.hub import protocol

VALID: dict[str, dict[str, Any]] = {
    "hello": {"v": 1, "type": "hello", "role": "unit", "token": "t" * 40, "unit_id": "E12",
              "resume_from": 7, "client": "beacon-field 1"},
    "ack": {"v": 1, "type": "ack", "seq": 12},
    "status": {"v": 1, "type": "status", "id": "E12.1", "status": "en_route",
               "unit_id": "E12"},
    "position": {"v": 1, "type": "position", "id": "E12.2", "x": 1200.5, "y": -3.0,
                 "unit_id": "E12"},
    "message": {"v": 1, "type": "message", "id": "E12.3", "text": "on our way",
                "incident_id": "INC-00001"},
    "household_check": {"v": 1, "type": "household_check", "id": "G3.4",
                        "evacuation_id": "EVAC-0001", "household_id": "H-00012-1",
                        "result": "needs_help", "note": "wheelchair, second floor"},
    "emergency": {"v": 1, "type": "emergency", "id": "E12.4", "text": "crew trapped",
                  "x": 10.0, "y": 20.0},
}
PROBES: list[Any] = [None, True, False, 0, -1, 3, 2.5, 1e308, "", "x", "E12", "a b!",
                     "y" * 81, "unit", "console", "en_route", "on_scene", "evacuated", [], [1], {},
                     {"a": 1}]


def _verdicts(type_: str, data: dict[str, Any]) -> tuple[bool, bool]:
    generic = not any(protocol.validator("to_hub", type_).iter_errors(data))
    try:
        protocol.fast_check("to_hub", type_)(copy.deepcopy(data))
        fast = True
    except fastjsonschema.JsonSchemaException:
        fast = False
    return generic, fast


def _variants(type_: str) -> list[dict[str, Any]]:
    base = VALID[type_]
    out = [base, {**base, "extra": 1}]
    for field in base:
        out.append({k: v for k, v in base.items() if k != field})
        out.extend({**base, field: probe} for probe in PROBES)
    return out


@pytest.mark.parametrize("type_", sorted(set(protocol.CLIENT_TYPES)
                                          - protocol.FULLY_CHECKED))
def test_the_fast_validator_agrees_with_the_generic_one(type_: str) -> None:
    variants = _variants(type_)
    assert _verdicts(type_, VALID[type_]) == (True, True)
    disagree = [v for v in variants if len(set(_verdicts(type_, v))) > 1]
    assert disagree == []
    # The probes do reach both answers, so the comparison means something.
    answers = {_verdicts(type_, v)[0] for v in variants}
    assert answers == {True, False}


def test_fully_checked_types_never_take_the_fast_path() -> None:
    # The compiled validator ignores `dependentRequired`: it would let this through.
    text = protocol.encode("emergency", id="E12.8", x=1.0)
    with pytest.raises(protocol.ProtocolError, match=r"^emergency\.y: is required with x$"):
        protocol.parse_client_message(text)


def test_a_rejected_message_still_names_the_field() -> None:
    text = protocol.encode("position", id="E12.9", x="north", y=1.0)
    with pytest.raises(protocol.ProtocolError, match=r"^position\.x: must be a number$"):
        protocol.parse_client_message(text)


def test_the_fast_validator_leaves_the_message_as_it_was() -> None:
    for type_ in protocol.CLIENT_TYPES:
        message = copy.deepcopy(VALID[type_])
        assert protocol.check("to_hub", message) == VALID[type_]


def test_the_validators_agree_on_positions_in_degrees() -> None:
    """The position schema's two forms (metres or degrees, never both) compile alike."""
    base = {"v": 1, "type": "position", "id": "E12.4", "lat": 30.27, "lon": 120.15}
    variants = [base, {**base, "x": 1.0}, {**base, "y": 1.0}, {**base, "x": 1.0, "y": 2.0},
                {k: v for k, v in base.items() if k != "lon"},
                {k: v for k, v in base.items() if k not in ("lat", "lon")}]
    variants += [{**base, key: probe} for key in ("lat", "lon")
                 for probe in [*PROBES, 90.5, -90.0, 180.0, -180.5]]
    assert [v for v in variants if len(set(_verdicts("position", v))) > 1] == []
    assert {_verdicts("position", v)[0] for v in variants} == {True, False}
