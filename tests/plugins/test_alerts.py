"""External warnings in force: expired, cancelled, replaced and test alerts drop out;
areas become city metres, thinned when very fine."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

from core.cap.parse import CapArea, CapInfo
from core.plugins.alerts import MAX_POINTS, active_warnings, next_expiry, shapes_in_city

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _event(seq: int, identifier: str, expires: str | None, **more: object) -> SimpleNamespace:
    payload = {"identifier": identifier, "sender": "met@example.org", "status": "Actual",
               "msg_type": "Alert", "headline": f"warning {identifier}", "expires": expires,
               "references": [], "shapes": [{"circle": [10.0, 20.0, 5000.0]}], **more}
    return SimpleNamespace(seq=seq, type="external_alert_received", payload=payload)


def test_only_warnings_in_force_are_shown() -> None:
    events = [
        _event(1, "A", "2026-12-01T13:00:00+00:00"),
        _event(2, "OLD", "2026-12-01T11:59:00+00:00"),  # expired
        _event(3, "B", None),  # no end given
        _event(4, "C", "2026-12-01T18:00:00+00:00"),
        _event(5, "C2", "2026-12-01T20:00:00+00:00", msg_type="Update",
               references=["met@example.org,C,2026-12-01T10:00:00+00:00"]),
        _event(6, "D", "2026-12-01T18:00:00+00:00"),
        _event(7, "D-X", None, msg_type="Cancel",
               references=["met@example.org,D,2026-12-01T10:00:00+00:00"]),
        _event(8, "T", "2026-12-01T18:00:00+00:00", status="Exercise"),
    ]
    warnings = active_warnings(events, NOW)  # type: ignore[arg-type]
    assert [w.identifier for w in warnings] == ["A", "C2", "B"]
    assert warnings[0].shapes == (("circle", (10.0, 20.0, 5000.0)),)
    assert next_expiry(warnings) == datetime(2026, 12, 1, 13, 0, tzinfo=UTC)
    assert [w.identifier for w in active_warnings(events, datetime(2026, 12, 1, 13, 30,
                                                                   tzinfo=UTC))] == ["C2", "B"]


def test_areas_become_city_metres() -> None:
    fine = tuple((30.0 + i / 10000, 120.0) for i in range(1000))
    info = CapInfo(event="Flood", urgency="Immediate", severity="Severe", certainty="Likely",
                   areas=(CapArea("river", polygons=(fine,), circles=((30.0, 120.0, 2.5),)),))
    shapes = shapes_in_city([info], lambda lat, lon: ((lon - 120) * 1000, (lat - 30) * 1000))
    polygon, circle = shapes
    assert len(polygon["polygon"]) <= MAX_POINTS and polygon["polygon"][0] == [0.0, 0.0]
    assert circle == {"circle": [0.0, 0.0, 2500.0]}
