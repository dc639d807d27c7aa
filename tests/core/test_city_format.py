"""The saved city, version 2: an imported city keeps its place on the earth, its zone and
its source; a version-1 city opens and is migrated; `db info` tells what is served."""

from __future__ import annotations

import json
import os
import re
import zlib
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import osmium
import pytest

from core.centre import load_city, open_centre
from core.city.demo import DEMO_REFERENCE, build_demo_city
from core.city.meta import ODBL_ATTRIBUTION, CitySource
from core.city.serialize import VERSION, city_from_dict, city_to_dict, upgrade_document
from core.cli.main import main
from core.errors import ValidationError
from core.geo import GeoReference
from core.roads.osm_import import osm_data_date
from core.store.database import open_database
from core.store.schema import CityRow
from tests.core.test_roads_osm_import import TINY_OSM, _helsinki

pyproj = pytest.importorskip("pyproj", reason="pyproj (the reference) is not installed")


def _file_latlon(path: Path) -> dict[int, tuple[float, float]]:
    """Every node's latitude/longitude as the OSM file states it."""
    out: dict[int, tuple[float, float]] = {}

    class Nodes(osmium.SimpleHandler):
        def node(self, n) -> None:  # noqa: ANN001
            out[n.id] = (n.location.lat, n.location.lon)

    Nodes().apply_file(str(path))
    return out


def _import(path: Path, url: str, *extra: str) -> None:
    assert main(["city", "import", str(path), "--db", url, *extra]) == 0


