"""Builders for hub tests: a seeded database, tokens, a hub on a free port, waiting helpers."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from core.auth import SYSTEM
from core.commands import CreateOperator, RegisterUnits
from core.domain.kinds import Role
from core.hub.server import HubServer
from core.hub.tokens import create_token
from core.service import CommandService
from core.store.database import Database, open_database
from tests.core.helpers import UNITS

T = TypeVar("T")


@dataclass
class Seeded:
    """A migrated database with the five test units, an operator and their tokens."""

    url: str
    db: Database
    tokens: dict[str, str] = field(default_factory=dict)  # unit id or "alice" -> token

    def close(self) -> None:
        self.db.dispose()


def seed(url: str) -> Seeded:
    """Migrate `url`, register the test units and operator alice, make their tokens."""
    db = open_database(url)
    service = CommandService(db)
    service.execute(RegisterUnits(UNITS))
    service.execute(CreateOperator("alice", "Alice", Role.DISPATCHER, "correct-horse"), SYSTEM)
    seeded = Seeded(url, db)
    for unit in UNITS:
        seeded.tokens[unit["id"]] = create_token(db, "unit", unit["id"])[1]
    seeded.tokens["alice"] = create_token(db, "operator", "alice")[1]
    return seeded


async def start_hub(url: str, port: int = 0, **kwargs: Any) -> tuple[HubServer, str]:
    """A hub on its own database handle and a free port; returns it and its ws:// base."""
    hub = HubServer(Database(url), **kwargs)
    port = await hub.start("127.0.0.1", port)
    return hub, f"ws://127.0.0.1:{port}"


async def run_in_thread(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run blocking work (a command) off the loop, as the console would."""
    return await asyncio.get_running_loop().run_in_executor(
        None, functools.partial(fn, *args, **kwargs))


async def take(queue: asyncio.Queue[T], n: int, timeout: float = 10.0) -> list[T]:
    """The next `n` items of `queue`, or TimeoutError."""
    out: list[T] = []
    async with asyncio.timeout(timeout):
        while len(out) < n:
            out.append(await queue.get())
    return out


def run(coro: Awaitable[T]) -> T:
    """Run one async test body with a hard limit."""
    async def bounded() -> T:
        async with asyncio.timeout(60):
            return await coro
    return asyncio.run(bounded())
