"""Import a road graph from OpenStreetMap data (`.osm.pbf` or `.osm` XML) with osmium.

Only drivable `highway=*` ways are kept. Classes and default speeds:

| OSM highway                         | road_class | km/h |
|-------------------------------------|------------|------|
| motorway, trunk (+ _link)           | motorway   | 100, 80 (links 60, 50) |
| primary, secondary (+ _link)        | arterial   | 60, 50 (links 40) |
| tertiary (+ _link)                  | collector  | 40 (links 35) |
| unclassified, residential, road     | local      | 40, 30, 30 |
| living_street, service              | local      | 10, 20 |

`maxspeed` overrides the default when it is a number ("50", "30 mph"). One-way:
`oneway=yes/true/1`, `oneway=-1/reverse` (against the drawing direction), roundabouts
(`junction=roundabout/circular`) and motorways are one-way unless `oneway=no`.
Coordinates are projected to metres with a transverse Mercator centred on the data
(`core.geo.GeoReference`, origin at the middle of the data's bounding box, so local
(0, 0) is there, not at a corner): true to about a part per million across a city, and
the graph carries the reference (`graph["reference"]`) so the city keeps its place on
the earth. Only the largest strongly connected component is kept, so every intersection
can reach every other and routing is well defined.

`osm_data_date` says when the extract's data was current, for the city's source line.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from pathlib import Path

import networkx as nx
import numpy as np
import osmium

from core.errors import UserError
from core.geo import GeoReference

# highway -> (road_class, default km/h)
HIGHWAYS: dict[str, tuple[str, float]] = {
    "motorway": ("motorway", 100.0), "motorway_link": ("motorway", 60.0),
    "trunk": ("motorway", 80.0), "trunk_link": ("motorway", 50.0),
    "primary": ("arterial", 60.0), "primary_link": ("arterial", 40.0),
    "secondary": ("arterial", 50.0), "secondary_link": ("arterial", 40.0),
    "tertiary": ("collector", 40.0), "tertiary_link": ("collector", 35.0),
    "unclassified": ("local", 40.0), "residential": ("local", 30.0), "road": ("local", 30.0),
    "living_street": ("local", 10.0), "service": ("local", 20.0),
}
_NO_ACCESS = {"no", "private"}
_MPH = 1.609344


def parse_maxspeed(value: str | None) -> float | None:
    """km/h from an OSM `maxspeed` value ("50", "30 mph", "50;40"), else None."""
    if not value:
        return None
    m = re.match(r"\s*(\d+(?:\.\d+)?)\s*(mph|km/h|kmh|kph)?", value)
    if not m:
        return None  # "none", "walk", "RU:urban", ...
    speed = float(m.group(1)) * (_MPH if m.group(2) == "mph" else 1.0)
    return speed if speed > 0 else None


def _direction(tags: dict[str, str], highway: str) -> int:
    """+1 one-way along the way, -1 against it, 0 both ways."""
    oneway = tags.get("oneway", "").strip().lower()
    if oneway in ("yes", "true", "1"):
        return 1
    if oneway in ("-1", "reverse"):
        return -1
    if oneway == "no":
        return 0
    if tags.get("junction") in ("roundabout", "circular"):
        return 1
    if highway in ("motorway", "motorway_link"):
        return 1
    return 0


def import_osm(path: str | Path, *, largest_component: bool = True) -> nx.DiGraph:
    """A road `DiGraph` (Beacon's attributes) from an OSM extract.

    Nodes are OSM node ids with `x`, `y` (metres, east/north of the data's centre) and
    `lon`, `lat`; the graph attribute `reference` is the `GeoReference` of those metres
    and `source` the file's name; edges carry `length_m`, `speed_kmh`, `seconds`,
    `road_class`, `road` (the `name` tag, or ""), `oneway` and `osm_way`.
    Raises `UserError` for a missing or unreadable file or one without drivable roads.
    """
    p = Path(path)
    if not p.is_file():
        raise UserError(f"{p}: no such OSM file")
    ways: list[tuple[int, list[tuple[int, float, float]], dict[str, str]]] = []
    tagged: list[tuple[str, str, float, float]] = []  # (kind, name, lon, lat) of stations
    try:
        # Nodes must be read too: they feed the location cache the ways need.
        fp = osmium.FileProcessor(str(p), osmium.osm.NODE | osmium.osm.WAY).with_locations()
        for w in fp:
            kind = _station_kind(w.tags) if (w.is_node() or w.is_way()) else None
            if kind is not None:
                where = _station_place(w)
                if where is not None:
                    tagged.append((kind, w.tags.get("name", ""), *where))
            if not w.is_way():
                continue
            tags = {t.k: t.v for t in w.tags}
            hw = tags.get("highway")
            if hw not in HIGHWAYS or tags.get("area") == "yes":
                continue
            if tags.get("access") in _NO_ACCESS and tags.get("motor_vehicle") is None:
                continue
            pts: list[tuple[int, float, float]] = []
            for n in w.nodes:
                loc = n.location
                if loc.valid():
                    pts.append((n.ref, loc.lon, loc.lat))
            if len(pts) >= 2:
                ways.append((w.id, pts, tags))
    except (RuntimeError, ValueError, OSError, osmium.InvalidLocationError) as exc:
        raise UserError(f"{p}: not a readable OSM file ({exc})") from None
    if not ways:
        raise UserError(f"{p}: no drivable roads (highway=*) in this OSM file")

    coords: dict[int, tuple[float, float]] = {}
    for _, pts, _ in ways:
        for ref, lon, lat in pts:
            coords.setdefault(ref, (lon, lat))
    lonlat = np.array(list(coords.values()), dtype=np.float64)
    lon0 = float(lonlat[:, 0].min() + lonlat[:, 0].max()) / 2.0
    lat0 = float(lonlat[:, 1].min() + lonlat[:, 1].max()) / 2.0
    try:
        reference = GeoReference(round(lat0, 7), round(lon0, 7), "tmerc")
    except ValueError as exc:  # e.g. beyond 84 degrees of latitude
        raise UserError(f"{p}: cannot place this extract: {exc}") from None
    xs, ys = reference.to_local(lonlat[:, 1], lonlat[:, 0])

    g = nx.DiGraph(reference=reference, source=p.name)
    # Fire stations, police stations and ambulance stations the map has, in metres
    # (`core.city.from_roads` puts the centre's stations there).
    g.graph["stations"] = [
        {"kind": kind, "name": name, "x": float(sx), "y": float(sy)}
        for (kind, name, lon, lat), sx, sy in zip(
            tagged, *reference.to_local(np.array([t[3] for t in tagged]),
                                        np.array([t[2] for t in tagged])), strict=True)
    ] if tagged else []
    g.add_nodes_from(
        (ref, {"x": float(x), "y": float(y), "lon": lon, "lat": lat})
        for (ref, (lon, lat)), x, y in zip(coords.items(), xs, ys, strict=True)
    )
    for way_id, pts, tags in ways:
        hw = tags["highway"]
        cls, default = HIGHWAYS[hw]
        speed = parse_maxspeed(tags.get("maxspeed")) or default
        direction = _direction(tags, hw)
        name = tags.get("name", "")
        for (a, *_), (b, *_) in zip(pts, pts[1:], strict=False):
            if a == b:
                continue
            ax, ay = g.nodes[a]["x"], g.nodes[a]["y"]
            bx, by = g.nodes[b]["x"], g.nodes[b]["y"]
            length = math.hypot(ax - bx, ay - by)
            attrs = {"length_m": length, "speed_kmh": speed, "seconds": length / (speed / 3.6),
                     "road_class": cls, "road": name, "oneway": direction != 0,
                     "osm_way": way_id}
            for u, v, ok in ((a, b, direction >= 0), (b, a, direction <= 0)):
                # Two ways along the same segment: keep the faster.
                if ok and (not g.has_edge(u, v) or g.edges[u, v]["seconds"] > attrs["seconds"]):
                    g.add_edge(u, v, **attrs)
    if largest_component:
        keep = max(nx.strongly_connected_components(g), key=len)
        g.graph["dropped_nodes"] = g.number_of_nodes() - len(keep)
        g = g.subgraph(keep).copy()
    return g


def _station_kind(tags: object) -> str | None:
    """"fire", "police" or "ambulance" for a station's tags, else None."""
    amenity = tags.get("amenity")  # type: ignore[attr-defined]
    if amenity in ("fire_station", "police"):
        return "fire" if amenity == "fire_station" else "police"
    if tags.get("emergency") == "ambulance_station" or amenity == "ambulance_station":  # type: ignore[attr-defined]
        return "ambulance"
    return None


def _station_place(obj: object) -> tuple[float, float] | None:
    """(lon, lat) of a node, or the mean of a way's located nodes."""
    if obj.is_node():  # type: ignore[attr-defined]
        loc = obj.location  # type: ignore[attr-defined]
        return (loc.lon, loc.lat) if loc.valid() else None
    pts = [(n.location.lon, n.location.lat) for n in obj.nodes  # type: ignore[attr-defined]
           if n.location.valid()]
    if not pts:
        return None
    return (sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts))


# The root element of an OSM XML file may carry the time of its data (`timestamp`, as
# some exporters write it), and an Overpass API answer says `<meta osm_base="..."/>`.
_XML_DATE = re.compile(rb'<osm\b[^>]*?\btimestamp="([^"]+)"|<meta\b[^>]*?\bosm_base="([^"]+)"')


def osm_data_date(path: str | Path) -> tuple[str, str]:
    """(when the extract's data was current as ISO 8601 UTC, how that is known).

    In order: the file header's ``osmosis_replication_timestamp`` (what Geofabrik and
    planet extracts carry), its ``timestamp``, the XML root's ``timestamp`` or an
    Overpass ``osm_base``; else the file's modification time (``file mtime``), which
    says when the file was written, not how fresh its data is.
    """
    p = Path(path)
    try:
        reader = osmium.io.Reader(str(p), osmium.osm.osm_entity_bits.NOTHING)
        try:
            header = reader.header()
            found = [(key, header.get(key)) for key in ("osmosis_replication_timestamp",
                                                        "timestamp")]
        finally:
            reader.close()
    except (RuntimeError, ValueError, OSError):
        found = []
    if not p.name.endswith(".pbf"):
        try:
            with p.open("rb") as f:
                m = _XML_DATE.search(f.read(8192))
        except OSError:
            m = None
        if m:
            found.append(("timestamp", m.group(1).decode("ascii", "replace")) if m.group(1)
                         else ("osm_base", m.group(2).decode("ascii", "replace")))
    for key, value in found:
        iso = _iso_utc(value)
        if iso:
            return iso, key
    mtime = datetime.fromtimestamp(p.stat().st_mtime, UTC)
    return mtime.strftime("%Y-%m-%dT%H:%M:%SZ"), "file mtime"


def _iso_utc(value: str | None) -> str:
    """'2024-05-06T07:08:09Z' (or with an offset, or with an escaped colon as in
    osmosis state files) as ISO 8601 UTC with a Z; "" when it is not a time."""
    if not value:
        return ""
    try:
        at = datetime.fromisoformat(value.strip().replace("\\:", ":").replace("Z", "+00:00"))
    except ValueError:
        return ""
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")
