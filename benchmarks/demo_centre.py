"""A demo centre for benchmarks and screenshots, on a throw-away SQLite database."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from core.centre import Centre, open_centre
from core.profile import DatabaseKind


def demo_centre(scale: str = "full", clock: Any = None) -> Centre:
    """Open the demo centre of `scale` on a new SQLite database in a temporary folder."""
    url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='beacon-bench-')) / 'beacon.db'}"
    return open_centre(url, clock=clock, city_scale=scale, new_kind=DatabaseKind.DEMO)