def _assert_round_trip_within_a_metre(city, file_latlon) -> None:  # noqa: ANN001
    ids = list(city.roads.nodes)
    x = np.array([city.roads.nodes[n]["x"] for n in ids])
    y = np.array([city.roads.nodes[n]["y"] for n in ids])
    lat_f = np.array([file_latlon[n][0] for n in ids])
    lon_f = np.array([file_latlon[n][1] for n in ids])
    lat, lon = city.reference.to_latlon(x, y)
    # metres between where the city puts the node and where the file says it is
    geod = pyproj.Geod(ellps="WGS84")
    _, _, dist = geod.inv(lon, lat, lon_f, lat_f)
    assert np.max(dist) < 1.0
    bx, by = city.reference.to_local(lat_f, lon_f)
    assert np.max(np.hypot(bx - x, by - y)) < 1.0
    n = ids[len(ids) // 2]
    assert city.to_latlon(*city.node_xy(n)) == pytest.approx(file_latlon[n], abs=1e-5)


def test_an_imported_city_keeps_its_reference_zone_and_source_when_reopened(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tiny = tmp_path / "tiny.osm"
    tiny.write_text(TINY_OSM.replace('generator="hand"',
                                     'generator="hand" timestamp="2024-03-01T12:00:00Z"'))
    url = f"sqlite:///{tmp_path / 'tiny.db'}"
    _import(tiny, url, "--time-zone", "Europe/Helsinki")
    out = capsys.readouterr().out
    assert "time zone: Europe/Helsinki" in out and ODBL_ATTRIBUTION in out
    city = load_city(open_database(url))
    assert city is not None and city.reference is not None
    assert city.reference.projection == "tmerc"
    # the origin is the middle of the roads read (nodes 1-9: 60.0000-60.0030 N,
    # 24.0000-24.0030 E), before the dead end to node 9 is dropped
    assert (city.reference.origin_lat, city.reference.origin_lon) == pytest.approx(
        (60.0015, 24.0015), abs=1e-9)
    assert city.time_zone == "Europe/Helsinki"
    assert city.source == CitySource("osm", "tiny.osm", "2024-03-01T12:00:00Z", "timestamp",
                                     ODBL_ATTRIBUTION)
    _assert_round_trip_within_a_metre(city, _file_latlon(tiny))
    # saved again (a second save of the reopened city) it is still the same
    again = city_from_dict(json.loads(json.dumps(city_to_dict(city))))
    assert (again.reference, again.time_zone, again.source) == (
        city.reference, city.time_zone, city.source)


def test_a_real_import_round_trips_local_and_wgs84_within_a_metre(tmp_path: Path) -> None:
    hel = _helsinki()
    url = f"sqlite:///{tmp_path / 'hel.db'}"
    _import(hel, url)
    centre = open_centre(url, demo=False)
    try:
        city = centre.city
        assert city.time_zone == "UTC"  # no --time-zone: UTC, and the import said so
        assert city.source is not None and city.source.attribution == ODBL_ATTRIBUTION
        assert city.source.date_from == "file mtime"  # this extract's header has no date
        _assert_round_trip_within_a_metre(city, _file_latlon(hel))
    finally:
        centre.close()


def test_a_bad_time_zone_is_one_clear_line(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    tiny = tmp_path / "tiny.osm"
    tiny.write_text(TINY_OSM)
    url = f"sqlite:///{tmp_path / 'x.db'}"
    with pytest.raises(SystemExit) as stop:
        main(["city", "import", str(tiny), "--db", url, "--time-zone", "UTC+8"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown time zone 'UTC+8'" in err
    assert "Asia/Shanghai" in err


def test_the_date_of_osm_data(tmp_path: Path) -> None:
    header = osmium.io.Header()
    header.set("osmosis_replication_timestamp", "2024-05-06T07:08:09Z")
    pbf = tmp_path / "extract.osm.pbf"
    w = osmium.SimpleWriter(str(pbf), header=header)
    w.add_node(osmium.osm.mutable.Node(id=1, location=(104.0, 30.6)))
    w.close()
    assert osm_data_date(pbf) == ("2024-05-06T07:08:09Z", "osmosis_replication_timestamp")
    overpass = tmp_path / "overpass.osm"
    overpass.write_text('<?xml version="1.0"?><osm version="0.6" generator="Overpass API">'
                        '<meta osm_base="2025-01-02T03:04:05Z"/></osm>')
    assert osm_data_date(overpass) == ("2025-01-02T03:04:05Z", "osm_base")
    bare = tmp_path / "bare.osm"
    bare.write_text(TINY_OSM)
    os.utime(bare, (1_700_000_000, 1_700_000_000))
    assert osm_data_date(bare) == ("2023-11-14T22:13:20Z", "file mtime")


# --------------------------------------------------------------- version 1 -> 2

# A version-1 document as Beacon wrote it before the reference existed: written out by
# hand, so the test does not depend on today's writer.
V1_TOWN = {
    "format": "beacon-city", "version": 1, "name": "Qinghe (small demo, seed 7)",
    "nodes": {"id": [1, 2], "x": [0.0, 100.0], "y": [0.0, 0.0]},
    "road_names": ["Heping Road"], "road_classes": ["local"],
    "edges": {"u": [1, 2], "v": [2, 1], "length_m": [100.0, 100.0],
              "speed_kmh": [30.0, 30.0], "seconds": [12.0, 12.0], "road_class": [0, 0],
              "road": [0, 0], "oneway": [False, False]},
    "districts": [{"code": "D1", "name": "East District"}],
    "streets": [{"code": "S1", "name": "Qingshui Subdistrict", "district_code": "D1"}],
    "communities": [{"code": "C1", "name": "Willow Community", "street_code": "S1"}],
    "cells": [{"code": "G1", "name": "Willow Grid 1", "community_code": "C1", "x0": 0.0,
               "y0": -50.0, "x1": 200.0, "y1": 50.0, "worker_unit_code": "GW1"}],
    "stations": [{"code": "F1", "name": "Fire Station 1", "agency": "fire", "x": 0.0,
                  "y": 0.0, "node": 1}],
    "units": [{"code": "E1", "name": "Engine 1", "kind": "fire_engine", "station_code": "F1"},
              {"code": "GW1", "name": "Grid worker", "kind": "grid_worker",
               "station_code": "F1"}],
    "addresses": {"text": ["1 Heping Road"], "road": ["Heping Road"], "number": [1],
                  "x": [10.0], "y": [12.0], "node": [1], "cell_code": ["G1"]},
    "areas": [], "road_names_zh": {"Heping Road": "和平路"},
}


def _store_v1(url: str, doc: dict, source: str) -> None:
    db = open_database(url)
    with db.transaction() as s:
        s.add(CityRow(name=doc["name"], source=source, created_at=datetime.now(UTC),
                      data=zlib.compress(json.dumps(doc).encode())))
    db.dispose()


def test_an_old_demo_city_opens_migrated_to_where_the_demo_now_lives(db_url: str) -> None:
    _store_v1(db_url, V1_TOWN, "demo:small:7")
    city = load_city(open_database(db_url))
    assert city is not None and city.name == V1_TOWN["name"]
    assert city.reference == DEMO_REFERENCE and city.time_zone == "Asia/Shanghai"
    assert city.source == CitySource.demo("small", 7)
    assert city.to_latlon(0.0, 0.0) == pytest.approx((30.65, 103.80), abs=1e-9)
    assert city.units_by_code["E1"].station_code == "F1"  # the rest is as it was


def test_an_old_import_opens_without_a_place_and_says_so(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    _store_v1(url, {**V1_TOWN, "name": "Helsinki"}, "osm:Helsinki.osm.pbf")
    city = load_city(open_database(url))
    assert city is not None and city.reference is None and city.time_zone == "UTC"
    assert city.source == CitySource.osm("Helsinki.osm.pbf")
    assert city.source.attribution == ODBL_ATTRIBUTION
    with pytest.raises(ValidationError, match="no place on the earth"):
        city.to_latlon(0.0, 0.0)
    assert main(["db", "info", "--db", url]) == 0
    out = capsys.readouterr().out
    assert "place:     none" in out and "format:    version 1 (read as version 2" in out
    assert ODBL_ATTRIBUTION in out
    # the stored copy is left as it was saved (a reading command never writes)
    with open_database(url).session() as s:
        assert json.loads(zlib.decompress(s.query(CityRow).one().data))["version"] == 1


def test_an_old_document_with_the_import_projection_gets_it_back() -> None:
    doc = {**V1_TOWN, "name": "Old import",
           "crs": "equirectangular lon0=24.944299 lat0=60.171633"}
    city = city_from_dict(doc, stored_source="osm:Helsinki.osm.pbf")
    assert city.reference == GeoReference(60.171633, 24.944299, "equirectangular")
    # anything else old: no place, UTC, unknown source
    other = city_from_dict({**V1_TOWN, "name": "Somewhere"})
    assert other.reference is None and other.source == CitySource("unknown")
    # what the database recorded wins over a name: an import named like the demo
    named = city_from_dict(V1_TOWN, stored_source="osm:x.osm")
    assert named.reference is None and named.source == CitySource.osm("x.osm")
    # a demo city read from an old JSON file, with no stored source, is known by its name
    assert city_from_dict(V1_TOWN).source == CitySource.demo("small", 7)
    assert upgrade_document(V1_TOWN)["size"] == {
        "intersections": 2, "road_segments": 2, "cells": 1, "stations": 1, "units": 2,
        "addresses": 1}


def test_version_2_records_place_zone_source_and_size() -> None:
    city = build_demo_city(7, "small")
    d = city_to_dict(city)
    assert (d["version"], VERSION) == (2, 2)
    assert d["reference"] == {"origin_lat": 30.65, "origin_lon": 103.8,
                              "projection": "tmerc", "datum": "WGS 84"}
    assert d["time_zone"] == "Asia/Shanghai"
    assert d["source"]["kind"] == "demo" and d["source"]["label"] == "demo:small:7"
    assert d["size"]["intersections"] == city.roads.number_of_nodes()
    assert d["size"]["units"] == len(city.units)
    with pytest.raises(ValidationError, match="time zone"):
        city_from_dict({**d, "time_zone": "Qinghe/Standard"})
    with pytest.raises(ValidationError, match="reference"):
        city_from_dict({**d, "reference": {"origin_lat": 91.0, "origin_lon": 0.0}})
    with pytest.raises(ValidationError, match="newer Beacon"):
        city_from_dict({**d, "version": 3})


def test_db_info_shows_the_city(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    assert main(["db", "upgrade", "--db", url]) == 0  # db info itself never creates one
    assert main(["db", "info", "--db", url]) == 0
    assert "city:      none" in capsys.readouterr().out
    assert main(["city", "demo", "--small", "--db", url]) == 0
    capsys.readouterr()
    assert main(["db", "info", "--db", url]) == 0
    out = capsys.readouterr().out
    assert "city:      Qinghe (small demo, seed 2026)" in out
    assert "place:     30.650000 N, 103.800000 E at local (0, 0); tmerc" in out
    assert "zone:      Asia/Shanghai (UTC+08:00 now)" in out
    assert "source:    Beacon demo city (demo:small:2026)" in out
    assert re.search(r"size:      \d+ intersections, 16 cells, \d+ stations, \d+ units, "
                     r"\d+ addresses", out)
    assert "licence" not in out and "format:    version 2\n" in out
    assert main(["db", "info", "--db", url, "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    city = info["city"]
    assert city["name"] == "Qinghe (small demo, seed 2026)"
    assert city["place"]["projection"] == "tmerc" and city["time_zone"] == "Asia/Shanghai"
    assert city["source"]["label"] == "demo:small:2026" and city["attribution"] == ""
    assert city["counts"]["cells"] == 16 and info["units"] == city["counts"]["units"]



def test_the_outline_a_hub_keeps_matches_the_city(tmp_path: Path) -> None:
    """The hub checks positions against the stored city's outline, read without building
    the graph: the same bounds and reference as the city itself."""
    from core.centre import load_city
    from core.store.city_row import city_outline
    from core.store.database import open_database

    url = f"sqlite:///{tmp_path / 'demo.db'}"
    assert main(["city", "demo", "--small", "--db", url]) == 0
    db = open_database(url)
    city, outline = load_city(db), city_outline(db)
    assert outline is not None and outline.name == city.name
    assert outline.bounds == pytest.approx(city.bounds)
    assert outline.reference == city.reference
