"""CAP 1.2: a real alert parses and validates against the OASIS schema; an invalid one is
refused with the line and the reason; hostile XML is refused before it is expanded."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from core.cap import CapError, parse_cap, touches_box

SAMPLE = Path(__file__).with_name("data") / "cap" / "thunderstorm.xml"


def test_a_real_cap_alert_parses_and_validates() -> None:
    alert = parse_cap(SAMPLE.read_bytes())
    assert (alert.identifier, alert.sender, alert.status, alert.msg_type) == (
        "KSTO1055887203", "KSTO@NWS.NOAA.GOV", "Actual", "Alert")
    assert alert.sent == datetime(2003, 6, 17, 14, 57, tzinfo=timezone(timedelta(hours=-7)))
    info = alert.infos[0]
    assert (info.event, info.urgency, info.severity, info.certainty) == (
        "SEVERE THUNDERSTORM", "Immediate", "Severe", "Observed")
    assert info.areas[0].polygons[0][0] == (38.47, -120.14)
    assert info.areas[0].geocodes == (("SAME", "006109"),)
    assert alert.expires() == info.expires
    # Its polygon lies in the Sierra Nevada: it touches a box there, not one in Shanghai.
    assert touches_box(alert, 38.0, -120.5, 39.0, -119.5)
    assert not touches_box(alert, 31.0, 121.0, 31.5, 121.8)


@pytest.mark.parametrize(("change", "reason"), [
    (("<status>Actual</status>", "<status>Rumour</status>"), "line 6: .*status.*Rumour"),
    (("<sent>2003-06-17T14:57:00-07:00</sent>", "<sent>yesterday</sent>"), "line 5: .*sent"),
    (("  <msgType>Alert</msgType>\n", ""), "line 7: .*scope.*expected.*msgType"),
    (("<urgency>Immediate</urgency>", ""), "urgency"),
])
def test_an_invalid_alert_is_refused_with_the_line_and_the_reason(change, reason) -> None:  # noqa: ANN001
    text = SAMPLE.read_text().replace(*change)
    with pytest.raises(CapError, match=reason):
        parse_cap(text.encode())


def test_hostile_or_foreign_xml_is_refused() -> None:
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
            b'<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">&lol2;</alert>')
    with pytest.raises(CapError, match="DOCTYPE"):
        parse_cap(bomb)
    with pytest.raises(CapError, match="line 1: not well-formed"):
        parse_cap(b"<alert><unclosed></alert>")
    with pytest.raises(CapError, match="not a CAP 1.2 alert"):
        parse_cap(b'<alert xmlns="urn:oasis:names:tc:emergency:cap:1.1"/>')
    bad_polygon = SAMPLE.read_text().replace("38.47,-120.14 38.34", "38.47,-120.14 98.34")
    with pytest.raises(CapError, match="off the globe"):
        parse_cap(bad_polygon.encode())
