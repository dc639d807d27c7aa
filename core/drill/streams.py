"""Independent random streams of a drill, so that runs under different policies pair up.

A drill draws every random thing it needs (the calls, each incident's time on scene,
each unit's breakdowns) from a stream of its own, seeded from the scenario's seed and
the thing's name. What one policy does then never shifts what another run sees: for a
seed, every policy gets the same calls, the same on-scene times and the same
breakdowns, and a difference between two runs is the policy's alone.
"""

from __future__ import annotations

import hashlib
import math
import random


def substream(seed: int, *labels: object) -> random.Random:
    """A random stream for (`seed`, `labels`), e.g. `substream(7, "incident", 12)`."""
    text = "\x1f".join([str(seed), *map(str, labels)]).encode("utf-8")
    return random.Random(int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "big"))


def lognormal_around(rng: random.Random, median_s: float, spread: float) -> float:
    """A duration with median `median_s` and log-standard-deviation `spread` (0: the
    median itself); clipped to [median / 4, median * 4] so a rare draw cannot stall a
    drill for a day."""
    if spread <= 0 or median_s <= 0:
        return median_s
    value = median_s * math.exp(rng.gauss(0.0, spread))
    return min(max(value, median_s / 4), median_s * 4)
