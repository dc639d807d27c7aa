"""The secrets store: camera URLs with their credentials, kept apart from the log.

A JSON file that only the service user can read (mode 0600, written atomically), keyed
by camera id: `{"cameras": {"CAM-001": "rtsp://admin:pw@10.0.0.7/stream1"}}`. Its path
is a setting (`[cameras] secrets` in the settings file, or `BEACON_CAMERA_SECRETS`);
by default it lies beside a SQLite database (`beacon.db` -> `beacon.camera-secrets.json`),
or in the user's config folder for a server database.
"""

from __future__ import annotations

import fcntl
import json
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import platformdirs

from core.errors import UserError

FILE_MODE = 0o600
MAX_BYTES = 4 * 1024 * 1024


def default_secrets_path(db: object) -> Path:
    """Where the secrets store lies: the setting, else beside a SQLite database file,
    else in the user's config folder."""
    from core.settings import load_settings

    configured = load_settings().camera_secrets
    if configured:
        return Path(configured).expanduser()
    folder = sqlite_folder(db)
    if folder is not None:
        return folder[0] / f"{folder[1]}.camera-secrets.json"
    return Path(platformdirs.user_config_dir("beacon", appauthor=False)) / "camera-secrets.json"


def sqlite_folder(db: object) -> tuple[Path, str] | None:
    """(folder, file stem) of a SQLite database file, or None for any other database."""
    url = getattr(db, "url", None)
    if url is None or url.get_backend_name() != "sqlite" or url.database in (None, "",
                                                                            ":memory:"):
        return None
    path = Path(url.database).expanduser().resolve()
    return path.parent, path.stem


class SecretStore:
    """Read and write the store at `path` (made on first write, mode 0600)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> dict[str, str]:
        """Every camera's full URL by id (empty when the file does not exist)."""
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return {}
        if st.st_size > MAX_BYTES:
            raise UserError(f"camera secrets store {self.path} is larger than "
                            f"{MAX_BYTES // (1024 * 1024)} MB")
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise UserError(f"camera secrets store {self.path} cannot be read: "
                            f"{type(exc).__name__}") from None
        cameras = data.get("cameras") if isinstance(data, dict) else None
        if not isinstance(cameras, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in cameras.items()):
            raise UserError(f"camera secrets store {self.path} is not a Beacon secrets file")
        return dict(cameras)

    def get(self, camera_id: str) -> str | None:
        """The full URL of one camera, or None."""
        return self.read().get(camera_id)

    def update(self, changes: dict[str, str | None]) -> dict[str, str]:
        """Set (or, with None, remove) URLs by camera id; returns the store as it was.

        Written to a temporary file of mode 0600 in the same folder, then renamed over
        the old one, so a reader never sees half a file and no other user can ever read
        it. Two writers (two `camera add` at once) take turns on a lock file beside it,
        so neither loses the other's camera."""
        with self._locked():
            before = self.read()
            after = dict(before)
            for camera_id, url in changes.items():
                if url is None:
                    after.pop(camera_id, None)
                else:
                    after[camera_id] = url
            self._write(after)
        return before

    def replace_all(self, cameras: dict[str, str]) -> None:
        """Write exactly `cameras` (to put back what `update` returned)."""
        with self._locked():
            self._write(cameras)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path.with_name(self.path.name + ".lock"),
                     os.O_RDWR | os.O_CREAT, FILE_MODE)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def _write(self, cameras: dict[str, str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".camera-secrets-", dir=self.path.parent)
        try:
            os.fchmod(fd, FILE_MODE)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump({"cameras": dict(sorted(cameras.items()))}, out, indent=1)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def mode_problem(self) -> str | None:
        """Why the file is readable by others (None when it is not, or is missing)."""
        try:
            mode = stat.S_IMODE(self.path.stat().st_mode)
        except FileNotFoundError:
            return None
        if mode & 0o077:
            return (f"camera secrets store {self.path} is readable by others "
                    f"(mode {mode:o}): chmod 600 it")
        return None
