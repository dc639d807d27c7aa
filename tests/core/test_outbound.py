"""Nothing leaves the building from a training or demo database."""

from __future__ import annotations

import pytest

from core.cli.main import main
from core.errors import UserError
from core.outbound import OutboundRefused, check_cap_status, check_outbound
from core.profile import DatabaseKind
from core.store.database import open_database


def test_only_a_live_database_sends(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    db = open_database(sqlite_url)
    try:
        assert check_outbound(db, "sms") is DatabaseKind.LIVE  # never labelled: live
        for kind in ("training", "demo"):
            assert main(["db", "set-kind", kind, "--db", sqlite_url]) == 0
            for channel in ("sms", "webhook", "cap"):
                with pytest.raises(OutboundRefused,
                                   match=f"nothing is sent from a {kind} database"):
                    check_outbound(db, channel)
        assert main(["db", "set-kind", "live", "--db", sqlite_url]) == 0
        assert check_outbound(db, "webhook") is DatabaseKind.LIVE  # read afresh each time
    finally:
        db.dispose()
    capsys.readouterr()


@pytest.mark.parametrize("kind", [DatabaseKind.TRAINING, DatabaseKind.DEMO])
def test_a_cap_alert_from_an_exercise_database_is_never_actual(kind: DatabaseKind) -> None:
    assert check_cap_status(kind, "Exercise") == "Exercise"
    assert check_cap_status(kind, "Test") == "Test"
    for status in ("Actual", "System", "Draft"):
        with pytest.raises(OutboundRefused, match="must have the status Exercise or Test"):
            check_cap_status(kind, status)


def test_cap_statuses_from_a_live_database() -> None:
    for status in ("Actual", "Exercise", "System", "Test", "Draft"):
        assert check_cap_status(DatabaseKind.LIVE, status) == status
    with pytest.raises(UserError, match="not a CAP 1.2 status"):
        check_cap_status(DatabaseKind.LIVE, "actual")
