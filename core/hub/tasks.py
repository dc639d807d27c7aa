"""Background tasks of the hub: ending them cleanly."""

from __future__ import annotations

import asyncio
from typing import Any


async def cancel_tasks(tasks: list[asyncio.Task[Any]]) -> None:
    """Cancel every task, wait until each has ended, and empty the list.

    Used at shutdown, where an error a task ends with no longer matters.
    """
    for task in tasks:
        task.cancel()
    for task in tasks:
        try:
            await task
        except (asyncio.CancelledError, Exception):  # noqa: BLE001 - shutting down
            pass
    tasks.clear()
