"""MQTT sensors: water level, smoke, gas and temperature readings from an MQTT broker.

Each sensor publishes JSON readings on `<topic_prefix>/<sensor id>`:
`{"value": 3.2, "unit": "m", "at": "2026-03-01T08:00:00+00:00"}` (`at` optional). The
plugin checks each reading, delivers it to the time series, and applies its kind's
threshold rule: over `raise_above` for `min_duration_s` raises one incident, further
readings while high are added to it (at most every `update_every_s`), and a reading
under `clear_below` clears it. A sensor that sends nothing for `silent_after` times its
interval raises a silent-sensor alarm.
"""

from plugins.mqtt_sensors.plugin import MqttSensors

__all__ = ["MqttSensors"]
