"""Real local stream servers for the video tests (HTTP and RTSP on 127.0.0.1)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.video.clips import ClipSpec, ensure_clip
from core.video.http_server import HttpStreamServer
from core.video.rtsp_server import RtspStreamServer, rtsp_server_available

IN_CI = os.environ.get("CI", "").lower() == "true"


def skip_or_fail(reason: str) -> None:
    """Skip where the machine lacks a server; fail under CI, which must have them all."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: this must not be skipped)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def clip_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clip cache of the test session's own."""
    return tmp_path_factory.mktemp("clips")


@pytest.fixture(scope="session")
def clips(clip_dir: Path) -> dict[str, Path]:
    """Two short clips with different names burned in."""
    try:
        return {name: ensure_clip(ClipSpec(title, seconds=4), clip_dir)
                for name, title in (("north", "Test cam North"), ("south", "Test cam South"))}
    except Exception as exc:  # noqa: BLE001 - no ffmpeg: say so
        skip_or_fail(f"cannot make test clips: {exc}")
        raise


@pytest.fixture(scope="module")
def http_server(clips: dict[str, Path]) -> Iterator[HttpStreamServer]:
    """A real HTTP stream server for the module."""
    server = HttpStreamServer(clips).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def rtsp_server(clips: dict[str, Path]) -> Iterator[RtspStreamServer]:
    """A real RTSP server (GStreamer's) for the module."""
    why = rtsp_server_available()
    if why:
        skip_or_fail(why)
    server = RtspStreamServer(clips).start()
    yield server
    server.stop()
