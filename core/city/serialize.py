"""A city as JSON-able data and back: to persist an imported city or cache the demo.

The document is columnar where it is big (nodes, edges, addresses) so that a full city
stays a few megabytes and loads quickly; road names and classes are stored once in
tables and referred to by index. Only the conventional node and edge attributes (see
`core.city.model`) are kept.

```
{"format": "beacon-city", "version": 2, "name": ...,
 "reference": {"origin_lat", "origin_lon", "projection", "datum"} | null,
 "time_zone": "Asia/Shanghai",
 "source": {"kind", "label", "date", "date_from", "attribution"} | null,
 "size": {"intersections", "road_segments", "cells", "stations", "units", "addresses"},
 "nodes": {"id": [...], "x": [...], "y": [...]},
 "road_names": [...], "road_classes": [...],
 "edges": {"u", "v", "length_m", "speed_kmh", "seconds", "road_class", "road", "oneway"},
 "districts": [{code, name}], "streets": [{code, name, district_code}],
 "communities": [{code, name, street_code}],
 "cells": [{code, name, community_code, x0, y0, x1, y1, worker_unit_code}],
 "stations": [{code, name, agency, x, y, node}], "units": [{code, name, kind, station_code}],
 "addresses": {"text", "road", "number", "x", "y", "node", "cell_code"},
 "areas": [{code, name, kind, points}], "road_names_zh": {english: chinese},
 "names_zh": {english: chinese}}
```

`names_zh` (the Chinese of station, area and city names) is optional: a document
without it loads, and its names are shown as stored.

Version 1 (Beacon before the coordinate reference) lacked `reference`, `time_zone`,
`source` and `size`; `upgrade_document` brings such a document to version 2 when it is
read (see `_upgrade_v1` for what can be recovered).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any, TypeVar

import networkx as nx

from core.city.document import (  # noqa: F401 - re-exported: the format lives there
    FORMAT,
    VERSION,
    document_summary,
    document_version,
    upgrade_document,
)
from core.city.meta import CitySource, check_time_zone, city_counts
from core.city.model import (
    Address,
    Area,
    City,
    Community,
    District,
    GridCell,
    Station,
    Street,
    UnitSpec,
)
from core.domain.kinds import Agency, UnitKind
from core.errors import ValidationError
from core.geo import GeoReference

"""The format version `city_to_dict` writes; `city_from_dict` also reads every older one."""

_EDGE_NUMBERS = ("length_m", "speed_kmh", "seconds")

T = TypeVar("T")


def city_to_dict(city: City) -> dict[str, Any]:
    """The city as a dict of plain JSON types (str, int, float, bool, list, dict)."""
    g = city.roads
    ids: list[int] = []
    xs: list[float] = []
    ys: list[float] = []
    for node, d in g.nodes(data=True):
        ids.append(int(node))
        xs.append(float(d["x"]))
        ys.append(float(d["y"]))
    road_ix: dict[str, int] = {}
    class_ix: dict[str, int] = {}
    edges: dict[str, list[Any]] = {k: [] for k in ("u", "v", *_EDGE_NUMBERS,
                                                   "road_class", "road", "oneway")}
    for u, v, d in g.edges(data=True):
        edges["u"].append(int(u))
        edges["v"].append(int(v))
        for k in _EDGE_NUMBERS:
            edges[k].append(float(d[k]))
        edges["road_class"].append(class_ix.setdefault(d["road_class"], len(class_ix)))
        edges["road"].append(road_ix.setdefault(d["road"], len(road_ix)))
        edges["oneway"].append(bool(d["oneway"]))
    addr: dict[str, list[Any]] = {k: [] for k in Address.__slots__}
    for a in city.addresses:
        for k in Address.__slots__:
            addr[k].append(getattr(a, k))
    return {
        "format": FORMAT,
        "version": VERSION,
        "name": city.name,
        "reference": None if city.reference is None else city.reference.to_dict(),
        "time_zone": city.time_zone,
        "source": None if city.source is None else city.source.to_dict(),
        "size": city_counts(city),
        "nodes": {"id": ids, "x": xs, "y": ys},
        "road_names": list(road_ix),
        "road_classes": list(class_ix),
        "edges": edges,
        "districts": [asdict(x) for x in city.districts],
        "streets": [asdict(x) for x in city.streets],
        "communities": [asdict(x) for x in city.communities],
        "cells": [asdict(x) for x in city.cells],
        "stations": [
            {**asdict(s), "agency": s.agency.value} for s in city.stations
        ],
        "units": [{**asdict(u), "kind": u.kind.value} for u in city.units],
        "addresses": addr,
        "areas": [
            {"code": a.code, "name": a.name, "kind": a.kind,
             "points": [list(p) for p in a.points]}
            for a in city.areas
        ],
        "road_names_zh": dict(city.road_names_zh),
        "names_zh": dict(city.names_zh),
    }


def _names(value: object) -> dict[str, str]:
    """The `names_zh` table, checked: a document from outside may hold anything."""
    if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise ValidationError("city document: 'names_zh' must map names to names (text to "
                              "text)", "names_zh")
    return dict(value)


def _records(d: dict[str, Any], key: str, make: Callable[[dict[str, Any]], T]) -> list[T]:
    try:
        return [make(r) for r in d.get(key, [])]
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationError(f"city document: bad entry in {key!r}: {exc}", key) from exc


def city_from_dict(d: dict[str, Any], *, stored_source: str = "") -> City:
    """Rebuild a city from `city_to_dict` output of this or an older version.

    `stored_source` is what the database recorded beside an old document (the
    ``cities.source`` column, e.g. ``demo:full`` or ``osm:helsinki.osm.pbf``); it helps
    place a version-1 city (see `upgrade_document`). Raises `ValidationError` naming the
    part that is wrong when the document is not a Beacon city, has a newer version, or
    refers to things it does not define.
    """
    d = upgrade_document(d, stored_source=stored_source)
    try:
        reference = None if d["reference"] is None else GeoReference.from_dict(d["reference"])
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"city document: bad coordinate reference: {exc}",
                              "reference") from None
    try:
        time_zone = check_time_zone(str(d["time_zone"]))
    except ValueError as exc:
        raise ValidationError(f"city document: {exc}", "time_zone") from None
    try:
        source = None if d["source"] is None else CitySource.from_dict(d["source"])
    except ValueError as exc:
        raise ValidationError(f"city document: bad source: {exc}", "source") from None
    try:
        nodes, edges = d["nodes"], d["edges"]
        names, classes = d["road_names"], d["road_classes"]
        g = nx.DiGraph()
        g.add_nodes_from(
            (int(i), {"x": float(x), "y": float(y)})
            for i, x, y in zip(nodes["id"], nodes["x"], nodes["y"], strict=True)
        )
        cols = [edges[k] for k in ("u", "v", *_EDGE_NUMBERS, "road_class", "road", "oneway")]
        g.add_edges_from(
            (int(u), int(v), {"length_m": float(ln), "speed_kmh": float(sp),
                              "seconds": float(sec), "road_class": classes[c],
                              "road": names[r], "oneway": bool(o)})
            for u, v, ln, sp, sec, c, r, o in zip(*cols, strict=True)
        )
        ad = d["addresses"]
        addresses = tuple(
            Address(str(t), str(r), int(n), float(x), float(y), int(nd), str(c))
            for t, r, n, x, y, nd, c in zip(
                *(ad[k] for k in Address.__slots__), strict=True
            )
        )
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise ValidationError(f"city document: bad road or address data: {exc}",
                              "edges") from exc
    if g.number_of_nodes() != len(nodes["id"]):
        raise ValidationError("city document: edges refer to undefined nodes", "edges")

    city = City(
        name=str(d.get("name", "")),
        roads=g,
        districts=tuple(_records(d, "districts", lambda r: District(**r))),
        streets=tuple(_records(d, "streets", lambda r: Street(**r))),
        communities=tuple(_records(d, "communities", lambda r: Community(**r))),
        cells=tuple(_records(d, "cells", lambda r: GridCell(**r))),
        stations=tuple(_records(
            d, "stations", lambda r: Station(**{**r, "agency": Agency(r["agency"])})
        )),
        units=tuple(_records(
            d, "units", lambda r: UnitSpec(**{**r, "kind": UnitKind(r["kind"])})
        )),
        addresses=addresses,
        areas=tuple(_records(
            d, "areas",
            lambda r: Area(r["code"], r["name"], r["kind"],
                           tuple((float(p[0]), float(p[1])) for p in r["points"])),
        )),
        road_names_zh=dict(d.get("road_names_zh", {})),
        names_zh=_names(d.get("names_zh", {})),
        reference=reference,
        time_zone=time_zone,
        source=source,
    )
    check_references(city)
    return city


def check_references(city: City) -> None:
    """Raise `ValidationError` if codes repeat, or anything refers to a code or road node
    the city lacks."""
    def fail(what: str, code: str, ref: str) -> None:
        plural = {"community": "communities", "address": "addresses"}.get(what, what + "s")
        raise ValidationError(f"city: {what} {code!r} refers to unknown {ref}", plural)

    for what, items, by_code in (
        ("districts", city.districts, city.districts_by_code),
        ("streets", city.streets, city.streets_by_code),
        ("communities", city.communities, city.communities_by_code),
        ("cells", city.cells, city.cells_by_code),
        ("stations", city.stations, city.stations_by_code),
        ("units", city.units, city.units_by_code),
    ):
        if len(by_code) != len(items):
            raise ValidationError(f"city: two {what} share a code", what)
    for s in city.streets:
        if s.district_code not in city.districts_by_code:
            fail("street", s.code, f"district {s.district_code!r}")
    for c in city.communities:
        if c.street_code not in city.streets_by_code:
            fail("community", c.code, f"street {c.street_code!r}")
    for cell in city.cells:
        if cell.community_code not in city.communities_by_code:
            fail("cell", cell.code, f"community {cell.community_code!r}")
        if cell.worker_unit_code not in city.units_by_code:
            fail("cell", cell.code, f"grid worker {cell.worker_unit_code!r}")
    for st in city.stations:
        if st.node not in city.roads:
            fail("station", st.code, f"road node {st.node}")
    for u in city.units:
        if u.station_code not in city.stations_by_code:
            fail("unit", u.code, f"station {u.station_code!r}")
    for a in city.addresses:
        if a.node not in city.roads:
            fail("address", a.text, f"road node {a.node}")
        if a.cell_code not in city.cells_by_code:
            fail("address", a.text, f"grid cell {a.cell_code!r}")


def write_city_json(city: City, path: str | Path) -> None:
    """Write the city as a JSON file (UTF-8, compact)."""
    data = json.dumps(city_to_dict(city), ensure_ascii=False, separators=(",", ":"))
    Path(path).write_text(data, encoding="utf-8")


def read_city_json(path: str | Path) -> City:
    """Read a city written by `write_city_json`; a damaged file raises `ValidationError`."""
    try:
        d = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError(f"cannot read city file {path}: {exc}", "path") from exc
    return city_from_dict(d)
