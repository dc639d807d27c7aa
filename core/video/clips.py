"""Short test clips for the demo cameras, made once with ffmpeg and kept in a cache.

Two cores cannot encode sixteen live streams, so each demo camera gets a short clip
(640x360, 25 fps, H.264 in MPEG-TS, the camera's name burned in) encoded once; the
stream servers then loop it without re-encoding. A clip's file name carries a hash of
everything that shapes it, so a changed name or length makes a new clip and an old one
is never served by mistake.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from core.errors import UserError

WIDTH, HEIGHT, FPS = 640, 360, 25
DEFAULT_SECONDS = 6
CLIP_VERSION = 2  # bump when the recipe below changes
FONTS = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",  # Chinese names too
         "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@dataclass(frozen=True)
class ClipSpec:
    """What one clip shows: the burned-in title and how long it runs before it loops."""

    title: str
    seconds: int = DEFAULT_SECONDS
    pattern: str = "testsrc2"  # an ffmpeg source with moving content

    def key(self) -> str:
        """A short hash of the recipe: the clip's cache name."""
        text = f"{CLIP_VERSION}|{self.title}|{self.seconds}|{self.pattern}|{WIDTH}x{HEIGHT}@{FPS}"
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def cache_dir() -> Path:
    """Where clips are kept (BEACON_VIDEO_CACHE overrides, for tests and CI)."""
    override = os.environ.get("BEACON_VIDEO_CACHE")
    if override:
        return Path(override)
    return Path(platformdirs.user_cache_dir("beacon", appauthor=False)) / "video-clips"


def ffmpeg_path() -> str:
    """The ffmpeg program, or a UserError saying how to get it."""
    path = shutil.which("ffmpeg")
    if path is None:
        raise UserError("ffmpeg is not installed: run scripts/bootstrap.sh "
                        "(or apt-get install ffmpeg)")
    return path


def _font() -> str | None:
    return next((f for f in FONTS if Path(f).exists()), None)


def _escape_drawtext(text: str) -> str:
    # drawtext's own escaping, then the filter graph's: \ ' : , ; [ ] % are special.
    out = text.replace("\\", "\\\\\\\\").replace("'", "\u2019").replace("%", "\\\\%")
    for ch in ":,;[]":
        out = out.replace(ch, "\\" + ch)
    return out


def ensure_clip(spec: ClipSpec, directory: Path | None = None) -> Path:
    """The clip for `spec`, encoding it first if the cache has none (about a second).

    Safe to call from several threads or processes: the clip is written to a temporary
    file and renamed into place, so a reader never sees half a clip.
    """
    directory = directory or cache_dir()
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"clip-{spec.key()}.ts"
    if target.exists() and target.stat().st_size > 0:
        return target
    font = _font()
    title = _escape_drawtext(spec.title)
    font_arg = f"fontfile={font}:" if font else ""
    # In the middle: a tile draws its own labels along the top and bottom edges.
    draw = (f"drawtext={font_arg}text='{title}':x=(w-tw)/2:y=h/2-th-12:fontsize=30:"
            f"fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=8,"
            f"drawtext={font_arg}text='%{{pts\\:hms}}':x=(w-tw)/2:y=h/2+12:fontsize=22:"
            f"fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=6")
    fd, tmp_name = tempfile.mkstemp(suffix=".ts", dir=directory)
    os.close(fd)
    cmd = [ffmpeg_path(), "-hide_banner", "-loglevel", "error", "-y",
           "-f", "lavfi", "-i", f"{spec.pattern}=size={WIDTH}x{HEIGHT}:rate={FPS}",
           "-t", str(spec.seconds), "-vf", draw,
           # one key frame a second with its SPS/PPS, no B-frames: a player that joins a
           # looped stream mid-way starts within a second
           "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency",
           "-pix_fmt", "yuv420p", "-g", str(FPS), "-bf", "0",
           "-x264-params", "repeat-headers=1", "-b:v", "600k",
           "-f", "mpegts", tmp_name]
    try:
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
        if result.returncode != 0:
            raise UserError(f"ffmpeg could not make the clip for {spec.title!r}: "
                            f"{result.stderr.strip()[-300:]}")
        os.replace(tmp_name, target)
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
    return target
