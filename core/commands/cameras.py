"""Commands on the camera registry (add, import, move, update, disable, enable) and on evidence
(a snapshot recorded on an incident).

The commands take what the registry functions (`core.cameras.registry`) have checked
against the city: a position inside it and its grid cell, and a URL whose credentials
are already in the secrets store. They check again what the log must never hold: a URL
with a credential left in it is refused (`check_masked`).

The `cameras` table is written only from the projection: each command puts the camera
as it stands into the context's state before deciding, the service applies the event
(`core.domain.state` camera handlers), and `after` saves what the handler made.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert

from core.cameras.urls import check_masked
from core.commands.base import Command, Context, Decision, require_text
from core.domain.state import CAMERA_FIELDS
from core.errors import NotFound, ValidationError
from core.store.schema import CameraRow

CAMERA_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
FILE_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}\.png$")
MAX_IMPORT = 10_000
_TABLE = CameraRow.__table__


def check_camera_id(value: object, field_name: str = "camera_id") -> str:
    """A camera id: 1-32 letters, digits, '_', '.', '-', starting with a letter or digit."""
    if not isinstance(value, str) or not CAMERA_ID_RE.match(value):
        raise ValidationError(f"{field_name} must be 1-32 letters, digits, '_', '.' or '-' "
                              f"(starting with a letter or digit), not {str(value)[:40]!r}",
                              field=field_name)
    return value


def check_angle(value: object, field_name: str, *, low: float, high: float,
                low_open: bool = False) -> float | None:
    """An optional angle in degrees within [low, high) (or (low, high] for a field of
    view); None when not given."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValidationError(f"{field_name} must be a number of degrees", field=field_name)
    v = float(value)
    ok = (low < v <= high) if low_open else (low <= v < high)
    if not ok:
        span = f"above {low:g} up to {high:g}" if low_open else f"from {low:g} to below {high:g}"
        raise ValidationError(f"{field_name} must be {span} degrees", field=field_name)
    return v


