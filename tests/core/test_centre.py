"""Opening a centre: the demo city in an empty database, the demo sign-in, the city CLI."""

from __future__ import annotations

import pytest

from core.centre import DEMO_USERNAME, open_centre
from core.cli.main import main
from core.errors import PermissionDenied, UserError
from core.profile import DatabaseKind
from core.store import event_log


def test_an_empty_database_gets_the_demo_city_and_signs_the_demo_in(db_url: str) -> None:
    centre = open_centre(db_url, city_scale="small", new_kind=DatabaseKind.DEMO)
    try:
        assert centre.actor is not None and centre.actor.name == DEMO_USERNAME
        assert "DEMO" in centre.banner and "automatically" in centre.banner
        assert len(centre.live.state.units) == len(centre.city.units)
        assert len(centre.live.state.incidents) == 12
        with centre.db.session() as s:
            signins = event_log.query(s, event_log.EventQuery(type="operator_signed_in"))
            loaded = event_log.query(s, event_log.EventQuery(type="city_loaded"))
        assert [(e.actor, e.payload["automatic"]) for e in signins] == [(DEMO_USERNAME, True)]
        assert loaded[0].payload["counts"]["units"] == len(centre.city.units)
    finally:
        centre.close()
    again = open_centre(db_url, city_scale="small")  # reopening builds nothing new
    try:
        assert again.city.name == centre.city.name
        assert len(again.live.state.incidents) == 12
        assert again.city.roads.number_of_nodes() == centre.city.roads.number_of_nodes()
    finally:
        again.close()


def test_a_wrong_password_is_refused(sqlite_url: str) -> None:
    centre = open_centre(sqlite_url, city_scale="small", new_kind=DatabaseKind.DEMO)
    try:
        with pytest.raises(PermissionDenied, match="wrong password"):
            centre.sign_in(DEMO_USERNAME, "not-the-password")
        with pytest.raises(PermissionDenied, match="wrong password"):
            centre.sign_in("nobody", "whatever123")
    finally:
        centre.close()


def test_a_real_centre_without_a_city_says_what_to_do(sqlite_url: str) -> None:
    with pytest.raises(UserError, match="run 'beacon city demo'"):
        open_centre(sqlite_url, demo=False)


def test_city_demo_cli_builds_once_and_refuses_to_overwrite(sqlite_url: str, capsys) -> None:  # noqa: ANN001
    assert main(["city", "demo", "--small", "--db", sqlite_url]) == 0
    assert "demo city 'Qinghe" in capsys.readouterr().out
    assert main(["city", "demo", "--small", "--db", sqlite_url]) == 2
    assert "already serves the city" in capsys.readouterr().err
    centre = open_centre(sqlite_url, demo=False)
    try:
        assert centre.actor is None and centre.banner == ""
        assert len(centre.live.state.incidents) == 0
    finally:
        centre.close()
