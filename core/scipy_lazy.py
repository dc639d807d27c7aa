"""The few scipy functions core uses, imported on their first call.

Importing scipy's sparse graphs, spatial trees and optimiser costs ~0.5 s of CPU. The
console imports the road network, the drill's policies and the dispatch optimiser while
it starts (a scenario is checked, panels are built) but needs none of their scipy work
before its window is on screen; importing these names from here instead of from scipy
moves that half second to the first search, match or tree that needs it.
"""

from __future__ import annotations

from typing import Any


def dijkstra(*args: Any, **kwargs: Any) -> Any:
    """`scipy.sparse.csgraph.dijkstra`."""
    from scipy.sparse.csgraph import dijkstra as real

    return real(*args, **kwargs)


def min_weight_full_bipartite_matching(*args: Any, **kwargs: Any) -> Any:
    """`scipy.sparse.csgraph.min_weight_full_bipartite_matching`."""
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching as real

    return real(*args, **kwargs)


def csr_array(*args: Any, **kwargs: Any) -> Any:
    """`scipy.sparse.csr_array` (a new sparse array)."""
    from scipy.sparse import csr_array as real

    return real(*args, **kwargs)


def cKDTree(*args: Any, **kwargs: Any) -> Any:  # noqa: N802 - scipy's name
    """`scipy.spatial.cKDTree` (a new tree)."""
    from scipy.spatial import cKDTree as real

    return real(*args, **kwargs)


def linear_sum_assignment(*args: Any, **kwargs: Any) -> Any:
    """`scipy.optimize.linear_sum_assignment`."""
    from scipy.optimize import linear_sum_assignment as real

    return real(*args, **kwargs)
