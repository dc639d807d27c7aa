"""HTTP sensors and alarms: a token-protected webhook (aiohttp) for third-party systems.

`POST /readings` takes one JSON reading or a list of them
(`{"sensor": "g1", "value": 12.5, "unit": "ppm", "at": "..."}`); `POST /alarms` takes
an alarm from a system that does its own thresholds
(`{"sensor": "g1", "state": "raise", "value": 80}`; `"state": "clear"` ends it). Every
request needs `Authorization: Bearer <token>`.
"""

from plugins.http_sensors.plugin import HttpSensors

__all__ = ["HttpSensors"]
