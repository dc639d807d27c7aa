"""Why a stream did not play: a short look at the address, for the tile's message.

libvlc only says "error" when a stream fails. When it does, the tile asks `explain` (on
a worker thread: it opens a connection) for a reason an operator can act on: connection
refused, no answer, the server's HTTP status, a page that is not video.
"""

from __future__ import annotations

import http.client
import socket
from pathlib import Path
from urllib.parse import unquote, urlsplit

TIMEOUT_S = 3.0
VIDEO_TYPES = ("video/", "application/octet-stream", "application/vnd.apple.mpegurl",
               "application/x-mpegurl", "audio/mpegurl", "multipart/x-mixed-replace")


def _socket_reason(exc: OSError, host: str, port: int) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return f"connection refused by {host}:{port}"
    if isinstance(exc, socket.timeout | TimeoutError):
        return f"no answer from {host}:{port} (timed out)"
    if isinstance(exc, socket.gaierror):
        return f"unknown host {host}"
    return f"cannot reach {host}:{port} ({exc.strerror or exc})"


def explain(url: str, timeout: float = TIMEOUT_S) -> str:
    """A reason `url` does not play, or "" if it looks like a reachable video stream."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "file":
        path = Path(unquote(parts.path))
        if not path.exists():
            return f"no such file: {path.name}"
        return ""
    if scheme not in {"http", "https"}:
        return ""
    host = parts.hostname or ""
    port = parts.port or (443 if scheme == "https" else 80)
    cls = http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
    conn = cls(host, port, timeout=timeout)
    try:
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        conn.request("GET", path, headers={"User-Agent": "Beacon video probe"})
        response = conn.getresponse()
        if response.status >= 400:
            return f"the server answered {response.status} {response.reason}"
        kind = (response.getheader("Content-Type") or "").lower()
        if kind and not kind.startswith(VIDEO_TYPES):
            return f"not a video stream (the server sent {kind.split(';')[0]})"
        return ""
    except OSError as exc:
        return _socket_reason(exc, host, port)
    except http.client.HTTPException as exc:
        return f"not a video stream ({type(exc).__name__})"
    finally:
        conn.close()
