"""The HTTP sensors plugin (see the package docstring)."""

from __future__ import annotations

import hmac
import json
from typing import Any

from core.plugins.api import API_VERSION, Manifest, NotReady, Plugin, PluginContext
from core.plugins.sensors import SENSOR_KINDS, ReadingRejected, Sensor, check_reading, check_sensor

MAX_BODY = 1024 * 1024
MAX_READINGS_PER_REQUEST = 1000

CONFIG_SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False, "required": ["token", "sensors"],
    "properties": {
        "host": {"type": "string", "default": "127.0.0.1"},
        "port": {"type": "integer", "minimum": 1, "maximum": 65535, "default": 8470},
        "token": {"type": "string", "minLength": 16},
        "sensors": {"type": "array", "items": {
            "type": "object", "additionalProperties": False,
            "required": ["id", "kind"],
            "properties": {
                "id": {"type": "string", "pattern": "^[A-Za-z0-9_.-]{1,80}$"},
                "kind": {"enum": list(SENSOR_KINDS)},
                # city metres, or latitude/longitude (the host turns them into metres)
                "x": {"type": "number"}, "y": {"type": "number"},
                "lat": {"type": "number"}, "lon": {"type": "number"},
                "cell_code": {"type": "string"}, "label": {"type": "string"}}}},
    }}


class HttpSensors(Plugin):
    """A webhook that accepts readings and alarms over HTTP."""

    manifest = Manifest(
        name="http_sensors", version="1.0.0", api_version=API_VERSION,
        provides=("sensor_readings", "sensor_incidents"),
        commands=frozenset({"declare_sensor", "record_reading", "raise_incident",
                            "clear_incident"}),
        config_schema=CONFIG_SCHEMA, max_rate=500.0, memory_mb=1024,
        description="readings and alarms from third-party systems over a webhook")

    def __init__(self) -> None:
        self.sensors: dict[str, Sensor] = {}
        self.runner: Any = None

    async def setup(self, ctx: PluginContext) -> None:
        from aiohttp import web

        for item in ctx.config["sensors"]:
            sensor = check_sensor({"x": 0.0, "y": 0.0, **{k: v for k, v in item.items()
                                                          if k not in ("lat", "lon")}})
            reply = await ctx.submit("declare_sensor", **item)
            if not reply.accepted:
                raise ValueError(f"sensor {sensor.id}: {reply.reason}")
            self.sensors[sensor.id] = sensor
        app = web.Application(client_max_size=MAX_BODY)
        app["ctx"] = ctx
        app.router.add_post("/readings", self._readings)
        app.router.add_post("/alarms", self._alarms)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, ctx.config["host"], ctx.config["port"])
        try:
            await site.start()
        except OSError as exc:
            await self.runner.cleanup()
            raise NotReady(f"cannot listen on {ctx.config['host']}:{ctx.config['port']}: "
                           f"{exc}") from None

    async def run(self, ctx: PluginContext) -> None:
        import asyncio

        await asyncio.Event().wait()  # the server works on its own; wait to be cancelled

    async def stop(self, ctx: PluginContext) -> None:
        if self.runner is not None:
            await self.runner.cleanup()

    async def _body(self, request: Any) -> tuple[PluginContext, Any]:
        from aiohttp import web

        ctx: PluginContext = request.app["ctx"]
        given = request.headers.get("Authorization", "")
        expected = f"Bearer {ctx.config['token']}"
        if not hmac.compare_digest(given.encode(), expected.encode()):
            raise web.HTTPUnauthorized(text=json.dumps({"error": "a valid bearer token is "
                                                                 "required"}),
                                       content_type="application/json")
        try:
            return ctx, json.loads(await request.read())
        except (ValueError, UnicodeDecodeError) as exc:
            ctx.reject(f"bad JSON: {exc}")
            raise web.HTTPBadRequest(text=json.dumps({"error": f"bad JSON: {exc}"}),
                                     content_type="application/json") from None

    async def _readings(self, request: Any) -> Any:
        from aiohttp import web

        ctx, body = await self._body(request)
        items = body if isinstance(body, list) else [body]
        if len(items) > MAX_READINGS_PER_REQUEST:
            ctx.reject(f"{len(items)} readings in one request")
            raise web.HTTPRequestEntityTooLarge(MAX_READINGS_PER_REQUEST, len(items))
        accepted, rejected = 0, []
        for index, item in enumerate(items):
            try:
                if not isinstance(item, dict):
                    raise ReadingRejected("a reading must be a JSON object")
                reading = check_reading(item, self.sensors, ctx.clock.now())
            except ReadingRejected as exc:
                ctx.reject(str(exc))
                rejected.append({"index": index, "reason": str(exc)})
                continue
            ctx.reading(reading.sensor, reading.value, reading.unit, reading.at)
            accepted += 1
        status = 200 if accepted or not rejected else 422
        return web.json_response({"accepted": accepted, "rejected": rejected}, status=status)

    async def _alarms(self, request: Any) -> Any:
        from aiohttp import web

        ctx, body = await self._body(request)
        if not isinstance(body, dict) or body.get("sensor") not in self.sensors \
                or body.get("state") not in ("raise", "clear"):
            reason = ("an alarm needs a declared sensor and a state of 'raise' or 'clear'")
            ctx.reject(reason)
            return web.json_response({"error": reason}, status=422)
        value = body.get("value")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            ctx.reject("an alarm needs a numeric value")
            return web.json_response({"error": "value must be a number"}, status=422)
        command = "raise_incident" if body["state"] == "raise" else "clear_incident"
        fields: dict[str, Any] = {"sensor": body["sensor"], "value": value}
        if command == "raise_incident" and isinstance(body.get("description"), str):
            fields["description"] = body["description"]
        reply = await ctx.submit(command, **fields)
        answer = {"accepted": reply.accepted, "incident_id": reply.incident_id,
                  "duplicate": reply.duplicate, "reason": reply.reason}
        return web.json_response(answer, status=200 if reply.accepted or reply.duplicate
                                 else 422)
