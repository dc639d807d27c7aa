"""Changing the camera registry: positions checked against the city, credentials put in
the secrets store, then the command recorded.

What a person gives (a CLI argument, a row of a camera list file) is checked here
against the city (`City.check_position`, lat/lon through `core.locate`), its grid cell
derived, and its URL split (`core.cameras.urls`): the full URL goes to the secrets
store only when it holds a credential, and the command records the masked URL. When
the command is refused, the secrets store is put back as it was: nothing half-made.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.auth import Actor
from core.cameras.model import Camera
from core.cameras.query import get_camera
from core.cameras.secrets import SecretStore, default_secrets_path
from core.cameras.urls import split_credentials
from core.city.model import City
from core.commands.cameras import (
    AddCamera,
    DisableCamera,
    EnableCamera,
    ImportCameras,
    MoveCamera,
    UpdateCamera,
    camera_payload,
)
from core.errors import ValidationError
from core.locate import latlon_to_local
from core.service import CommandService


@dataclass(frozen=True, slots=True)
class Placed:
    """A position checked against the city, with the grid cell there."""

    x: float
    y: float
    cell: str | None


def _number(value: object, name: str) -> float:
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            raise ValidationError(f"{name} must be a number, not {value[:30]!r}",
                                  field=name) from None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValidationError(f"{name} must be a finite number", field=name)
    return float(value)


def place(city: City, *, x: object = None, y: object = None, lat: object = None,
          lon: object = None) -> Placed:
    """Where a camera stands: city metres (x, y) or WGS 84 (lat, lon), exactly one of
    the two; checked to lie in the city; with its grid cell."""
    metres = x is not None or y is not None
    degrees = lat is not None or lon is not None
    if metres == degrees:
        raise ValidationError("give the position either as x and y (city metres) or as "
                              "lat and lon, not " + ("both" if metres else "neither"),
                              field="position")
    if metres:
        if x is None or y is None:
            raise ValidationError("give both x and y", field="position")
        px, py = _number(x, "x"), _number(y, "y")
        city.check_position(px, py)
    else:
        if lat is None or lon is None:
            raise ValidationError("give both lat and lon", field="position")
        la, lo = _number(lat, "lat"), _number(lon, "lon")
        if not (-90 <= la <= 90 and -180 <= lo <= 180):
            raise ValidationError(f"lat {la:g}, lon {lo:g} is not a place on the earth",
                                  field="position")
        px, py = latlon_to_local(city, la, lo)
    cell = city.cell_at(px, py)
    return Placed(px, py, cell.code if cell else None)


def _optional_number(value: object, name: str) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return _number(value, name)


def prepare(city: City, raw: Mapping[str, Any]) -> tuple[dict[str, Any], str | None]:
    """One camera from what a person gave (keys: camera_id or id, name, x and y or lat
    and lon, url, agency, heading_deg or heading, fov_deg or fov): the event's camera
    (URL masked, every field checked) and the full URL when it holds a credential."""
    placed = place(city, x=_blank(raw.get("x")), y=_blank(raw.get("y")),
                   lat=_blank(raw.get("lat")), lon=_blank(raw.get("lon")))
    split = split_credentials(raw.get("url"))
    heading = raw.get("heading_deg", raw.get("heading"))
    fov = raw.get("fov_deg", raw.get("fov"))
    agency = raw.get("agency")
    camera = camera_payload({
        "camera_id": raw.get("camera_id", raw.get("id")), "name": raw.get("name"),
        "x": placed.x, "y": placed.y, "cell": placed.cell, "url": split.masked,
        "agency": "city" if agency is None or agency == "" else agency,
        "heading_deg": _optional_number(heading, "heading_deg"),
        "fov_deg": _optional_number(fov, "fov_deg")})
    camera["credentials"] = split.has_secret
    return camera, (str(raw["url"]).strip() if split.has_secret else None)


def _blank(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


def _store(service: CommandService, secrets_path: Path | None) -> SecretStore:
    return SecretStore(secrets_path or default_secrets_path(service.db))


def add_camera(service: CommandService, city: City, actor: Actor, raw: Mapping[str, Any],
               secrets_path: Path | None = None) -> Camera:
    """Add one camera (see `prepare` for the keys of `raw`); returns it as recorded."""
    camera, full = prepare(city, raw)
    command = AddCamera(camera["camera_id"], camera["name"], camera["x"], camera["y"],
                        camera["cell"], camera["url"], camera["agency"],
                        camera["heading_deg"], camera["fov_deg"], credentials=full is not None)
    _run_with_secrets(service, actor, command, {camera["camera_id"]: full},
                      _store(service, secrets_path))
    return get_camera(service.db, camera["camera_id"])


def import_prepared(service: CommandService, actor: Actor,
                    cameras: Sequence[tuple[dict[str, Any], str | None]], source: str,
                    secrets_path: Path | None = None) -> int:
    """Record checked cameras (from `prepare`) in one event, all or none; returns how
    many."""
    command = ImportCameras(tuple(c for c, _ in cameras), source=source)
    secrets = {c["camera_id"]: full for c, full in cameras}
    _run_with_secrets(service, actor, command, secrets, _store(service, secrets_path))
    return len(cameras)


def _run_with_secrets(service: CommandService, actor: Actor, command: object,
                      secrets: Mapping[str, str | None], store: SecretStore) -> None:
    """Put the full URLs in the store, run the command; put the store back if refused.

    The store is written first so that a camera recorded is never one whose credentials
    are missing; a camera without credentials clears any stale entry of its id."""
    changes = dict(secrets)
    before = store.update(changes) if any(v is not None for v in changes.values()) else None
    try:
        service.execute(command, actor)  # type: ignore[arg-type]
    except BaseException:
        if before is not None:
            store.replace_all(before)
        raise
    stale = [k for k, v in changes.items() if v is None]
    if stale and before is None and store.path.exists():
        store.update(dict.fromkeys(stale))


def move_camera(service: CommandService, city: City, actor: Actor, camera_id: str, *,
                x: object = None, y: object = None, lat: object = None, lon: object = None,
                heading_deg: float | None = None, fov_deg: float | None = None) -> Camera:
    """Put a camera somewhere else in the city (its cell follows)."""
    placed = place(city, x=x, y=y, lat=lat, lon=lon)
    service.execute(MoveCamera(camera_id, placed.x, placed.y, placed.cell, heading_deg,
                               fov_deg), actor)
    return get_camera(service.db, camera_id)


def update_camera(service: CommandService, actor: Actor, camera_id: str, *,
                  name: str | None = None, url: str | None = None, agency: str | None = None,
                  secrets_path: Path | None = None) -> Camera:
    """Rename a camera, give it a new stream URL (its credentials replace the old ones in
    the secrets store, or the old ones are dropped) or a new agency."""
    masked, full = None, None
    if url is not None:
        split = split_credentials(url)
        masked, full = split.masked, (url.strip() if split.has_secret else None)
    command = UpdateCamera(camera_id, name=name, url=masked, agency=agency,
                           credentials=full is not None)
    if url is None:
        service.execute(command, actor)
    else:
        _run_with_secrets(service, actor, command, {camera_id: full},
                          _store(service, secrets_path))
    return get_camera(service.db, camera_id)


def disable_camera(service: CommandService, actor: Actor, camera_id: str,
                   reason: str = "") -> None:
    """Take a camera out of use."""
    service.execute(DisableCamera(camera_id, reason), actor)


def enable_camera(service: CommandService, actor: Actor, camera_id: str) -> None:
    """Put a camera back into use."""
    service.execute(EnableCamera(camera_id), actor)
