"""A local RTSP server of looped clips: `rtsp://127.0.0.1:PORT/NAME`, over TCP and UDP.

ffmpeg cannot serve RTSP to players and VLC's RTSP output is UDP-only, so this drives
GStreamer's RTSP server (Debian's `gir1.2-gst-rtsp-server-1.0`) through the system
python3 (`gst_rtsp_server.py` beside this file). Each clip is fed to it, looped and
copied, by one `ffmpeg -re -stream_loop -1 -c copy` over UDP on 127.0.0.1 (children of
the server process); the server re-packs that as RTP without re-encoding.
"""

from __future__ import annotations

import os
import queue
import shutil
import socket
import subprocess
import threading
from pathlib import Path

from core.errors import UserError
from core.video.clips import ffmpeg_path
from core.video.processes import stop

SCRIPT = Path(__file__).with_name("gst_rtsp_server.py")
SYSTEM_PYTHON = os.environ.get("BEACON_SYSTEM_PYTHON", "/usr/bin/python3")


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    """A port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rtsp_server_available() -> str:
    """"" when GStreamer's RTSP server can run here, else why not (for a skip or a tile)."""
    if not Path(SYSTEM_PYTHON).exists():
        return f"{SYSTEM_PYTHON} is missing"
    if shutil.which("ffmpeg") is None:
        return "ffmpeg is not installed"
    probe = subprocess.run(
        [SYSTEM_PYTHON, "-c", "import gi; gi.require_version('GstRtspServer', '1.0'); "
         "from gi.repository import GstRtspServer"],
        capture_output=True, text=True, check=False, timeout=30)
    if probe.returncode != 0:
        return ("GStreamer's RTSP server is not installed (python3-gi, "
                "gir1.2-gst-rtsp-server-1.0): run scripts/bootstrap.sh")
    return ""


class RtspStreamServer:
    """Serves `clips` (name -> MPEG-TS H.264 file) looped over RTSP on 127.0.0.1.

    `open_connections` counts the RTSP clients connected now, as the server reports
    them; `start()` returns once the server listens (or raises `UserError`).
    """

    def __init__(self, clips: dict[str, Path], port: int = 0) -> None:
        self.clips = dict(clips)
        self.port = port or free_port()
        self._udp = {name: free_port(socket.SOCK_DGRAM) for name in self.clips}
        self._server: subprocess.Popen | None = None
        self._lines: queue.Queue[str] = queue.Queue()
        self._lock = threading.Lock()
        self._open = 0
        self.connected_total = 0

    def url(self, name: str) -> str:
        """The address of stream `name`."""
        return f"rtsp://127.0.0.1:{self.port}/{name}"

    @property
    def open_connections(self) -> int:
        """RTSP clients connected right now."""
        with self._lock:
            return self._open

    @property
    def running(self) -> bool:
        """True while the server process is alive."""
        return self._server is not None and self._server.poll() is None

    def start(self, timeout: float = 20.0) -> RtspStreamServer:
        """Start the feeders and the server; return once it listens."""
        cmd = [SYSTEM_PYTHON, str(SCRIPT), "--port", str(self.port), "--ffmpeg", ffmpeg_path()]
        for name, udp in self._udp.items():
            cmd += ["--mount", f"{name}={udp}={self.clips[name]}"]
        # The server's stdin is ours: it quits when we go, even if we are killed. (Not
        # PDEATHSIG: that fires when the *thread* that started it ends, and `start` may
        # run on a short-lived worker thread.)
        env = {**os.environ, "GST_DEBUG": "0"}
        self._server = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True, env=env)
        threading.Thread(target=self._read_lines, name="beacon-rtsp-server-out",
                         daemon=True).start()
        said: list[str] = []
        while True:
            try:
                line = self._lines.get(timeout=timeout)
            except queue.Empty:
                self.stop()
                raise UserError("the local RTSP server did not start within "
                                f"{timeout:.0f} s") from None
            if line.startswith("ready"):
                break
            if line == "" and self._server.poll() is not None:
                self.stop()
                why = " / ".join(said[-2:]) or "it exited"
                raise UserError(f"the local RTSP server did not start: {why}")
            said.append(line)
        return self

    def _read_lines(self) -> None:
        proc = self._server
        assert proc is not None and proc.stdout is not None
        for raw in proc.stdout:
            line = raw.strip()
            if line.startswith("client-"):
                with self._lock:
                    if line.startswith("client-connected"):
                        self.connected_total += 1
                    self._open = int(line.split()[-1])
            elif line:
                self._lines.put(line)
        proc.wait()
        self._lines.put("")
        with self._lock:
            self._open = 0

    def stop(self) -> None:
        """Stop the server and its feeders; clients see their connection close."""
        if self._server is not None:
            if self._server.stdin is not None:
                try:
                    self._server.stdin.close()
                except OSError:
                    pass
            stop(self._server, timeout=5)
            self._server = None
