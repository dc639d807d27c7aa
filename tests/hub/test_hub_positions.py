"""Position reports in latitude/longitude, and positions off the city's map refused.

Over a real websocket: a report in degrees lands where `City.to_local` says, on the
expected road node; a report of 1e308, of Paris, or of both forms at once is answered
with an error naming the field and never reaches the log.
"""

from __future__ import annotations

import json
from dataclasses import replace

import aiohttp
import pytest
from sqlalchemy import func, select

from core.centre import store_city
from core.city.model import City
from core.field.client import FieldClient, HubRefused, LinkState
from core.geo import GeoReference
from core.hub.positions import FEATURE_LATLON
from core.hub.protocol import check, encode
from core.hub.tokens import create_token
from core.service import CommandService
from core.store.database import open_database
from core.store.schema import EventRow, UnitRow
from tests.hub.helpers import run, seed, start_hub


def _stored(url: str, city: City) -> tuple[str, str]:
    """Store `city` in `url`; returns (a unit of it, that unit's token)."""
    db = open_database(url)
    try:
        store_city(CommandService(db), city, source="demo:small")
        unit = city.units[0].code
        return unit, create_token(db, "unit", unit)[1]
    finally:
        db.dispose()


async def _connect(http: aiohttp.ClientSession, base: str, token: str
                   ) -> tuple[aiohttp.ClientWebSocketResponse, dict]:
    ws = await http.ws_connect(base + "/ws/unit")
    await ws.send_str(encode("hello", role="unit", token=token))
    welcome = await ws.receive_json(timeout=5)
    assert welcome["type"] == "welcome", welcome
    check("from_hub", welcome)
    return ws, welcome


async def _answer(ws: aiohttp.ClientWebSocketResponse) -> dict:
    # Sequenced messages (the unit's own events) may come first: skip to the answer.
    while True:
        msg = json.loads((await ws.receive(timeout=5)).data)
        if msg["type"] in ("ack", "error"):
            return msg


def _reports(url: str) -> int:
    db = open_database(url)
    try:
        with db.session() as s:
            return s.execute(select(func.count()).select_from(EventRow).where(
                EventRow.type == "unit_position_reported")).scalar_one()
    finally:
        db.dispose()


def _unit_xy(url: str, unit: str) -> tuple[float, float]:
    db = open_database(url)
    try:
        with db.session() as s:
            row = s.get(UnitRow, unit)
            assert row is not None
            return row.x, row.y
    finally:
        db.dispose()


