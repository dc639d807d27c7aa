"""A local HTTP server of looped MPEG-TS clips: `http://127.0.0.1:PORT/NAME.ts`.

Each viewer gets its own `ffmpeg -re -stream_loop -1 -c copy` feeder, started when it
connects and ended when it leaves, so a clip plays from its start at real-time pace and
nothing runs when nobody watches. `open_connections` counts the viewers now connected:
tests use it to see a hidden tile really close its connection.
"""

from __future__ import annotations

import socket
import subprocess
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from core.video.processes import loop_command, spawn, stop

CHUNK = 64 * 1024


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.0"  # the body runs until the connection closes

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Quiet: a viewer connecting is not worth a line on the console."""

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        name = self.path.lstrip("/").split("?", 1)[0]
        clip = self.server.clips.get(name.removesuffix(".ts"))
        if clip is None:
            self.send_error(404, f"no stream named {name!r}")
            return
        if callable(clip):  # made on first request (a demo camera's clip)
            try:
                clip = clip()
            except Exception as exc:  # noqa: BLE001 - the viewer is told, the server goes on
                self.send_error(503, f"the stream could not be prepared: {exc}")
                return
        self.send_response(200)
        self.send_header("Content-Type", "video/mp2t")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        feeder = spawn(loop_command(clip, ["pipe:1"]), stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL)
        self.server.opened(self, feeder)
        try:
            assert feeder.stdout is not None
            while not self.server.stopping.is_set():
                data = feeder.stdout.read1(CHUNK)
                if not data:
                    break
                self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass  # the viewer left: the usual end of a stream
        finally:
            stop(feeder)
            self.server.closed(self)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int, clips: dict[str, Path | Callable[[], Path]]) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.clips = dict(clips)
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._active: dict[_Handler, subprocess.Popen] = {}
        self.connected_total = 0

    def opened(self, handler: _Handler, feeder: subprocess.Popen) -> None:
        with self._lock:
            self._active[handler] = feeder
            self.connected_total += 1

    def closed(self, handler: _Handler) -> None:
        with self._lock:
            self._active.pop(handler, None)

    @property
    def open_connections(self) -> int:
        with self._lock:
            return len(self._active)

    def drop_all(self) -> None:
        """End every feeder and cut every viewer's connection (the server is stopping)."""
        with self._lock:
            active = list(self._active.items())
        for handler, feeder in active:
            stop(feeder)
            try:
                handler.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class HttpStreamServer:
    """Serves `clips` (name -> MPEG-TS file, or a function that makes it on first request)
    looped over HTTP on 127.0.0.1.

    `port=0` picks a free port (see `.port`). `start()` returns once it listens;
    `stop()` closes every connection and ends every feeder.
    """

    def __init__(self, clips: dict[str, Path | Callable[[], Path]], port: int = 0) -> None:
        self._server = _Server(port, clips)
        self.port: int = self._server.server_address[1]
        self._thread: threading.Thread | None = None

    def url(self, name: str) -> str:
        """The address of stream `name`."""
        return f"http://127.0.0.1:{self.port}/{name}.ts"

    @property
    def open_connections(self) -> int:
        """Viewers connected right now."""
        return self._server.open_connections

    @property
    def connected_total(self) -> int:
        """Viewers that have connected since the server started."""
        return self._server.connected_total

    def start(self) -> HttpStreamServer:
        """Serve in a background thread."""
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        name="beacon-http-streams", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; viewers see their connection close."""
        self._server.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._server.drop_all()
        if self._thread is not None:
            self._thread.join(5)