def _finite(value: object, field_name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValidationError(f"{field_name} must be a finite number", field=field_name)
    return float(value)


def camera_payload(c: Mapping[str, Any]) -> dict[str, Any]:
    """One camera as an event records it, every field checked (`ValidationError` names
    the field). `c` holds camera_id, name, x, y, cell, url (masked), agency and
    optionally enabled, heading_deg, fov_deg."""
    return {
        "camera_id": check_camera_id(c.get("camera_id")),
        "name": require_text(c.get("name"), "name", max_len=120, allow_empty=False,
                             one_line=True),
        "x": _finite(c.get("x"), "x"), "y": _finite(c.get("y"), "y"),
        "cell": (None if c.get("cell") is None
                 else require_text(c.get("cell"), "cell", max_len=32, one_line=True) or None),
        "url": check_masked(c.get("url")),  # type: ignore[arg-type]
        "agency": require_text(c.get("agency", "city"), "agency", max_len=60,
                               allow_empty=False, one_line=True),
        "enabled": bool(c.get("enabled", True)),
        "heading_deg": check_angle(c.get("heading_deg"), "heading_deg", low=0, high=360),
        "fov_deg": check_angle(c.get("fov_deg"), "fov_deg", low=0, high=360, low_open=True),
    }


def _load(ctx: Context, camera_id: str) -> dict[str, Any]:
    """The camera as the table holds it, put into the context's state (the handler
    changes it there); `NotFound` when there is none."""
    row = ctx.session.get(CameraRow, camera_id)
    if row is None:
        raise NotFound(f"no camera {camera_id!r} (see 'beacon camera list')",
                       field="camera_id")
    camera = {f: getattr(row, f) for f in CAMERA_FIELDS}
    ctx.state.cameras[camera_id] = camera
    return camera


def _save(ctx: Context, camera_ids: Iterable[str]) -> None:
    """Write the cameras as the projection left them (the table's only writer)."""
    session = ctx.session
    ids = list(camera_ids)
    session.execute(delete(_TABLE).where(_TABLE.c.camera_id.in_(ids)))
    session.execute(insert(_TABLE), [{"camera_id": i, **ctx.state.cameras[i]} for i in ids])


@dataclass(frozen=True, slots=True)
class AddCamera(Command):
    """Add one camera (see `camera_payload` for the fields)."""

    camera_id: str
    name: str
    x: float
    y: float
    cell: str | None
    url: str  # masked: credentials already in the secrets store
    agency: str = "city"
    heading_deg: float | None = None
    fov_deg: float | None = None
    credentials: bool = False  # whether the secrets store holds the full URL
    permission = "cameras"

    def decide(self, ctx: Context) -> Decision:
        payload = camera_payload({
            "camera_id": self.camera_id, "name": self.name, "x": self.x, "y": self.y,
            "cell": self.cell, "url": self.url, "agency": self.agency,
            "heading_deg": self.heading_deg, "fov_deg": self.fov_deg})
        if ctx.session.get(CameraRow, payload["camera_id"]) is not None:
            raise ValidationError(f"a camera {payload['camera_id']!r} exists already",
                                  field="camera_id")
        payload["credentials"] = bool(self.credentials)
        return Decision("camera_added", payload)

    def after(self, ctx: Context, seq: int) -> None:
        _save(ctx, [self.camera_id])


@dataclass(frozen=True, slots=True)
class ImportCameras(Command):
    """Add many cameras in one event, all or none (a camera list file, the demo's)."""

    cameras: tuple[Mapping[str, Any], ...]
    source: str = ""  # the file's name, or "demo"
    permission = "cameras"

    def decide(self, ctx: Context) -> Decision:
        if not self.cameras:
            raise ValidationError("the camera list is empty", field="cameras")
        if len(self.cameras) > MAX_IMPORT:
            raise ValidationError(f"at most {MAX_IMPORT} cameras in one import",
                                  field="cameras")
        cameras: list[dict[str, Any]] = []
        seen: set[str] = set()
        for n, c in enumerate(self.cameras, 1):
            try:
                payload = camera_payload(c)
            except ValidationError as exc:
                raise ValidationError(f"camera {n}: {exc}", field=exc.field) from None
            cid = payload["camera_id"]
            if cid in seen or ctx.session.get(CameraRow, cid) is not None:
                raise ValidationError(f"camera {n}: a camera {cid!r} exists already",
                                      field="camera_id")
            seen.add(cid)
            payload["credentials"] = bool(c.get("credentials", False))
            cameras.append(payload)
        return Decision("cameras_imported", {
            "source": require_text(self.source, "source", max_len=200, one_line=True),
            "cameras": cameras})

    def after(self, ctx: Context, seq: int) -> None:
        _save(ctx, [c["camera_id"] for c in self.cameras])


@dataclass(frozen=True, slots=True)
class MoveCamera(Command):
    """Put a camera at a new position (and cell); optionally what it looks at."""

    camera_id: str
    x: float
    y: float
    cell: str | None
    heading_deg: float | None = None
    fov_deg: float | None = None
    permission = "cameras"

    def decide(self, ctx: Context) -> Decision:
        camera = _load(ctx, check_camera_id(self.camera_id))
        payload: dict[str, Any] = {
            "camera_id": self.camera_id, "x": _finite(self.x, "x"), "y": _finite(self.y, "y"),
            "cell": (None if self.cell is None
                     else require_text(self.cell, "cell", max_len=32, one_line=True) or None),
            "previous": {"x": camera["x"], "y": camera["y"],
                                            "cell": camera["cell"]}}
        if self.heading_deg is not None:
            payload["heading_deg"] = check_angle(self.heading_deg, "heading_deg", low=0,
                                                 high=360)
        if self.fov_deg is not None:
            payload["fov_deg"] = check_angle(self.fov_deg, "fov_deg", low=0, high=360,
                                             low_open=True)
        return Decision("camera_moved", payload)

    def after(self, ctx: Context, seq: int) -> None:
        _save(ctx, [self.camera_id])


@dataclass(frozen=True, slots=True)
class UpdateCamera(Command):
    """Change a camera's name, stream URL (masked) or agency; only what is given and
    differs is recorded (`changes`)."""

    camera_id: str
    name: str | None = None
    url: str | None = None  # masked: credentials already in the secrets store
    agency: str | None = None
    credentials: bool = False  # with `url`: whether the secrets store holds the full URL
    permission = "cameras"

    def decide(self, ctx: Context) -> Decision:
        camera = _load(ctx, check_camera_id(self.camera_id))
        changes: dict[str, Any] = {}
        if self.name is not None:
            changes["name"] = require_text(self.name, "name", max_len=120, allow_empty=False,
                                           one_line=True)
        if self.url is not None:
            changes["url"] = check_masked(self.url)
        if self.agency is not None:
            changes["agency"] = require_text(self.agency, "agency", max_len=60,
                                             allow_empty=False, one_line=True)
        changes = {k: v for k, v in changes.items() if camera[k] != v}
        if not changes and not (self.url is not None and self.credentials):
            raise ValidationError(f"camera {self.camera_id}: nothing to change",
                                  field="camera_id")
        payload: dict[str, Any] = {"camera_id": self.camera_id, "changes": changes}
        if self.url is not None:
            payload["credentials"] = bool(self.credentials)
        return Decision("camera_updated", payload)

    def after(self, ctx: Context, seq: int) -> None:
        _save(ctx, [self.camera_id])


@dataclass(frozen=True, slots=True)
class DisableCamera(Command):
    """Take a camera out of use (the wall no longer plays it); the reason is recorded."""

    camera_id: str
    reason: str = ""
    permission = "cameras"

    def decide(self, ctx: Context) -> Decision:
        camera = _load(ctx, check_camera_id(self.camera_id))
        if not camera["enabled"]:
            raise ValidationError(f"camera {self.camera_id} is disabled already",
                                  field="camera_id")
        return Decision("camera_disabled", {
            "camera_id": self.camera_id,
            "reason": require_text(self.reason, "reason", max_len=500)})

    def after(self, ctx: Context, seq: int) -> None:
        _save(ctx, [self.camera_id])


@dataclass(frozen=True, slots=True)
class EnableCamera(Command):
    """Put a disabled camera back into use."""

    camera_id: str
    permission = "cameras"

    def decide(self, ctx: Context) -> Decision:
        camera = _load(ctx, check_camera_id(self.camera_id))
        if camera["enabled"]:
            raise ValidationError(f"camera {self.camera_id} is enabled already",
                                  field="camera_id")
        return Decision("camera_enabled", {"camera_id": self.camera_id})

    def after(self, ctx: Context, seq: int) -> None:
        _save(ctx, [self.camera_id])


@dataclass(frozen=True, slots=True)
class RecordSnapshot(Command):
    """A frame of a camera saved as evidence on an incident: the file's name (in the
    centre's evidence folder) and its SHA-256, recorded with who and when."""

    incident_id: str
    camera_id: str
    file_name: str
    sha256: str
    permission = "evidence"

    def incident_ids(self) -> Iterable[str]:
        return (self.incident_id,)

    def decide(self, ctx: Context) -> Decision:
        incident = ctx.incident(self.incident_id)
        row = ctx.session.get(CameraRow, check_camera_id(self.camera_id))
        if row is None:
            raise NotFound(f"no camera {self.camera_id!r}", field="camera_id")
        if not isinstance(self.file_name, str) or not FILE_NAME_RE.match(self.file_name):
            raise ValidationError("file_name must be a plain .png file name (letters, "
                                  "digits, '_', '.', '-'; no folder)", field="file_name")
        if not isinstance(self.sha256, str) or not SHA256_RE.match(self.sha256):
            raise ValidationError("sha256 must be 64 lower-case hex digits", field="sha256")
        return Decision("evidence_snapshot_recorded", {
            "incident_id": incident.id, "camera_id": row.camera_id, "camera_name": row.name,
            "file_name": self.file_name, "sha256": self.sha256}, incident_id=incident.id)