def test_a_position_in_degrees_lands_on_the_right_road_node(sqlite_url: str,
                                                            small_city: City) -> None:
    city = replace(small_city, reference=GeoReference(30.27, 120.15),
                   time_zone="Asia/Shanghai")
    unit, token = _stored(sqlite_url, city)
    node = sorted(city.roads.nodes)[len(city.roads.nodes) // 2]
    nx_, ny_ = city.node_xy(node)
    # A GPS fix 3 m east and 2 m south of the crossing, to seven decimals as phones give.
    lat, lon = (round(v, 7) for v in city.to_latlon(nx_ + 3.0, ny_ - 2.0))
    want = city.to_local(lat, lon)

    async def body() -> None:
        hub, base = await start_hub(sqlite_url, city=city)
        try:
            async with aiohttp.ClientSession() as http:
                ws, welcome = await _connect(http, base, token)
                assert FEATURE_LATLON in welcome["features"]
                await ws.send_str(encode("position", id="gps.1", lat=lat, lon=lon))
                ack = await _answer(ws)
                assert ack["type"] == "ack" and ack["id"] == "gps.1", ack
                await ws.close()
            # The field client: it reads the feature off the welcome and sends a fix.
            client = FieldClient(base, unit, token, backoff_min=0.05)
            async with client:
                await client.wait_for_state(LinkState.CONNECTED)
                assert client.welcome is not None
                assert FEATURE_LATLON in client.welcome["features"]
                assert (await client.report_latlon(lat, lon))["type"] == "ack"
                with pytest.raises(HubRefused, match="outside its map"):
                    await client.report_latlon(-lat, lon)
        finally:
            await hub.stop()

    run(body())
    x, y = _unit_xy(sqlite_url, unit)
    assert x == pytest.approx(want[0], abs=1.0) and y == pytest.approx(want[1], abs=1.0)
    assert city.nearest_node(x, y) == node


def test_positions_off_the_map_are_refused_and_never_recorded(sqlite_url: str,
                                                              small_city: City) -> None:
    city = replace(small_city, reference=GeoReference(30.27, 120.15),
                   time_zone="Asia/Shanghai")
    unit, token = _stored(sqlite_url, city)
    before = _reports(sqlite_url)
    where = _unit_xy(sqlite_url, unit)
    x0, y0, x1, y1 = city.bounds
    refusals = [
        (dict(x=1e308, y=10.0), "position.x: "),
        (dict(x=10.0, y=y1 + 6000.0), "position.y: "),
        (dict(x=float(int("9" * 300)), y=1.0), "position.x: "),
        (dict(lat=48.8566, lon=2.3522), "position.lat/lon: "),      # Paris
        (dict(lat=-30.27, lon=120.15), "position.lat/lon: "),       # the sign lost
        (dict(lat=120.15, lon=30.27), "position.lat: must be at most 90"),  # swapped
        (dict(lat=30.27, lon=120.15, x=1.0), "not both"),
        (dict(lat=30.27), "position.lon: is required"),
    ]

    async def body() -> None:
        hub, base = await start_hub(sqlite_url, city=city)
        try:
            async with aiohttp.ClientSession() as http:
                ws, _ = await _connect(http, base, token)
                for n, (fields, expected) in enumerate(refusals):
                    await ws.send_str(encode("position", id=f"bad.{n}", **fields))
                    err = await _answer(ws)
                    assert err["type"] == "error" and err["code"] == "bad_message", err
                    assert expected in err["message"], (fields, err)
                    assert err["id"] == f"bad.{n}"
                    if "lat/lon" in expected:
                        assert "outside its map" in err["message"]
                        assert "km from the centre of" in err["message"]
                # The connection still serves, and a point just inside the margin is fine.
                await ws.send_str(encode("position", id="ok", x=x0 - 4000.0, y=y0))
                assert (await _answer(ws))["type"] == "ack"
                await ws.close()
        finally:
            await hub.stop()

    run(body())
    assert _reports(sqlite_url) == before + 1
    assert _unit_xy(sqlite_url, unit) == (x0 - 4000.0, y0) != where


def test_a_city_without_a_place_takes_metres_only(sqlite_url: str, small_city: City) -> None:
    """The hub reads the stored city itself; without a reference it says so in the
    welcome (no feature) and in the answer to a report in degrees."""
    if small_city.reference is not None:
        small_city = replace(small_city, reference=None)
    _, token = _stored(sqlite_url, small_city)

    async def body() -> None:
        hub, base = await start_hub(sqlite_url)
        try:
            async with aiohttp.ClientSession() as http:
                ws, welcome = await _connect(http, base, token)
                assert FEATURE_LATLON not in welcome["features"]
                await ws.send_str(encode("position", id="d", lat=30.27, lon=120.15))
                err = await _answer(ws)
                assert err["code"] == "bad_message"
                assert "has no place on the earth" in err["message"]
                await ws.send_str(encode("position", id="far", x=-6000.0, y=10.0))
                err = await _answer(ws)
                assert err["code"] == "bad_message" and "outside" in err["message"]
                await ws.close()
        finally:
            await hub.stop()

    run(body())


def test_without_a_city_an_absurd_position_is_still_refused(sqlite_url: str) -> None:
    seeded = seed(sqlite_url)

    async def body() -> None:
        hub, base = await start_hub(sqlite_url)
        try:
            async with aiohttp.ClientSession() as http:
                ws, _ = await _connect(http, base, seeded.tokens["E1"])
                await ws.send_str(encode("position", id="big", x=1e308, y=0.0))
                err = await _answer(ws)
                assert err["code"] == "bad_message" and err["message"].startswith(
                    "position.x: "), err
                await ws.send_str(encode("position", id="ok", x=12.0, y=0.0))
                assert (await _answer(ws))["type"] == "ack"
                await ws.close()
        finally:
            await hub.stop()

    try:
        run(body())
    finally:
        seeded.close()
