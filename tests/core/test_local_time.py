"""The centre's local time: what people read, always with the zone beside it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from core.errors import ValidationError
from core.local_time import format_local, local_naive_to_utc, offset_text, to_local, zone

LATE_CALL = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)


def test_a_call_at_2330_utc_reads_0730_the_next_day_in_a_utc_plus_8_centre():
    assert format_local(LATE_CALL, "Asia/Shanghai") == "2026-03-02 07:30:00 UTC+08:00"
    assert to_local(LATE_CALL, "Asia/Shanghai").day == 2


def test_utc_and_other_offsets_are_named_too():
    assert format_local(LATE_CALL, "UTC") == "2026-03-01 23:30:00 UTC+00:00"
    assert offset_text(LATE_CALL.astimezone(timezone(timedelta(hours=-3, minutes=-30)))) \
        == "UTC-03:30"
    # a zone with summer time shows the offset of that instant
    assert format_local(datetime(2026, 7, 1, 12, tzinfo=UTC), "Europe/Berlin").endswith(
        "UTC+02:00")


def test_a_time_typed_without_zone_is_read_in_the_centres_zone():
    typed = datetime(2026, 3, 2, 7, 30)
    assert local_naive_to_utc(typed, "Asia/Shanghai") == LATE_CALL
    assert local_naive_to_utc(LATE_CALL, "Asia/Shanghai") is LATE_CALL


def test_an_unknown_zone_is_refused_by_name():
    with pytest.raises(ValidationError, match="Mars/Olympus"):
        zone("Mars/Olympus")
    with pytest.raises(ValueError):
        to_local(datetime(2026, 3, 1), "UTC")
