"""The camera list plugin (see the package docstring)."""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import json
import tomllib
from pathlib import Path
from typing import Any

from core.plugins.api import API_VERSION, Manifest, NotReady, Plugin, PluginContext

MAX_BYTES = 4 * 1024 * 1024
MAX_CAMERAS = 5000
# A row the host refused is sent again only when it changes, or after this long (what
# was missing, a city say, may have come meanwhile): not counted again at every read.
RETRY_REFUSED_S = 3600.0
# The columns / keys a row may have (as in a camera list file, docs/cameras.md).
KEYS = ("id", "name", "url", "x", "y", "lat", "lon", "agency", "heading", "fov")
_NUMBERS = ("x", "y", "lat", "lon", "heading", "fov")

CONFIG_SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    # Exactly one source: a file on this machine or an HTTP endpoint.
    "oneOf": [{"required": ["file"]}, {"required": ["url"]}],
    "properties": {
        "file": {"type": "string", "minLength": 1},
        "url": {"type": "string", "pattern": "^https?://"},
        # What the endpoint serves; a file's is told by its suffix.
        "format": {"enum": ["csv", "toml", "json"], "default": "csv"},
        "interval_s": {"type": "number", "minimum": 1, "default": 60},
        "timeout_s": {"type": "number", "exclusiveMinimum": 0, "default": 20},
    }}


class SourceError(ValueError):
    """The source cannot be read as a camera list; the message says why."""


def parse_cameras(body: bytes, fmt: str) -> list[dict[str, Any]]:
    """The camera rows of a CSV (header line), TOML (`[[camera]]` tables) or JSON (a
    list of objects, or {"cameras": [...]}) document; `SourceError` naming the problem.
    Values are checked by the host, not here; only the shape is."""
    if len(body) > MAX_BYTES:
        raise SourceError(f"over {MAX_BYTES // 1024 // 1024} MiB")
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SourceError("not UTF-8 text") from None
    rows: list[Any]
    if fmt == "csv":
        reader = csv.DictReader(io.StringIO(text))
        if not reader.fieldnames or "id" not in reader.fieldnames:
            raise SourceError("a CSV camera list needs a header line with an 'id' column")
        rows = [{k: v for k, v in row.items() if k is not None and v not in (None, "")}
                for row in reader]
        for row in rows:
            for key in _NUMBERS:
                if key in row:
                    try:
                        row[key] = float(row[key])
                    except ValueError:
                        pass  # the host refuses it with the camera's id and the field
    elif fmt == "toml":
        try:
            rows = tomllib.loads(text).get("camera", [])
        except tomllib.TOMLDecodeError as exc:
            raise SourceError(f"not valid TOML: {exc}") from None
    else:
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise SourceError(f"not valid JSON: {exc}") from None
        rows = data.get("cameras") if isinstance(data, dict) else data
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise SourceError("expected a list of cameras")
    if len(rows) > MAX_CAMERAS:
        raise SourceError(f"more than {MAX_CAMERAS} cameras")
    return rows


def fingerprint(row: dict[str, Any]) -> str:
    """A digest of a row, kept between polls to send only what changed (a digest, so
    the plugin's store never holds a camera's credentials)."""
    return hashlib.sha256(json.dumps(row, sort_keys=True, default=str).encode()).hexdigest()


class CameraList(Plugin):
    """Keeps the camera registry in step with a camera list file or endpoint."""

    manifest = Manifest(
        name="camera_list", version="1.0.0", api_version=API_VERSION,
        provides=("cameras",), commands=frozenset({"sync_camera", "disable_camera"}),
        config_schema=CONFIG_SCHEMA, max_rate=200.0, memory_mb=1024,
        description="cameras from a CSV/TOML file or an HTTP endpoint")

    async def run(self, ctx: PluginContext) -> None:
        cfg = ctx.config
        session: Any = None
        if "url" in cfg:
            import aiohttp

            session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=cfg["timeout_s"]))
        try:
            while True:
                try:
                    body, fmt = await self.fetch(ctx, session)
                    await self.apply(ctx, parse_cameras(body, fmt))
                except SourceError as exc:
                    # A broken list changes nothing (never disable every camera because
                    # the file was half written); said once per poll.
                    ctx.reject(f"{self.where(ctx)}: {exc}")
                await asyncio.sleep(cfg["interval_s"])
        finally:
            if session is not None:
                await session.close()

    def where(self, ctx: PluginContext) -> str:
        """The source, for messages (an endpoint's query, which may hold a token, cut)."""
        return ctx.config.get("file") or ctx.config["url"].split("?", 1)[0]

    async def fetch(self, ctx: PluginContext, session: Any) -> tuple[bytes, str]:
        """The source's bytes and format."""
        cfg = ctx.config
        if session is None:
            path = Path(cfg["file"]).expanduser()
            fmt = {".csv": "csv", ".toml": "toml", ".json": "json"}.get(path.suffix.lower())
            if fmt is None:
                raise SourceError("a camera list file ends in .csv, .toml or .json")
            try:
                return await asyncio.to_thread(path.read_bytes), fmt
            except OSError as exc:
                raise NotReady(f"camera list {path}: {exc.strerror or exc}") from None
        import aiohttp

        try:
            async with session.get(cfg["url"]) as response:
                response.raise_for_status()
                body = await response.content.read(MAX_BYTES + 1)
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise NotReady(f"camera list {self.where(ctx)}: {type(exc).__name__}: "
                           f"{getattr(exc, 'status', '') or exc}") from None
        return body, cfg["format"]

    async def apply(self, ctx: PluginContext, rows: list[dict[str, Any]]) -> None:
        """Send the rows that are new or changed, and disable the cameras gone."""
        from datetime import datetime

        known: dict[str, str] = ctx.store.setdefault("cameras", {})
        refused: dict[str, list[str]] = ctx.store.setdefault("refused", {})  # id: [digest, at]
        now = ctx.clock.now()
        listed: set[str] = set()
        for row in rows:
            camera_id = row.get("id")
            if not isinstance(camera_id, str) or not camera_id:
                ctx.reject(f"{self.where(ctx)}: a camera without an id")
                continue
            if camera_id in listed:
                ctx.reject(f"{self.where(ctx)}: camera {camera_id} is listed twice")
                continue
            listed.add(camera_id)
            digest = fingerprint(row)
            if known.get(camera_id) == digest:
                continue
            before = refused.get(camera_id)
            if before and before[0] == digest and (
                    now - datetime.fromisoformat(before[1])).total_seconds() < RETRY_REFUSED_S:
                continue
            fields = {k: v for k, v in row.items() if k in KEYS}
            reply = await ctx.submit("sync_camera", **fields)
            if reply.accepted:
                known[camera_id] = digest
                refused.pop(camera_id, None)
            else:
                known.pop(camera_id, None)
                refused[camera_id] = [digest, now.isoformat()]
        for camera_id in sorted(set(refused) - listed):
            del refused[camera_id]
        for camera_id in sorted(set(known) - listed):
            # Once: refused means it is gone or not this plugin's (the reason is counted).
            await ctx.submit("disable_camera", id=camera_id,
                             reason=f"no longer listed in {self.where(ctx)}")
            del known[camera_id]
        await ctx.save()
