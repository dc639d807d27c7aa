"""Hubs as real subprocesses (`python -m core hub`), for multi-hub and CLI tests."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class HubProcess:
    """A `beacon hub` subprocess on a free port; `url` is its ws:// base once started."""

    def __init__(self, db_url: str, log_path: Path, *extra: str) -> None:
        self.args = [sys.executable, "-m", "core", "hub", "--port", "0", "--db", db_url, *extra]
        self.log_path = log_path
        self.proc: asyncio.subprocess.Process | None = None
        self.url = ""

    async def start(self, timeout: float = 30.0) -> str:
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = await asyncio.create_subprocess_exec(
            *self.args, cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=self._log)
        assert self.proc.stdout is not None
        line = (await asyncio.wait_for(self.proc.stdout.readline(), timeout)).decode()
        match = re.search(r"listening on (wss?://[^ ]+)", line)
        if match is None:
            await self.stop()
            raise AssertionError(f"hub did not start: {line!r}; log: "
                                 f"{self.log_path.read_text()[-2000:]}")
        self.url = match.group(1)
        return self.url

    async def stop(self) -> int | None:
        if self.proc is None:
            return None
        if self.proc.returncode is None:
            self.proc.terminate()
            try:
                await asyncio.wait_for(self.proc.wait(), 15)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()
        self._log.close()
        return self.proc.returncode


class FieldProcess:
    """A `beacon field` subprocess whose output (stdout and stderr) is read line by line."""

    def __init__(self, *args: str, token: str | None = None) -> None:
        self.args = [sys.executable, "-m", "core", "field", *args]
        self.token = token
        self.proc: asyncio.subprocess.Process | None = None
        self.lines: list[str] = []

    async def start(self) -> None:
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        env.pop("BEACON_FIELD_TOKEN", None)
        if self.token is not None:
            env["BEACON_FIELD_TOKEN"] = self.token
        self.proc = await asyncio.create_subprocess_exec(
            *self.args, cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT)

    async def wait_for_line(self, pattern: str, timeout: float = 20.0) -> re.Match[str]:
        """The first line from now on that matches `pattern` (a regex); AssertionError
        with the output so far when none comes within `timeout` or the process ends."""
        assert self.proc is not None and self.proc.stdout is not None
        regex = re.compile(pattern)
        try:
            async with asyncio.timeout(timeout):
                while True:
                    raw = await self.proc.stdout.readline()
                    if not raw:
                        break
                    line = raw.decode(errors="replace").rstrip("\n")
                    self.lines.append(line)
                    match = regex.search(line)
                    if match:
                        return match
        except TimeoutError:
            pass
        raise AssertionError(f"no line matching {pattern!r}; output:\n" + self.output)

    async def wait(self, timeout: float = 20.0) -> int:
        """Read the rest of the output and the exit code."""
        assert self.proc is not None and self.proc.stdout is not None
        async with asyncio.timeout(timeout):
            rest = await self.proc.stdout.read()
            self.lines.extend(rest.decode(errors="replace").splitlines())
            return await self.proc.wait()

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    async def stop(self) -> int | None:
        if self.proc is None:
            return None
        if self.proc.returncode is None:
            self.proc.terminate()
            try:
                return await self.wait(15)
            except TimeoutError:
                self.proc.kill()
        return await self.proc.wait()
