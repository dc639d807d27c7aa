"""The demo city on the earth: where it is, its time zone, and local <-> WGS 84 within 1 m."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from core.city.demo import DEMO_ORIGIN, DEMO_TIME_ZONE, build_demo_city
from core.city.model import City
from core.geo import GeoReference

pyproj = pytest.importorskip("pyproj", reason="pyproj (the reference) is not installed")


@pytest.fixture(scope="module")
def city() -> City:
    return build_demo_city(2026)


def test_the_demo_city_lies_on_the_chengdu_plain_in_china_standard_time(city: City) -> None:
    assert city.reference == GeoReference(*DEMO_ORIGIN, projection="tmerc")
    assert city.time_zone == DEMO_TIME_ZONE == "Asia/Shanghai"
    # 23:30 UTC is 07:30 the next morning in the demo city, all year (no DST in China).
    for month in (1, 7):
        at = datetime(2026, month, 1, 23, 30, tzinfo=UTC).astimezone(ZoneInfo(city.time_zone))
        assert (at.day, at.hour, at.minute) == (2, 7, 30)
    # The south-west corner is the origin; the whole 10 km square stays in Wenjiang,
    # west of Chengdu's centre (30.66 N, 104.06 E) and on the plain, east of the hills
    # that begin near 103.6 E.
    x0, y0, x1, y1 = city.bounds
    assert city.to_latlon(0.0, 0.0) == pytest.approx(DEMO_ORIGIN, abs=1e-9)
    sw, ne = city.to_latlon(x0, y0), city.to_latlon(x1, y1)
    assert 30.6 < sw[0] < ne[0] < 30.8 and 103.75 < sw[1] < ne[1] < 103.95
    assert 9_500 < x1 - x0 < 10_500 and 9_500 < y1 - y0 < 10_500
    # Every demo city, whatever the seed or scale, is in the same place.
    assert build_demo_city(7, "small").reference == city.reference


def test_local_and_wgs84_round_trip_within_a_metre_across_the_demo_city(city: City) -> None:
    lat0, lon0 = DEMO_ORIGIN
    proj = pyproj.Transformer.from_crs(
        "EPSG:4326",
        f"+proj=tmerc +lat_0={lat0} +lon_0={lon0} +k=1 +x_0=0 +y_0=0 +ellps=WGS84",
        always_xy=True)
    xy = np.array([(d["x"], d["y"]) for _, d in city.roads.nodes(data=True)])
    xy = np.vstack([xy, [(s.x, s.y) for s in city.stations]])
    x, y = xy[:, 0], xy[:, 1]
    lat, lon = city.reference.to_latlon(x, y)
    plon, plat = proj.transform(x, y, direction="INVERSE")  # PROJ's answer
    px, py = proj.transform(lon, lat)
    assert np.max(np.hypot(px - x, py - y)) < 1.0
    assert np.max(np.abs(plat - lat)) < 1e-5 and np.max(np.abs(plon - lon)) < 1e-5
    bx, by = city.reference.to_local(lat, lon)
    assert np.max(np.hypot(bx - x, by - y)) < 1.0
    # the City's own scalar door, on a station
    st = city.stations[0]
    back = city.to_local(*city.to_latlon(st.x, st.y))
    assert back == pytest.approx((st.x, st.y), abs=1.0)
    assert city.nearest_node(*back) == st.node
