"""What the wall needs from the camera registry, behind one small adapter.

The registry (`core.cameras`) is its own part of Beacon. The wall only needs, per camera,
an id, a name, a position in local metres and the address to play (with credentials:
it is never shown), and a way to save a snapshot as evidence. Until the registry is
installed, `wall_cameras` finds no cameras and snapshots say they are not available.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WallCamera:
    """One camera as the wall sees it. `url` may hold credentials: never display it."""

    camera_id: str
    name: str
    x: float
    y: float
    url: str
    agency: str = ""

    def __repr__(self) -> str:  # the URL may hold a password: keep it out of logs
        return f"WallCamera({self.camera_id!r}, {self.name!r})"


def wall_cameras(centre: Any) -> list[WallCamera]:
    """The centre's enabled cameras, with playable addresses ([] without the registry)."""
    try:
        from core.cameras.query import list_cameras, stream_url
    except ImportError:
        return []
    try:
        cameras = list_cameras(centre.db, enabled_only=True)
    except Exception:  # noqa: BLE001 - the wall must open even if the registry fails
        log.exception("the camera registry could not be read")
        return []
    found = []
    for c in cameras:
        # One camera whose credentials this machine lacks must not empty the wall.
        try:
            url = stream_url(centre.db, c.camera_id)
        except Exception as exc:  # noqa: BLE001 - named in the log, the others still play
            log.warning("camera %s left off the wall: %s", c.camera_id, exc)
            continue
        found.append(WallCamera(c.camera_id, c.name, float(c.x), float(c.y), url,
                                getattr(c, "agency", "")))
    return found


def snapshot_available() -> bool:
    """True when snapshots can be recorded as evidence (the registry is installed)."""
    try:
        from core.cameras.evidence import save_snapshot  # noqa: F401
    except ImportError:
        return False
    return True


def save_snapshot(centre: Any, incident_id: str, camera_id: str,
                  png: bytes) -> tuple[str, str]:
    """Save a frame as evidence on `incident_id`: (path, sha256). Runs off the GUI thread."""
    from core.cameras.evidence import save_snapshot as save

    path, sha256 = save(centre.db, centre.actor, incident_id, camera_id, png)
    return str(path), sha256
