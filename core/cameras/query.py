"""Reading the camera registry: the cameras (URLs masked) and, for the player only, a
camera's real stream URL."""

from __future__ import annotations

import math
from pathlib import Path

from sqlalchemy import select

from core.cameras.model import Camera
from core.cameras.secrets import SecretStore, default_secrets_path
from core.cameras.urls import MASK, split_credentials
from core.errors import NotFound, UserError
from core.store.database import Database
from core.store.schema import CameraRow


def camera_from_row(row: CameraRow) -> Camera:
    """A `Camera` from its table row."""
    return Camera(camera_id=row.camera_id, name=row.name, x=float(row.x), y=float(row.y),
                  cell=row.cell, url=row.url, agency=row.agency, enabled=bool(row.enabled),
                  heading_deg=row.heading_deg, fov_deg=row.fov_deg)


def list_cameras(db: Database, *, enabled_only: bool = False) -> list[Camera]:
    """Every camera of the registry, by id (only those in use with `enabled_only`)."""
    query = select(CameraRow).order_by(CameraRow.camera_id)
    if enabled_only:
        query = query.where(CameraRow.enabled.is_(True))
    with db.session() as session:
        return [camera_from_row(r) for r in session.execute(query).scalars()]


def get_camera(db: Database, camera_id: str) -> Camera:
    """One camera, or `NotFound` naming it."""
    with db.session() as session:
        row = session.get(CameraRow, camera_id)
        if row is None:
            raise NotFound(f"no camera {camera_id!r}", field="camera_id")
        return camera_from_row(row)


def stream_url(db: Database, camera_id: str, secrets_path: Path | None = None) -> str:
    """The URL to play, WITH its credentials put back from the secrets store.

    Only the tile's player calls this, and never shows or logs what it returns. A
    camera whose recorded URL has no credential plays as recorded. The stored URL is
    used only while its masked form is still the recorded one, so a stale secret never
    plays instead of the camera's current address. `UserError` (saying what to do,
    without the URL) when the credentials are missing.
    """
    camera = get_camera(db, camera_id)
    if MASK not in camera.url:
        return camera.url
    path = secrets_path or default_secrets_path(db)
    full = SecretStore(path).get(camera_id)
    if full is None:
        raise UserError(f"the credentials of camera {camera_id} are not in the secrets "
                        f"store {path}: add the camera again with its full URL on this "
                        "machine (or copy the store here)")
    try:
        masked = split_credentials(full).masked
    except ValueError:
        masked = None
    if masked != camera.url:
        raise UserError(f"the secrets store {path} holds another URL for camera "
                        f"{camera_id} than the registry records: add its URL again")
    return full


def nearest_cameras(cameras: list[Camera], x: float, y: float, radius_m: float,
                    limit: int | None = None) -> list[tuple[Camera, float]]:
    """The cameras in use within `radius_m` of (x, y) by straight-line distance, nearest
    first (ties by id), with their distance in metres; at most `limit` of them."""
    found = sorted(((c, math.hypot(c.x - x, c.y - y)) for c in cameras if c.enabled),
                   key=lambda pair: (pair[1], pair[0].camera_id))
    near = [(c, d) for c, d in found if d <= radius_m]
    return near if limit is None else near[:limit]
