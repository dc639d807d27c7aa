"""Where a city is on the earth: local metres <-> WGS 84 latitude/longitude.

A city's map is drawn in local metres (x east, y north) around an origin. `GeoReference`
ties those metres to the earth:

* ``tmerc`` (the default for every new city): a transverse Mercator projection on the
  WGS 84 ellipsoid whose central meridian passes through the origin, scale 1 on that
  meridian, false easting/northing chosen so the origin is (0, 0). Computed with
  Krüger's series to the fourth order in the third flattening (Karney 2011), which is
  exact to well under a millimetre within hundreds of kilometres of the meridian. Over
  a city 20 km across the scale error at its edge is about 1.2 parts per million
  (1.2 cm per 10 km): distances in metres are true distances.
* ``equirectangular``: the plate carrée on a sphere that Beacon's OpenStreetMap import
  used before the reference was recorded. It is kept only so that such cities open
  exactly as they were saved; at 10 km from its origin it is off by metres, so it is
  never chosen for a new city.

Plain floats or numpy arrays go in and come out alike.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

# WGS 84
_A = 6378137.0
_F = 1 / 298.257223563
_N = _F / (2 - _F)
_N2, _N3, _N4 = _N**2, _N**3, _N**4
_RECT = _A / (1 + _N) * (1 + _N2 / 4 + _N4 / 64)  # radius of the rectifying sphere
_ALPHA = (
    _N / 2 - 2 * _N2 / 3 + 5 * _N3 / 16 + 41 * _N4 / 180,
    13 * _N2 / 48 - 3 * _N3 / 5 + 557 * _N4 / 1440,
    61 * _N3 / 240 - 103 * _N4 / 140,
    49561 * _N4 / 161280,
)
_BETA = (
    _N / 2 - 2 * _N2 / 3 + 37 * _N3 / 96 - _N4 / 360,
    _N2 / 48 + _N3 / 15 - 437 * _N4 / 1440,
    17 * _N3 / 480 - 37 * _N4 / 840,
    4397 * _N4 / 161280,
)
_DELTA = (
    2 * _N - 2 * _N2 / 3 - 2 * _N3 + 116 * _N4 / 45,
    7 * _N2 / 3 - 8 * _N3 / 5 - 227 * _N4 / 45,
    56 * _N3 / 15 - 136 * _N4 / 35,
    4279 * _N4 / 630,
)
_E2N = 2 * math.sqrt(_N) / (1 + _N)  # the first eccentricity, as Karney writes it

# The sphere of the legacy equirectangular import.
_SPHERE_R = 6371008.8

PROJECTIONS = ("tmerc", "equirectangular")


def _tm_forward(lat: Any, dlon: Any) -> tuple[Any, Any]:
    """(easting, northing) in metres from the central meridian and the equator."""
    phi, lam = np.radians(lat), np.radians(dlon)
    sin_phi = np.sin(phi)
    t = np.sinh(np.arctanh(sin_phi) - _E2N * np.arctanh(_E2N * sin_phi))
    xi_p = np.arctan2(t, np.cos(lam))
    eta_p = np.arctanh(np.sin(lam) / np.sqrt(1 + t * t))
    xi, eta = xi_p, eta_p
    for j, a in enumerate(_ALPHA, start=1):
        xi = xi + a * np.sin(2 * j * xi_p) * np.cosh(2 * j * eta_p)
        eta = eta + a * np.cos(2 * j * xi_p) * np.sinh(2 * j * eta_p)
    return _RECT * eta, _RECT * xi


def _tm_inverse(easting: Any, northing: Any) -> tuple[Any, Any]:
    """(latitude, longitude from the central meridian) in degrees."""
    xi, eta = np.asarray(northing) / _RECT, np.asarray(easting) / _RECT
    xi_p, eta_p = xi, eta
    for j, b in enumerate(_BETA, start=1):
        xi_p = xi_p - b * np.sin(2 * j * xi) * np.cosh(2 * j * eta)
        eta_p = eta_p - b * np.cos(2 * j * xi) * np.sinh(2 * j * eta)
    chi = np.arcsin(np.sin(xi_p) / np.cosh(eta_p))
    phi = chi
    for j, d in enumerate(_DELTA, start=1):
        phi = phi + d * np.sin(2 * j * chi)
    lam = np.arctan2(np.sinh(eta_p), np.cos(xi_p))
    return np.degrees(phi), np.degrees(lam)


def _plain(value: Any) -> Any:
    """A numpy scalar as a Python float; arrays as they are."""
    return float(value) if np.ndim(value) == 0 else value


def check_latlon(lat: float, lon: float) -> None:
    """Raise `ValueError` unless (lat, lon) is a finite point on the earth."""
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise ValueError(f"not a position: latitude {lat}, longitude {lon}")
    if not -90.0 <= lat <= 90.0:
        raise ValueError(f"latitude {lat} is outside -90..90 (latitude comes first)")
    if not -180.0 <= lon <= 180.0:
        raise ValueError(f"longitude {lon} is outside -180..180")


@dataclass(frozen=True, slots=True)
class GeoReference:
    """How a city's local metres sit on the earth.

    `origin_lat`/`origin_lon` (WGS 84 degrees) is the point at local (0, 0); x grows
    east and y north. `projection` is one of `PROJECTIONS` (see the module docstring).
    """

    origin_lat: float
    origin_lon: float
    projection: str = "tmerc"
    # The origin's northing from the equator: computed once, a position report needs it.
    _northing0: float = field(init=False, repr=False, compare=False, default=0.0)

    def __post_init__(self) -> None:
        check_latlon(self.origin_lat, self.origin_lon)
        if abs(self.origin_lat) > 84.0:
            raise ValueError("a city origin beyond 84 degrees of latitude is not supported")
        if self.projection not in PROJECTIONS:
            raise ValueError(f"unknown projection {self.projection!r}: "
                             f"use one of {', '.join(PROJECTIONS)}")
        object.__setattr__(self, "_northing0", float(_tm_forward(self.origin_lat, 0.0)[1]))

    def to_latlon(self, x: Any, y: Any) -> tuple[Any, Any]:
        """Local metres -> (latitude, longitude) in WGS 84 degrees."""
        if self.projection == "equirectangular":
            ky = _SPHERE_R * math.pi / 180.0
            kx = ky * math.cos(math.radians(self.origin_lat))
            return (_plain(self.origin_lat + np.asarray(y) / ky),
                    _plain(self.origin_lon + np.asarray(x) / kx))
        lat, dlon = _tm_inverse(x, np.asarray(y) + self._northing0)
        return _plain(lat), _plain(self.origin_lon + dlon)

    def to_local(self, lat: Any, lon: Any) -> tuple[Any, Any]:
        """(latitude, longitude) in WGS 84 degrees -> local metres (x east, y north)."""
        dlon = (np.asarray(lon) - self.origin_lon + 180.0) % 360.0 - 180.0
        if self.projection == "equirectangular":
            ky = _SPHERE_R * math.pi / 180.0
            kx = ky * math.cos(math.radians(self.origin_lat))
            return _plain(dlon * kx), _plain((np.asarray(lat) - self.origin_lat) * ky)
        e, n = _tm_forward(lat, dlon)
        return _plain(e), _plain(n - self._northing0)

    def to_dict(self) -> dict[str, Any]:
        """The reference as stored in a saved city."""
        return {"origin_lat": self.origin_lat, "origin_lon": self.origin_lon,
                "projection": self.projection, "datum": "WGS 84"}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> GeoReference:
        """The reference a saved city holds; `ValueError` when it is not one."""
        try:
            return cls(float(d["origin_lat"]), float(d["origin_lon"]),
                       str(d.get("projection", "tmerc")))
        except (KeyError, TypeError) as exc:
            raise ValueError(f"not a coordinate reference: {exc}") from None


def parse_latlon(text: str) -> tuple[float, float] | None:
    """'31.2304, 121.4737' (latitude first, as maps print it) -> (lat, lon), else None.

    Accepts a comma or whitespace between the two numbers and an optional N/S/E/W
    suffix (``31.23N 121.47E``); returns None for anything that is not two numbers.
    """
    parts = [p for p in text.replace(",", " ").split() if p]
    if len(parts) != 2:
        return None
    values: list[float] = []
    for part, (pos, neg) in zip(parts, (("N", "S"), ("E", "W")), strict=True):
        sign = 1.0
        upper = part.upper()
        if upper[-1:] in (pos, neg):
            sign = -1.0 if upper[-1] == neg else 1.0
            part = part[:-1]
        try:
            value = float(part)
        except ValueError:
            return None
        if not math.isfinite(value):
            return None
        values.append(sign * value)
    lat, lon = values
    try:
        check_latlon(lat, lon)
    except ValueError:
        return None
    return lat, lon
