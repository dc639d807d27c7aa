"""The in-process event bus: core state changes announce themselves here.

Subscribing returns the unsubscribe function; owners call it when they close. A handler
that raises is logged and skipped so one faulty subscriber cannot silence the others.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

E = TypeVar("E")
Handler = Callable[[E], None]


class EventBus(Generic[E]):
    """Publish events to subscribers, optionally filtered by event type name."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subs: list[tuple[Handler[E], frozenset[str] | None]] = []

    def subscribe(
        self, handler: Handler[E], types: Iterable[str] | None = None
    ) -> Callable[[], None]:
        """Call `handler(event)` for each published event (of `types`, if given).

        Returns a function that removes the subscription; calling it twice is harmless.
        """
        entry = (handler, frozenset(types) if types is not None else None)
        with self._lock:
            self._subs.append(entry)

        def unsubscribe() -> None:
            with self._lock:
                if entry in self._subs:
                    self._subs.remove(entry)

        return unsubscribe

    def publish(self, event: E) -> None:
        """Deliver `event` to every matching subscriber, in subscription order."""
        with self._lock:
            subs = list(self._subs)
        event_type = getattr(event, "type", None)
        for handler, types in subs:
            if types is not None and event_type not in types:
                continue
            try:
                handler(event)
            except Exception:
                log.exception("event handler %r failed on %s", handler, event_type)

    @property
    def subscriber_count(self) -> int:
        """How many subscriptions are live (leak checks in tests use it)."""
        with self._lock:
            return len(self._subs)
