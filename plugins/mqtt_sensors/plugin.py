"""The MQTT sensors plugin (see the package docstring)."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from typing import Any

from core.plugins.api import API_VERSION, Manifest, NotReady, Plugin, PluginContext
from core.plugins.sensors import (
    SENSOR_KINDS,
    ReadingRejected,
    Sensor,
    ThresholdRule,
    ThresholdWatch,
    check_reading,
    check_sensor,
)

# What a kind raises at unless the configuration says otherwise.
DEFAULT_RULES: dict[str, dict[str, float]] = {
    "water_level": {"raise_above": 3.0, "clear_below": 2.5, "min_duration_s": 30},
    "smoke": {"raise_above": 5.0, "clear_below": 2.0, "min_duration_s": 5},
    "gas": {"raise_above": 50.0, "clear_below": 25.0, "min_duration_s": 5},
    "temperature": {"raise_above": 60.0, "clear_below": 50.0, "min_duration_s": 10},
}

_RULE = {"type": "object", "additionalProperties": False,
         "required": ["raise_above", "clear_below"],
         "properties": {"raise_above": {"type": "number"}, "clear_below": {"type": "number"},
                        "min_duration_s": {"type": "number", "minimum": 0}}}

CONFIG_SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False, "required": ["sensors"],
    "properties": {
        "broker": {"type": "string", "default": "127.0.0.1"},
        "port": {"type": "integer", "minimum": 1, "maximum": 65535, "default": 1883},
        "topic_prefix": {"type": "string", "minLength": 1, "default": "beacon/sensors"},
        "silent_after": {"type": "number", "exclusiveMinimum": 1, "default": 3},
        "update_every_s": {"type": "number", "minimum": 0, "default": 30},
        "rules": {"type": "object", "default": {},
                  "propertyNames": {"enum": list(SENSOR_KINDS)},
                  "additionalProperties": _RULE},
        "sensors": {"type": "array", "items": {
            "type": "object", "additionalProperties": False,
            "required": ["id", "kind"],
            "properties": {
                "id": {"type": "string", "pattern": "^[A-Za-z0-9_.-]{1,80}$"},
                "kind": {"enum": list(SENSOR_KINDS)},
                # city metres, or latitude/longitude (the host turns them into metres)
                "x": {"type": "number"}, "y": {"type": "number"},
                "lat": {"type": "number"}, "lon": {"type": "number"},
                "cell_code": {"type": "string"}, "label": {"type": "string"},
                "interval_s": {"type": "number", "exclusiveMinimum": 0, "default": 60}}}},
    }}


class MqttSensors(Plugin):
    """Sensors on an MQTT broker, with threshold rules and silent-sensor alarms."""

    manifest = Manifest(
        name="mqtt_sensors", version="1.0.0", api_version=API_VERSION,
        provides=("sensor_readings", "sensor_incidents"),
        commands=frozenset({"declare_sensor", "record_reading", "raise_incident",
                            "update_incident", "clear_incident", "report_silent_sensor"}),
        config_schema=CONFIG_SCHEMA, max_rate=500.0, memory_mb=1024,
        description="water level, smoke, gas and temperature sensors over MQTT")

    def __init__(self) -> None:
        self.sensors: dict[str, Sensor] = {}
        self.intervals: dict[str, float] = {}
        self.watches: dict[str, ThresholdWatch] = {}
        self.heard: dict[str, datetime] = {}
        self.last_update: dict[str, datetime] = {}
        self.client: Any = None
        self.inbox: asyncio.Queue[tuple[str, bytes]] = asyncio.Queue()

    async def setup(self, ctx: PluginContext) -> None:
        import paho.mqtt.client as mqtt

        cfg = ctx.config
        rules = {**DEFAULT_RULES, **cfg["rules"]}
        saved = ctx.store.setdefault("watch", {})
        started = ctx.clock.now()
        for item in cfg["sensors"]:
            fields = {k: item[k] for k in ("id", "kind", "x", "y", "lat", "lon",
                                           "cell_code", "label") if k in item}
            # Where it is matters to the host (and the map), not to the checks here.
            sensor = check_sensor({"x": 0.0, "y": 0.0, **{k: v for k, v in fields.items()
                                                          if k not in ("lat", "lon")}})
            reply = await ctx.submit("declare_sensor", **fields)
            if not reply.accepted:
                raise ValueError(f"sensor {sensor.id}: {reply.reason}")
            self.sensors[sensor.id] = sensor
            self.intervals[sensor.id] = float(item.get("interval_s", 60))
            rule = ThresholdRule(**rules[sensor.kind])
            self.watches[sensor.id] = ThresholdWatch(rule, saved.get(sensor.id))
            self.heard[sensor.id] = started
        loop = asyncio.get_running_loop()
        prefix = cfg["topic_prefix"].rstrip("/")

        subscribed = asyncio.Event()

        def on_connect(client: Any, _userdata: Any, _flags: Any, reason: Any,
                       _props: Any = None) -> None:
            client.subscribe(f"{prefix}/#", qos=1)  # again after every reconnection

        def on_subscribe(*_args: Any) -> None:
            loop.call_soon_threadsafe(subscribed.set)

        def on_message(_client: Any, _userdata: Any, message: Any) -> None:
            # paho's network thread: hand the message to the plugin's event loop
            loop.call_soon_threadsafe(self.inbox.put_nowait, (message.topic, message.payload))

        # A random client id: two hosts (or a host and its successor) never kick each other.
        client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, clean_session=True)
        client.on_connect = on_connect
        client.on_subscribe = on_subscribe
        client.on_message = on_message
        try:  # connect blocks: not on the event loop
            await loop.run_in_executor(None, client.connect, cfg["broker"], cfg["port"], 30)
        except OSError as exc:
            raise NotReady(f"MQTT broker {cfg['broker']}:{cfg['port']}: {exc}") from None
        client.loop_start()
        self.client = client
        self.prefix = prefix
        try:
            await asyncio.wait_for(subscribed.wait(), 10)
        except TimeoutError:
            raise NotReady(f"MQTT broker {cfg['broker']}:{cfg['port']} did not confirm the "
                           "subscription within 10 s") from None

    async def stop(self, ctx: PluginContext) -> None:
        if self.client is not None:
            self.client.disconnect()
            self.client.loop_stop()
        await ctx.save()

    async def run(self, ctx: PluginContext) -> None:
        watchdog = asyncio.create_task(self._watch_silence(ctx))
        try:
            while True:
                topic, payload = await self.inbox.get()
                await self.handle(ctx, topic, payload)
        finally:
            watchdog.cancel()

    async def handle(self, ctx: PluginContext, topic: str, payload: bytes) -> None:
        """Check one message, deliver the reading, and apply the threshold rule."""
        sensor_id = topic[len(self.prefix) + 1:] if topic.startswith(self.prefix + "/") else ""
        if sensor_id not in self.sensors:
            ctx.reject(f"topic {topic!r}: unknown sensor {sensor_id!r}")
            return
        try:
            data = json.loads(payload)
        except (ValueError, UnicodeDecodeError) as exc:
            ctx.reject(f"sensor {sensor_id}: bad JSON: {exc}")
            return
        if not isinstance(data, dict):
            ctx.reject(f"sensor {sensor_id}: a reading must be a JSON object")
            return
        try:
            reading = check_reading({**data, "sensor": sensor_id}, self.sensors,
                                    ctx.clock.now())
        except ReadingRejected as exc:
            ctx.reject(str(exc))
            return
        ctx.reading(reading.sensor, reading.value, reading.unit, reading.at)
        self.heard[sensor_id] = ctx.clock.now()
        ctx.store.setdefault("silent", {}).pop(sensor_id, None)
        watch = self.watches[sensor_id]
        action = watch.feed(reading.value, reading.at)
        if action == "raise":
            reply = await ctx.submit("raise_incident", sensor=sensor_id, value=reading.value)
            if not reply.accepted and not reply.duplicate:
                ctx.log.warning("sensor %s: incident refused: %s", sensor_id, reply.reason)
            self.last_update[sensor_id] = reading.at
        elif action == "update":
            last = self.last_update.get(sensor_id)
            every = float(ctx.config["update_every_s"])
            if last is None or (reading.at - last).total_seconds() >= every:
                reply = await ctx.submit("update_incident", sensor=sensor_id,
                                         value=reading.value)
                if not reply.accepted and "no open incident" in reply.reason:
                    # an operator closed it meanwhile: this episode is over for us too
                    watch.state.update(raised=False, high_since=None)
                self.last_update[sensor_id] = reading.at
        elif action == "clear":
            await ctx.submit("clear_incident", sensor=sensor_id, value=reading.value)
        if action is not None:
            ctx.store["watch"][sensor_id] = dict(watch.state)
            await ctx.save()

    async def _watch_silence(self, ctx: PluginContext) -> None:
        factor = float(ctx.config["silent_after"])
        while True:
            await asyncio.sleep(0.5)
            now = ctx.clock.now()
            reported = ctx.store.setdefault("silent", {})
            for sensor_id, heard in self.heard.items():
                silent = (now - heard).total_seconds()
                if silent > factor * self.intervals[sensor_id] and sensor_id not in reported:
                    reported[sensor_id] = now.isoformat()
                    await ctx.submit("report_silent_sensor", sensor=sensor_id,
                                     silent_for_s=round(silent, 1), last_at=heard.isoformat())
                    await ctx.save()
