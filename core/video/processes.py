"""Child processes of the stream servers: they die with Beacon, and stop cleanly."""

from __future__ import annotations

import ctypes
import signal
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from core.video.clips import ffmpeg_path

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    # Linux only: if Beacon is killed, its feeders do not linger on as orphans.
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def spawn(cmd: Sequence[str], **kwargs: object) -> subprocess.Popen:
    """Start `cmd` as a child that the kernel ends if Beacon dies first."""
    return subprocess.Popen(list(cmd), preexec_fn=_die_with_parent, **kwargs)  # noqa: PLW1509


def stop(proc: subprocess.Popen | None, timeout: float = 2.0) -> None:
    """Terminate `proc` and reap it (kill it if it does not go within `timeout`)."""
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout)


def loop_command(clip: Path, output: Sequence[str]) -> list[str]:
    """ffmpeg reading `clip` at its own pace, looped for ever, copied (no re-encoding).

    `-stream_loop` with `-c copy` carries the time stamps on across each loop, so a
    player sees one continuous stream rather than a jump back to zero every few seconds.
    """
    return [ffmpeg_path(), "-hide_banner", "-loglevel", "error", "-nostdin",
            "-re", "-stream_loop", "-1", "-i", str(clip), "-c", "copy",
            "-f", "mpegts", *output]
