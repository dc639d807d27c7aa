"""Travel times from units to incidents, cached until the roads change.

Used by `core.dispatch.allocate`; one cache per `RoadNetwork` (`eta_cache(network)`).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable

import numpy as np

from core.roads.network import RoadNetwork


class EtaCache:
    """Travel times from units to incident nodes, reused until the roads change.

    Two levels: per incident node, the settled part of its bounded search (compact,
    independent of where units are); and per incident node, the ETA row of the current
    roster (dense, reused while no unit moves). Any closure (`network.version`) drops
    both.
    """

    def __init__(self, network: RoadNetwork, max_bytes: int = 256 * 2**20) -> None:
        self.network = network
        self.max_bytes = max_bytes  # budget for each of the two levels
        self._version = -1
        self._check()

    def _check(self) -> None:
        if self._version != self.network.version:
            self._version = self.network.version
            self._settled: dict[int, tuple[float, np.ndarray, np.ndarray]] = {}
            self._settled_bytes = 0
            # target -> (limit, ETA row, memos of the `enough` tests it passed)
            self._rows: dict[int, tuple[float, np.ndarray, set[Hashable]]] = {}
            self._rows_key: bytes = b""
            self._scratch = np.full(self.network.node_count, np.inf)
            # (incident node, capability) -> candidates that proved necessary last time.
            self.extra_hint: dict[tuple[int, str], int] = {}

    def row(
        self,
        target: int,
        unit_nodes: np.ndarray,
        key: bytes,
        enough: Callable[[np.ndarray, float], bool],
        share: float,
        memo: Hashable = None,
    ) -> tuple[np.ndarray, float]:
        """ETAs of the units at `unit_nodes` to `target`, exact up to the returned limit.

        Searches (or extends the cached search) until `enough(row, limit)` holds.
        `key` identifies the roster's node layout (a digest of `unit_nodes`); `share`
        is the share of the city the caller expects to search (picks the first limit).
        `memo`, if given, stands for `enough` (same value = same test): a row that passed
        it once is returned without running the test again.
        """
        self._check()
        if key != self._rows_key:
            self._rows_key, self._rows = key, {}
        hit = self._rows.get(target)
        if hit is not None:
            lim, row, passed = hit
            if memo is not None and memo in passed:
                return row, lim
            if enough(row, lim):
                if memo is not None:
                    passed.add(memo)
                return row, lim
        cached = self._settled.get(target)
        first: float | None = None
        if cached is not None:
            lim, idx, d = cached
            self._scratch[idx] = d
            row = self._scratch[unit_nodes]
            self._scratch[idx] = np.inf
            if enough(row, lim):
                self._keep_row(target, lim, row)
                return row, lim
            first = 2.0 * lim  # not enough: search again, further

        def done(dist: np.ndarray, limit: float) -> bool:
            return enough(dist[unit_nodes], limit)

        dist, lim = self.network.search_to(
            target, done, first_limit_s=first, expected_share=share
        )
        idx = np.flatnonzero(np.isfinite(dist)).astype(np.int32)
        old = self._settled.pop(target, None)
        if old is not None:
            self._settled_bytes -= old[1].nbytes + old[2].nbytes
        entry = (lim, idx, dist[idx])
        self._settled[target] = entry
        self._settled_bytes += idx.nbytes + entry[2].nbytes
        while self._settled_bytes > self.max_bytes and len(self._settled) > 1:
            _, i, d = self._settled.pop(next(iter(self._settled)))  # oldest first
            self._settled_bytes -= i.nbytes + d.nbytes
        row = dist[unit_nodes]
        self._keep_row(target, lim, row)
        return row, lim

    def _keep_row(self, target: int, lim: float, row: np.ndarray) -> None:
        self._rows.pop(target, None)
        self._rows[target] = (lim, row, set())
        while len(self._rows) > 1 and len(self._rows) * row.nbytes > self.max_bytes:
            self._rows.pop(next(iter(self._rows)))


_caches: weakref.WeakKeyDictionary[RoadNetwork, EtaCache] = weakref.WeakKeyDictionary()


def eta_cache(network: RoadNetwork) -> EtaCache:
    """The shared travel-time cache of `network` (one per network)."""
    cache = _caches.get(network)
    if cache is None:
        cache = _caches[network] = EtaCache(network)
    return cache
