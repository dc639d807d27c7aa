"""Work off the GUI thread without Python `QRunnable` subclasses.

PySide destroys a `QRunnable` that the pool deletes on the pool's own thread, and a
Python wrapper caught by the garbage collector meanwhile can take the process down (we
saw segmentation faults in the collector while panels were busy). `WorkerPool` keeps
the small part of `QThreadPool`'s interface the panels use, but runs each job's `run()`
on plain Python threads: the job is an ordinary object, and its result still reaches
the GUI thread through the job's own Qt signal (a queued connection).
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any, Protocol

log = logging.getLogger(__name__)


class Job(Protocol):
    """Anything with a `run()` that reports its result itself (by emitting a signal)."""

    def run(self) -> None: ...


class WorkerPool:
    """`start(job)` runs `job.run()` on a worker thread; `waitForDone` waits for them.

    One worker by default (`setMaxThreadCount` before the first job changes it), so a
    panel's reads run one at a time, in order.
    """

    def __init__(self, parent: Any = None, max_threads: int = 1) -> None:
        self._max = max_threads
        self._executor: ThreadPoolExecutor | None = None
        self._futures: set[Future[None]] = set()
        self._lock = threading.Lock()

    def setMaxThreadCount(self, count: int) -> None:  # noqa: N802 - QThreadPool's name
        """How many jobs may run at once (before the first job starts)."""
        self._max = max(1, int(count))

    def start(self, job: Job) -> None:
        """Run `job.run()` on a worker thread."""
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=self._max,
                                                    thread_name_prefix="beacon-worker")
            future = self._executor.submit(_run, job)
            self._futures.add(future)
        future.add_done_callback(self._forget)

    def _forget(self, future: Future[None]) -> None:
        with self._lock:
            self._futures.discard(future)

    def waitForDone(self, msecs: int = -1) -> bool:  # noqa: N802 - QThreadPool's name
        """Wait for the jobs started so far (at most `msecs` ms; -1: as long as it takes);
        True when none is left running."""
        with self._lock:
            pending = set(self._futures)
        done, not_done = wait(pending, timeout=None if msecs < 0 else msecs / 1000)
        return not not_done


def _run(job: Job) -> None:
    try:
        job.run()
    except RuntimeError:  # its panel was closed and its signal object deleted meanwhile
        log.debug("a background job finished after its panel closed")
    except Exception:  # noqa: BLE001 - a job reports its own errors; this is a bug
        log.exception("a background job failed")
