"""`beacon plugin new NAME`: the files of a working plugin package to start from.

The skeleton is a complete plugin: an entry point in `beacon.plugins`, a manifest, a
configuration schema with defaults, a source that declares one sensor and emits a
reading every `interval` seconds, a test that runs it in Beacon's `PluginHarness`, and
a README that says what to change.
"""

from __future__ import annotations

import re
from pathlib import Path

NAME_RE = re.compile(r"^[a-z][a-z0-9_]{1,63}$")

_PYPROJECT = '''[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "beacon-plugin-{dash}"
version = "0.1.0"
description = "A Beacon data-source plugin: {name}"
requires-python = ">=3.11"
# Beacon itself (the plugin API) is not listed: the plugin is installed into the
# environment Beacon runs in.
dependencies = []

[project.entry-points."beacon.plugins"]
{name} = "{name}.plugin:{cls}"

[tool.setuptools]
packages = ["{name}"]

[tool.pytest.ini_options]
pythonpath = ["."]
'''

_INIT = '''"""The {name} plugin for Beacon."""

from {name}.plugin import {cls}

__all__ = ["{cls}"]
'''

_PLUGIN = '''"""The {name} plugin: a source of readings (replace the simulated one with yours)."""

from __future__ import annotations

import asyncio
import math

from core.plugins.api import API_VERSION, Manifest, Plugin, PluginContext

CONFIG_SCHEMA = {{
    "type": "object",
    "additionalProperties": False,
    "properties": {{
        "sensor_id": {{"type": "string", "default": "{dash}-1"}},
        "x": {{"type": "number", "default": 0.0}},
        "y": {{"type": "number", "default": 0.0}},
        "interval": {{"type": "number", "exclusiveMinimum": 0, "default": 1.0}},
    }},
}}


class {cls}(Plugin):
    """Declares one temperature sensor and reports a reading every `interval` seconds."""

    manifest = Manifest(
        name="{name}", version="0.1.0", api_version=API_VERSION,
        provides=("sensor_readings",),
        commands=frozenset({{"declare_sensor", "record_reading"}}),
        config_schema=CONFIG_SCHEMA, max_rate=50.0, memory_mb=512,
        description="an example source of temperature readings")

    async def setup(self, ctx: PluginContext) -> None:
        cfg = ctx.config
        reply = await ctx.submit("declare_sensor", id=cfg["sensor_id"], kind="temperature",
                                 unit="degC", x=cfg["x"], y=cfg["y"], label="{name}")
        if not reply.accepted:
            raise ValueError(reply.reason)

    async def run(self, ctx: PluginContext) -> None:
        n = 0
        while True:
            value = 20.0 + 2.0 * math.sin(n / 10)  # replace with a real measurement
            ctx.reading(ctx.config["sensor_id"], round(value, 2), "degC")
            n += 1
            await asyncio.sleep(ctx.config["interval"])
'''

_TEST = '''"""{name}: runs the plugin in Beacon's test harness (the host's own checks)."""

import asyncio

from core.plugins.testing import PluginHarness
from {name} import {cls}


def test_it_emits_readings() -> None:
    async def scenario() -> None:
        async with PluginHarness({cls}, {{"interval": 0.01}}) as harness:
            readings = await harness.wait_for_readings(3)
            assert readings[0].sensor == "{dash}-1" and readings[0].unit == "degC"
            assert harness.rejected == []

    asyncio.run(scenario())
'''

_README = '''# {name}: a Beacon data-source plugin

Made with `beacon plugin new {name}`. It declares one temperature sensor and reports a
simulated reading every `interval` seconds: replace `run` in `{name}/plugin.py` with
your source, and the manifest's `commands` with what it needs.

Try it:

    pip install -e .            # into the environment Beacon runs in
    python -m pytest tests      # the harness applies the host's checks
    beacon plugin list          # {name} is listed
    beacon plugin run --only {name} --duration 10

Settings go in the host's configuration file, under `[plugins.{name}]`:

    [plugins.{name}]
    interval = 5.0
    x = 1200.0
    y = 800.0
'''


def class_name(name: str) -> str:
    """`water_gauge` -> `WaterGauge`."""
    return "".join(part.capitalize() for part in name.split("_") if part)


def write_skeleton(name: str, parent: Path) -> Path:
    """Write the package folder `parent/name`; `ValueError` for a bad name or a folder
    that exists already (nothing is overwritten)."""
    if not NAME_RE.match(name):
        raise ValueError(f"plugin name {name!r}: use 2-64 lower-case letters, digits or '_', "
                         "starting with a letter")
    folder = parent / name
    if folder.exists():
        raise ValueError(f"{folder} exists already: choose another name or folder")
    values = {"name": name, "cls": class_name(name), "dash": name.replace("_", "-")}
    files = {
        "pyproject.toml": _PYPROJECT, "README.md": _README,
        f"{name}/__init__.py": _INIT, f"{name}/plugin.py": _PLUGIN,
        f"tests/test_{name}.py": _TEST,
    }
    for relative, template in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template.format(**values), encoding="utf-8")
    return folder
