"""A thread that does the plugin host's bookkeeping writes, so the host loop never waits
on the disk.

Readings, status rows and plugin stores are written here, in order; a write that fails
is logged and dropped (the next status row replaces it; readings are lost only when the
database is away, and their count says so in the log). Commands are not written here:
the host runs them itself, because the plugin waits for their answer.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

MAX_PENDING = 10_000  # jobs; beyond it the host drops status writes rather than block


class BackgroundWriter:
    """One daemon thread running submitted write jobs in order."""

    def __init__(self, name: str = "plugin-host-writer") -> None:
        self._jobs: queue.Queue[tuple[Callable[..., Any], tuple[Any, ...]] | None] = \
            queue.Queue(MAX_PENDING)
        self._thread = threading.Thread(target=self._work, name=name, daemon=True)
        self._thread.start()
        self.failures = 0

    def submit(self, job: Callable[..., Any], *args: Any) -> bool:
        """Queue `job(*args)`; False (and dropped) when the queue is full."""
        try:
            self._jobs.put_nowait((job, args))
            return True
        except queue.Full:
            log.warning("plugin host writer is %d jobs behind: dropped one", MAX_PENDING)
            return False

    def drain(self) -> None:
        """Wait until every queued job has run."""
        self._jobs.join()

    def close(self) -> None:
        """Run what is queued, then stop the thread."""
        self._jobs.put(None)
        self._thread.join()

    def _work(self) -> None:
        while True:
            item = self._jobs.get()
            try:
                if item is None:
                    return
                job, args = item
                try:
                    job(*args)
                except Exception as exc:  # noqa: BLE001 - logged; the host carries on
                    self.failures += 1
                    log.warning("plugin host write failed: %s", exc)
            finally:
                self._jobs.task_done()
