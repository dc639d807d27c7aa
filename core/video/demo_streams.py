"""Live pictures for the demo cameras with nothing downloaded.

Demo cameras have the address `demo://CAMERA_ID`. `DemoStreams` makes each one a short
clip with its name burned in (once, cached), then serves the clips looped on 127.0.0.1:
every other one (up to eight) over RTSP (GStreamer's server, so the demo shows the PyAV
decoder) and the others over HTTP (libvlc). `resolve` turns a demo address into the
local one. The console starts this when a demo camera is first shown and stops it when it closes.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

from core.errors import UserError
from core.video.clips import ClipSpec, ensure_clip
from core.video.http_server import HttpStreamServer
from core.video.rtsp_server import RtspStreamServer, rtsp_server_available
from core.video.sources import DEMO_SCHEME

log = logging.getLogger(__name__)
MAX_RTSP = 8  # demo cameras served over RTSP (the rest over HTTP)


def demo_camera_id(url: str) -> str:
    """The camera id of a demo address, or "" if `url` is not one."""
    parts = urlsplit(url)
    if parts.scheme.lower() != DEMO_SCHEME:
        return ""
    return (parts.netloc + parts.path).strip("/")


def _mount_name(camera_id: str) -> str:
    # Camera ids are the registry's; keep only what is safe in a URL path.
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in camera_id) or "camera"


class DemoStreams:
    """Local looped streams for the demo cameras (`cameras`: id -> name shown)."""

    def __init__(self, cameras: dict[str, str], *, rtsp: bool = True) -> None:
        self.cameras = dict(cameras)
        self._want_rtsp = rtsp
        self._urls: dict[str, str] = {}
        self.http: HttpStreamServer | None = None
        self.rtsp: RtspStreamServer | None = None
        self.note = ""  # why RTSP is not used, when it is not
        self._lock = threading.Lock()
        self._stopped = False

    def prepare(self) -> None:
        """Start the servers (seconds on a first run, making clips: call off the GUI).

        Up to `MAX_RTSP` cameras (every other one) go over RTSP: their clips are made now,
        since the RTSP server needs them at start. All the others play over HTTP, whose
        clips are made on a camera's first request, so a demo city with many cameras
        makes only the clips someone looks at.
        """
        ids = sorted(self.cameras)
        names = {cid: _mount_name(cid) for cid in ids}
        over_rtsp = ids[0::2][:MAX_RTSP] if self._want_rtsp else []
        if over_rtsp:
            self.note = rtsp_server_available()
            if self.note:
                over_rtsp = []
        with self._lock:
            if self._stopped:
                return
            self.http = HttpStreamServer({names[c]: self._maker(c) for c in ids}).start()
            urls = {cid: self.http.url(names[cid]) for cid in ids}
            self._urls = dict(urls)  # HTTP plays at once; RTSP follows
        if over_rtsp:
            with ThreadPoolExecutor(max_workers=2) as pool:  # the machine may have two cores
                clips = dict(zip(over_rtsp, pool.map(lambda c: self._maker(c)(), over_rtsp),
                                 strict=True))
            try:
                rtsp = RtspStreamServer({names[c]: clips[c] for c in over_rtsp}).start()
            except UserError as exc:
                self.note = str(exc)
                log.warning("demo streams over HTTP only: %s", exc)
            else:
                with self._lock:
                    if self._stopped:
                        rtsp.stop()
                        return
                    self.rtsp = rtsp
                    urls.update({cid: rtsp.url(names[cid]) for cid in over_rtsp})
        with self._lock:
            self._urls = urls

    def _maker(self, camera_id: str) -> Callable[[], Path]:
        return lambda: ensure_clip(ClipSpec(self.cameras[camera_id]))

    def resolve(self, url: str) -> str:
        """The local address of demo address `url` ("" while not ready or unknown)."""
        with self._lock:
            return self._urls.get(demo_camera_id(url), "")

    def clip_for(self, camera_id: str) -> Path:
        """The clip of one camera (for the benchmark and tests)."""
        return ensure_clip(ClipSpec(self.cameras[camera_id]))

    def stop(self) -> None:
        """Stop both servers and every feeder."""
        with self._lock:
            self._stopped = True
            http, rtsp, self.http, self.rtsp = self.http, self.rtsp, None, None
            self._urls = {}
        if rtsp is not None:
            rtsp.stop()
        if http is not None:
            http.stop()
