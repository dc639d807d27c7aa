"""What a video tile is doing, and when it tries again: the rules, without Qt.

A tile is `empty` (no camera), `connecting`, `live` (a frame within `STALL_AFTER_S`),
`stalled` (connected, no new frame), `offline` (the stream dropped or could not be
reached; it retries with backoff) or `error` (the address itself is wrong: retrying
cannot help). `paused` is a tile that is not visible: its stream is closed.
"""

from __future__ import annotations

from dataclasses import dataclass

EMPTY, CONNECTING, LIVE, STALLED, OFFLINE, ERROR, PAUSED = (
    "empty", "connecting", "live", "stalled", "offline", "error", "paused")
STATES = (EMPTY, CONNECTING, LIVE, STALLED, OFFLINE, ERROR, PAUSED)

STALL_AFTER_S = 1.5      # no new frame for this long: stalled
DROP_AFTER_S = 3.5       # ...and for this long: the stream is dropped and retried
CONNECT_TIMEOUT_S = 12.0  # no first frame within this: retried
BACKOFF_S = (1.0, 2.0, 4.0)  # then 4 s for ever: a restarted camera is back within ~5 s


def backoff(attempt: int) -> float:
    """Seconds to wait before retry number `attempt` (0-based)."""
    return BACKOFF_S[min(attempt, len(BACKOFF_S) - 1)]


def watch(state: str, since_frame_s: float | None, since_start_s: float) -> str:
    """What a tile with an open stream should become.

    `since_frame_s` is the time since this stream's last frame (None: none yet),
    `since_start_s` the time since it was opened. Returns LIVE, STALLED, OFFLINE (drop
    the stream and retry) or "" (no change: still waiting for a first frame).
    """
    if since_frame_s is None:
        return OFFLINE if since_start_s > CONNECT_TIMEOUT_S else ""
    if since_frame_s > DROP_AFTER_S:
        return OFFLINE
    if since_frame_s > STALL_AFTER_S:
        return STALLED
    return LIVE


@dataclass
class Retry:
    """The backoff counter of one tile: reset by a frame, advanced by each failure."""

    attempt: int = 0

    def next_delay(self) -> float:
        """The wait before the next try (and count this try)."""
        delay = backoff(self.attempt)
        self.attempt += 1
        return delay

    def reset(self) -> None:
        """A frame arrived: the next failure starts the backoff again from the shortest."""
        self.attempt = 0


def format_distance(metres: float) -> str:
    """320 m, 1.2 km: how far a camera is, for a tile's label."""
    if metres < 1000:
        return f"{round(metres / 10) * 10:.0f} m"
    return f"{metres / 1000:.1f} km"


def format_age(seconds: float | None) -> str:
    """The age of a tile's last frame: 0.4 s, 12 s, 3 min, or - for none yet."""
    if seconds is None:
        return "-"
    if seconds < 10:
        return f"{seconds:.1f} s"
    if seconds < 120:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.0f} min"
