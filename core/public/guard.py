"""The public service's defences: who a client is, how often it may ask, what is refused.

A client is its TCP peer address. `X-Forwarded-For` is believed only when the peer is
one of the configured trusted proxies (otherwise anyone could name a fresh address on
each request and never be limited); then the right-most address the proxies did not
add is the client. Limits are token buckets per client and per kind of request; the
table of buckets is bounded, so a flood of addresses cannot exhaust memory. Every
refusal is counted by reason (`Refusals`) and logged without the code or the body.
"""

from __future__ import annotations

import ipaddress
import logging
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

log = logging.getLogger("beacon.public")

REFUSAL_REASONS = ("rate_limited", "too_large", "malformed", "bad_code", "unknown_code",
                   "not_found", "method_not_allowed", "slow_body", "invalid_report")
"""Why the public service refuses a request (the keys of `Refusals.counts`)."""


@dataclass(frozen=True, slots=True)
class Rate:
    """A token bucket: `burst` requests at once, refilled at `per_minute`."""

    burst: float
    per_minute: float


@dataclass(frozen=True, slots=True)
class PublicLimits:
    """What the public service allows. The defaults suit a city's residents on phones;
    tests shrink the timeouts."""

    # Status lookups of any code (the status page polls, so a page left open costs one
    # lookup per refresh).
    lookup: Rate = Rate(burst=30, per_minute=30)
    # Lookups of codes that do not exist: a guesser's budget. At 10 an hour, guessing
    # one of a million live codes among 2**50 takes about 10**8 years per address.
    miss: Rate = Rate(burst=10, per_minute=10 / 60)
    # Community reports filed.
    report: Rate = Rate(burst=5, per_minute=5 / 60)
    # Every request (pages, the style sheet): a floor against floods.
    any: Rate = Rate(burst=120, per_minute=240)
    client_max_size: int = 16 * 1024
    # A connection that has not sent a whole request head by then is closed (slow loris);
    # also the idle time after a response before the connection is closed.
    header_timeout: float = 10.0
    # A request body (a community report) must arrive within this.
    body_timeout: float = 10.0
    # The status page asks again this often.
    refresh_seconds: float = 15.0
    # The most clients remembered at once (the least recently seen are forgotten).
    max_clients: int = 50_000


class RateLimiter:
    """Token buckets per (client, kind), bounded to `max_clients` entries."""

    def __init__(self, limits: PublicLimits,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._limits = limits
        self._clock = clock
        self._buckets: OrderedDict[tuple[str, str], tuple[float, float]] = OrderedDict()

    def allow(self, client: str, kind: str, cost: float = 1.0) -> bool:
        """Take `cost` tokens of `kind` for `client` (counted by `rate_key`); False
        (nothing taken) when empty."""
        rate: Rate = getattr(self._limits, kind)
        now = self._clock()
        key = (rate_key(client), kind)
        tokens, then = self._buckets.pop(key, (rate.burst, now))
        tokens = min(rate.burst, tokens + (now - then) * rate.per_minute / 60.0)
        allowed = tokens >= cost
        if allowed:
            tokens -= cost
        self._buckets[key] = (tokens, now)
        while len(self._buckets) > self._limits.max_clients:
            self._buckets.popitem(last=False)
        return allowed

    def retry_after(self, client: str, kind: str) -> int:
        """Whole seconds until `client` may make one more request of `kind`."""
        rate: Rate = getattr(self._limits, kind)
        tokens, _ = self._buckets.get((rate_key(client), kind), (rate.burst, 0.0))
        missing = max(0.0, 1.0 - tokens)
        return max(1, int(missing * 60.0 / rate.per_minute + 0.999))


class Refusals:
    """Counts of refused requests by reason, logged as they happen."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter({reason: 0 for reason in REFUSAL_REASONS})

    def refuse(self, reason: str, client: str, detail: str = "") -> None:
        """Count one refusal (and log it: reason, client, a detail never holding a code
        or a body)."""
        self.counts[reason] += 1
        log.info("refused %s from %s%s", reason, client, f": {detail}" if detail else "")

    def total(self) -> int:
        """All refusals so far."""
        return sum(self.counts.values())

    def as_text(self) -> str:
        """The counts in the Prometheus text format (one counter, a label per reason)."""
        lines = ["# HELP beacon_public_refusals_total Requests the public service refused.",
                 "# TYPE beacon_public_refusals_total counter"]
        lines += [f'beacon_public_refusals_total{{reason="{r}"}} {n}'
                  for r, n in sorted(self.counts.items())]
        return "\n".join(lines) + "\n"


def parse_networks(values: Iterable[str]) -> tuple[ipaddress.IPv4Network
                                                   | ipaddress.IPv6Network, ...]:
    """Trusted proxies as networks ("10.0.0.5", "10.1.0.0/16"); `ValueError` naming a
    bad one."""
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError:
            raise ValueError(f"not an address or network: {value!r}") from None
    return tuple(networks)


def _in(address: str, networks: tuple) -> bool:  # noqa: ANN001 - networks of either family
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def rate_key(client: str) -> str:
    """What the limits count by: the address, or for IPv6 its /64 network (one home or
    phone gets a whole /64, so counting single addresses would give it 2**64 budgets)."""
    try:
        ip = ipaddress.ip_address(client)
    except ValueError:
        return client
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def client_address(peer: str | None, forwarded_for: str | None,
                   trusted_proxies: tuple = ()) -> str:  # noqa: ANN001
    """Who a request comes from: the TCP peer, unless the peer is a trusted proxy and
    says whom it forwards for (the right-most address no trusted proxy added)."""
    client = peer or "unknown"
    if not forwarded_for or not trusted_proxies or not _in(client, trusted_proxies):
        return client
    for hop in reversed([h.strip() for h in forwarded_for.split(",")]):
        if not hop:
            continue
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return client  # a malformed header from behind the proxy: keep the proxy
        if not _in(hop, trusted_proxies):
            return hop
        client = hop
    return client
