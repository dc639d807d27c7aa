"""Local metres <-> WGS 84, checked against PROJ (pyproj) as the reference."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core.geo import GeoReference, check_latlon, parse_latlon

pyproj = pytest.importorskip("pyproj", reason="pyproj (the reference) is not installed")

# A few city origins: Hangzhou, Shanghai, Harbin (far north), Sanya (far south), and one
# across the antimeridian's neighbourhood to catch longitude wrapping.
ORIGINS = [(30.2741, 120.1551), (31.2304, 121.4737), (45.8038, 126.5350),
           (18.2528, 109.5119), (-36.8485, 174.7633)]


def _grid(half_width_m: float, step_m: float) -> tuple[np.ndarray, np.ndarray]:
    xs = np.arange(-half_width_m, half_width_m + 1, step_m)
    gx, gy = np.meshgrid(xs, xs)
    return gx.ravel(), gy.ravel()


@pytest.mark.parametrize("origin", ORIGINS)
def test_tmerc_matches_proj_within_a_millimetre_across_20_km(origin):
    lat0, lon0 = origin
    ref = GeoReference(lat0, lon0)
    proj = pyproj.Transformer.from_crs(
        "EPSG:4326",
        f"+proj=tmerc +lat_0={lat0} +lon_0={lon0} +k=1 +x_0=0 +y_0=0 +ellps=WGS84",
        always_xy=True)
    x, y = _grid(10_000, 500)  # a 20 km square around the origin
    lat, lon = ref.to_latlon(x, y)
    px, py = proj.transform(lon, lat)  # PROJ takes the point back to metres
    assert np.max(np.hypot(px - x, py - y)) < 0.001
    # and the other way: PROJ's lat/lon of our metres
    plon, plat = proj.transform(x, y, direction="INVERSE")
    bx, by = ref.to_local(plat, plon)
    assert np.max(np.hypot(bx - x, by - y)) < 0.001


@pytest.mark.parametrize("origin", ORIGINS)
def test_round_trip_is_exact_to_a_millimetre(origin):
    ref = GeoReference(*origin)
    x, y = _grid(20_000, 1000)
    bx, by = ref.to_local(*ref.to_latlon(x, y))
    assert np.max(np.hypot(bx - x, by - y)) < 0.001


def test_the_origin_is_local_zero_and_north_is_up():
    ref = GeoReference(30.2741, 120.1551)
    assert ref.to_local(30.2741, 120.1551) == pytest.approx((0.0, 0.0), abs=1e-6)
    x, y = ref.to_local(30.2741 + 0.01, 120.1551)
    assert abs(x) < 1e-6 and 1100 < y < 1120  # a hundredth of a degree is ~1.1 km
    x, y = ref.to_local(30.2741, 120.1551 + 0.01)
    assert 950 < x < 970 and abs(y) < 1  # shorter at 30 degrees north


def test_scalars_in_give_python_floats_out():
    lat, lon = GeoReference(30.0, 120.0).to_latlon(100.0, 200.0)
    assert type(lat) is float and type(lon) is float


def test_equirectangular_is_kept_for_old_imports_and_stays_within_its_known_error():
    ref = GeoReference(31.0, 121.0, "equirectangular")
    lat, lon = ref.to_latlon(5000.0, -3000.0)
    assert ref.to_local(lat, lon) == pytest.approx((5000.0, -3000.0), abs=1e-6)
    tm = GeoReference(31.0, 121.0)
    err = math.hypot(*(np.subtract(tm.to_local(lat, lon), (5000.0, -3000.0))))
    assert err < 20  # metres off at ~6 km: why new cities use tmerc


def test_bad_references_are_refused():
    for bad in [(91.0, 0.0), (0.0, 181.0), (math.nan, 0.0), (89.0, 0.0)]:
        with pytest.raises(ValueError):
            GeoReference(*bad)
    with pytest.raises(ValueError, match="unknown projection"):
        GeoReference(30.0, 120.0, "mercator")
    with pytest.raises(ValueError):
        GeoReference.from_dict({"origin_lat": 30})
    with pytest.raises(ValueError, match="latitude comes first"):
        check_latlon(121.4, 31.2)


def test_reference_round_trips_through_its_dict():
    ref = GeoReference(30.2741, 120.1551, "tmerc")
    assert GeoReference.from_dict(ref.to_dict()) == ref


@pytest.mark.parametrize("text, expected", [
    ("31.2304, 121.4737", (31.2304, 121.4737)),
    ("31.2304 121.4737", (31.2304, 121.4737)),
    ("31.2304N, 121.4737E", (31.2304, 121.4737)),
    ("33.87S 151.21E", (-33.87, 151.21)),
])
def test_parse_latlon_reads_what_people_paste(text, expected):
    assert parse_latlon(text) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["Station Road 12", "121.4737, 31.2304, 5", "95, 10",
                                  "nan, 1", "1e400, 3", "31.2, 200", ""])
def test_parse_latlon_refuses_what_is_not_a_position(text):
    assert parse_latlon(text) is None


def test_a_city_refuses_positions_off_its_map_and_converts_with_its_reference():
    from dataclasses import replace

    from core.city.demo import build_demo_city
    from core.errors import ValidationError

    city = build_demo_city(scale="small")
    city.check_position(100.0, 100.0)
    city.check_position(-4000.0, 100.0)  # within the margin
    for bad in [(1e308, 0.0), (math.nan, 0.0), (-6000.0, 0.0), ("1", 2.0)]:
        with pytest.raises(ValidationError, match="position"):
            city.check_position(*bad)
    placed = replace(city, reference=GeoReference(30.2741, 120.1551))
    lat, lon = placed.to_latlon(500.0, 700.0)
    assert placed.to_local(lat, lon) == pytest.approx((500.0, 700.0), abs=1e-3)
    with pytest.raises(ValidationError, match="latitude"):
        placed.to_local(121.0, 30.0)
