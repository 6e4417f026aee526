"""A set of grids written as the fewest division codes that cover exactly those grids.

A statement tests each row's grid against the caller's scope. A city-wide scope is ~2,000 grid
codes: FalkorDB compares a value with an `IN` list element by element, and on the city's grid page
the scope test took 9.9 ms of the statement's 10 (3.2 ms with one prefix, as on `demo`; measured).
Scopes are granted per division, so the grids they allow are whole divisions: written as prefixes
they are one or a handful of codes, whatever the size of the graph.

A division code is a prefix of every code below it (`graph_model.division_codes`), and a prefix is used
only when every grid of the catalog under it is allowed; so a row passes the prefix test exactly
when its grid is in the set, for every grid the catalog holds.
"""

from bisect import bisect_left
from collections.abc import Sequence

from graph_model.division_codes import DIVISION_CODE_LENGTHS


def covering_prefixes(allowed: frozenset[str], catalog: Sequence[str]) -> list[str]:
    """The shortest division codes (or whole grid codes) under which `catalog`'s grids are all in `allowed`,
    together covering `allowed`; `catalog` is sorted."""
    prefixes: list[str] = []
    for grid in sorted(allowed):
        if prefixes and grid.startswith(prefixes[-1]):
            continue
        prefixes.append(next((p for p in _divisions(grid) if _all_allowed(p, allowed, catalog)), grid))
    return prefixes


def _divisions(grid: str) -> list[str]:
    return [grid[:n] for n in DIVISION_CODE_LENGTHS if n < len(grid)]


def _all_allowed(prefix: str, allowed: frozenset[str], catalog: Sequence[str]) -> bool:
    start, end = bisect_left(catalog, prefix), bisect_left(catalog, prefix + "\uffff")
    return start < end and all(catalog[i] in allowed for i in range(start, end))
