"""Reading CAP 1.2 alerts safely and checking them against the OASIS schema.

`parse_cap(data)` refuses, with a `CapError` naming the line and the rule broken:
anything that is not well-formed XML, a document with a DOCTYPE (entity expansion and
external entities are how XML parsers get attacked: CAP never needs one), and anything
the OASIS CAP 1.2 schema (`schemas/CAP-v1.2.xsd`) does not accept. What passes is
returned as plain dataclasses. `touches_box` says whether an alert's areas meet a
latitude/longitude box (the city's bounds).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
MAX_BYTES = 2 * 1024 * 1024
_N = f"{{{CAP_NS}}}"


class CapError(ValueError):
    """A document that is not a valid CAP 1.2 alert; the message says where and why."""


@dataclass(frozen=True, slots=True)
class CapArea:
    """One `<area>`: its description, polygons and circles (latitude, longitude)."""

    description: str
    polygons: tuple[tuple[tuple[float, float], ...], ...] = ()
    circles: tuple[tuple[float, float, float], ...] = ()  # lat, lon, radius in km
    geocodes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class CapInfo:
    """One `<info>` block: what, how bad, how sure, how soon, where."""

    event: str
    urgency: str
    severity: str
    certainty: str
    categories: tuple[str, ...] = ()
    language: str = "en-US"
    headline: str = ""
    description: str = ""
    instruction: str = ""
    effective: datetime | None = None
    onset: datetime | None = None
    expires: datetime | None = None
    areas: tuple[CapArea, ...] = ()


@dataclass(frozen=True, slots=True)
class CapAlert:
    """A CAP 1.2 `<alert>` that passed the schema."""

    identifier: str
    sender: str
    sent: datetime
    status: str
    msg_type: str
    scope: str
    references: tuple[str, ...] = ()
    infos: tuple[CapInfo, ...] = field(default_factory=tuple)

    def expires(self) -> datetime | None:
        """The latest expiry of its info blocks (None when one has none: no end given)."""
        ends = [i.expires for i in self.infos]
        return None if not ends or any(e is None for e in ends) else max(ends)  # type: ignore[type-var]


@cache
def _schema() -> Any:
    from lxml import etree

    text = resources.files("core.cap").joinpath("schemas/CAP-v1.2.xsd").read_bytes()
    return etree.XMLSchema(etree.fromstring(text, _parser()))


def _parser() -> Any:
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           huge_tree=False, remove_blank_text=False)


def _text(node: Any, name: str) -> str:
    child = node.find(_N + name)
    return "" if child is None or child.text is None else child.text.strip()


def _time(node: Any, name: str) -> datetime | None:
    text = _text(node, name)
    return datetime.fromisoformat(text) if text else None


def _polygon(text: str, line: int) -> tuple[tuple[float, float], ...]:
    points = []
    for pair in text.split():
        try:
            lat_text, lon_text = pair.split(",")
            lat, lon = float(lat_text), float(lon_text)
        except ValueError:
            raise CapError(f"line {line}: polygon point {pair!r} is not 'lat,lon'") from None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180) or not all(
                math.isfinite(v) for v in (lat, lon)):
            raise CapError(f"line {line}: polygon point {pair!r} is off the globe")
        points.append((lat, lon))
    if len(points) < 4 or points[0] != points[-1]:
        raise CapError(f"line {line}: a CAP polygon needs at least 4 points, the first "
                       "and last the same")
    return tuple(points)


def _circle(text: str, line: int) -> tuple[float, float, float]:
    try:
        centre, radius = text.split()
        lat_text, lon_text = centre.split(",")
        lat, lon, r = float(lat_text), float(lon_text), float(radius)
    except ValueError:
        raise CapError(f"line {line}: circle {text!r} is not 'lat,lon radius'") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180 and 0 <= r < 20000):
        raise CapError(f"line {line}: circle {text!r} is off the globe")
    return lat, lon, r


def parse_cap(data: bytes) -> CapAlert:
    """A CAP 1.2 alert from its XML, validated; `CapError` naming where and why not."""
    from lxml import etree

    if len(data) > MAX_BYTES:
        raise CapError(f"the document is over {MAX_BYTES // 1024 // 1024} MiB")
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise CapError(f"line {exc.lineno}: not well-formed XML: {exc.msg}") from None
    tree = root.getroottree()
    if tree.docinfo.doctype:
        raise CapError("line 1: a DOCTYPE is not allowed in a CAP alert")
    if root.tag != _N + "alert":
        raise CapError(f"line {root.sourceline}: the root element is {root.tag!r}, not a "
                       f"CAP 1.2 alert ({{{CAP_NS}}}alert)")
    schema = _schema()
    if not schema.validate(root):
        error = schema.error_log.last_error
        raise CapError(f"line {error.line}: {error.message}")
    infos = []
    for info in root.findall(_N + "info"):
        areas = []
        for area in info.findall(_N + "area"):
            areas.append(CapArea(
                description=_text(area, "areaDesc"),
                polygons=tuple(_polygon(p.text or "", p.sourceline)
                               for p in area.findall(_N + "polygon")),
                circles=tuple(_circle((c.text or "").strip(), c.sourceline)
                              for c in area.findall(_N + "circle")),
                geocodes=tuple((_text(g, "valueName"), _text(g, "value"))
                               for g in area.findall(_N + "geocode"))))
        infos.append(CapInfo(
            event=_text(info, "event"), urgency=_text(info, "urgency"),
            severity=_text(info, "severity"), certainty=_text(info, "certainty"),
            categories=tuple((c.text or "").strip() for c in info.findall(_N + "category")),
            language=_text(info, "language") or "en-US", headline=_text(info, "headline"),
            description=_text(info, "description"), instruction=_text(info, "instruction"),
            effective=_time(info, "effective"), onset=_time(info, "onset"),
            expires=_time(info, "expires"), areas=tuple(areas)))
    return CapAlert(
        identifier=_text(root, "identifier"), sender=_text(root, "sender"),
        sent=datetime.fromisoformat(_text(root, "sent")), status=_text(root, "status"),
        msg_type=_text(root, "msgType"), scope=_text(root, "scope"),
        references=tuple(_text(root, "references").split()), infos=tuple(infos))


def touches_box(alert: CapAlert, south: float, west: float, north: float,
                east: float) -> bool:
    """True when an area of the alert meets the box (a polygon's or circle's bounding
    box overlaps it). An area given only by geocodes cannot be placed: False for it."""
    def overlaps(s: float, w: float, n: float, e: float) -> bool:
        return s <= north and n >= south and w <= east and e >= west

    for info in alert.infos:
        for area in info.areas:
            for polygon in area.polygons:
                lats = [p[0] for p in polygon]
                lons = [p[1] for p in polygon]
                if overlaps(min(lats), min(lons), max(lats), max(lons)):
                    return True
            for lat, lon, radius_km in area.circles:
                dlat = radius_km / 111.32
                dlon = radius_km / max(0.01, 111.32 * math.cos(math.radians(lat)))
                if overlaps(lat - dlat, lon - dlon, lat + dlat, lon + dlon):
                    return True
    return False
