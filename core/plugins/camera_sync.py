"""What a camera-list plugin asks for, carried out on the camera registry.

A plugin that declares `sync_camera` says "this camera should be as I describe it":
the host checks the row exactly as a camera list file's row is checked
(`core.cameras.registry.prepare`: position in the city, URL split so a credential goes
to the secrets store and the log keeps the masked URL), then records only what differs:
`camera_added`, `camera_moved`, `camera_updated`, `camera_enabled`, or nothing when the
camera is as described. `disable_camera` takes out of use a camera the source no longer
lists.

A plugin may change only the cameras it added itself (read from the log: the
`camera_added` events recorded as `plugin:NAME`), so a source can never disable or
rewrite a camera an operator added by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.auth import Actor
from core.cameras.model import Camera
from core.cameras.query import camera_from_row
from core.cameras.registry import _run_with_secrets, _store, prepare
from core.cameras.secrets import SecretStore
from core.cameras.urls import mask_text
from core.city.model import City
from core.commands.cameras import (
    AddCamera,
    DisableCamera,
    EnableCamera,
    MoveCamera,
    UpdateCamera,
)
from core.domain.kinds import Role
from core.errors import ValidationError
from core.service import CommandService
from core.store import event_log

# The fields of a camera row a plugin sends (the keys of a camera list file).
CAMERA_FIELDS = ("id", "name", "url", "x", "y", "lat", "lon", "agency", "heading", "fov")


def camera_actor(plugin: str) -> Actor:
    """Who a plugin's camera changes are recorded as. The registry is a supervisor's
    (`core.auth`, "cameras"); the manifest, which an administrator chose to install,
    narrows what the plugin may ask to `sync_camera` and `disable_camera`."""
    return Actor(f"plugin:{plugin}", Role.SUPERVISOR)


class CameraSync:
    """Carries out one plugin's camera commands; `handle` returns what was recorded."""

    def __init__(self, service: CommandService, plugin: str) -> None:
        self.service = service
        self.plugin = plugin
        self.actor = camera_actor(plugin)
        self._owned: set[str] | None = None
        self._city: City | None = None

    def owned(self) -> set[str]:
        """The cameras this plugin added (from the log, read once)."""
        if self._owned is None:
            with self.service.db.session() as session:
                events = event_log.query(session, event_log.EventQuery(
                    type="camera_added", actor=self.actor.name))
            self._owned = {str(e.payload["camera_id"]) for e in events}
        return self._owned

    def city(self) -> City:
        """The stored city (cameras stand in it)."""
        if self._city is None:
            from core.centre import load_city

            city = load_city(self.service.db)
            if city is None:
                raise ValidationError("no city is loaded: cameras stand in a city",
                                      field="id")
            self._city = city
        return self._city

    def _current(self, camera_id: str) -> Camera | None:
        from core.store.schema import CameraRow

        with self.service.db.session() as session:
            row = session.get(CameraRow, camera_id)
            return None if row is None else camera_from_row(row)

    def _mine(self, camera_id: str) -> None:
        if camera_id not in self.owned():
            raise ValidationError(f"camera {camera_id} was not added by plugin {self.plugin}: "
                                  "it may change only its own cameras", field="id")

    def sync(self, fields: Mapping[str, Any]) -> list[str]:
        """Make the camera as `fields` describe it; the event types recorded (none when
        it is so already). Raises `ValidationError` naming the field, with any
        credential masked."""
        unknown = sorted(set(fields) - set(CAMERA_FIELDS))
        if unknown:
            raise ValidationError(f"unknown field {unknown[0]!r}", field=unknown[0])
        try:
            camera, full = prepare(self.city(), fields)
        except ValidationError as exc:
            name = fields.get("id", "?")
            raise ValidationError(mask_text(f"camera {name}: {exc}"), field=exc.field) \
                from None
        camera_id = camera["camera_id"]
        store = _store(self.service, None)
        current = self._current(camera_id)
        if current is None:
            command = AddCamera(camera_id, camera["name"], camera["x"], camera["y"],
                                camera["cell"], camera["url"], camera["agency"],
                                camera["heading_deg"], camera["fov_deg"],
                                credentials=full is not None)
            _run_with_secrets(self.service, self.actor, command, {camera_id: full}, store)
            self.owned().add(camera_id)
            return ["camera_added"]
        self._mine(camera_id)
        done: list[str] = []
        if (current.x, current.y, current.cell, current.heading_deg, current.fov_deg) != (
                camera["x"], camera["y"], camera["cell"], camera["heading_deg"],
                camera["fov_deg"]):
            self.service.execute(MoveCamera(camera_id, camera["x"], camera["y"],
                                            camera["cell"], camera["heading_deg"],
                                            camera["fov_deg"]), self.actor)
            done.append("camera_moved")
        update = {k: camera[k] for k in ("name", "agency") if getattr(current, k) != camera[k]}
        new_secret = _secret_changed(store, camera_id, full)
        if current.url != camera["url"] or new_secret:
            update["url"] = camera["url"]
        if update:
            command = UpdateCamera(camera_id, name=update.get("name"), url=update.get("url"),
                                   agency=update.get("agency"), credentials=full is not None)
            if "url" in update:
                _run_with_secrets(self.service, self.actor, command, {camera_id: full}, store)
            else:
                self.service.execute(command, self.actor)
            done.append("camera_updated")
        if not current.enabled:
            self.service.execute(EnableCamera(camera_id), self.actor)
            done.append("camera_enabled")
        return done

    def disable(self, fields: Mapping[str, Any]) -> list[str]:
        """Take the plugin's camera out of use (the source no longer lists it)."""
        unknown = sorted(set(fields) - {"id", "reason"})
        if unknown:
            raise ValidationError(f"unknown field {unknown[0]!r}", field=unknown[0])
        camera_id = fields.get("id")
        if not isinstance(camera_id, str):
            raise ValidationError("id is required", field="id")
        current = self._current(camera_id)
        if current is None:
            raise ValidationError(f"no camera {camera_id!r}", field="id")
        self._mine(camera_id)
        if not current.enabled:
            return []
        reason = fields.get("reason") or f"no longer listed by plugin {self.plugin}"
        self.service.execute(DisableCamera(camera_id, str(reason)[:500]), self.actor)
        return ["camera_disabled"]


def _secret_changed(store: SecretStore, camera_id: str, full: str | None) -> bool:
    """Whether the URL's credential differs from what the secrets store holds (the
    masked URL alone cannot tell a new password)."""
    if not store.path.exists():
        return full is not None
    return store.get(camera_id) != full
