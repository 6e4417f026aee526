"""Which grid a reported point lies in: point-in-polygon over the grids' boundaries (FixMyStreet's
routing by area), with a shapely STRtree.

A tree cannot change once built, so one is built per grid catalogue: the policy engine reloads
the catalogue of grid codes when grids change (and at least every minute), and a new catalogue
object makes the next report rebuild the tree from the graph. A point on the edge between two
grids belongs to both; it goes to the lower grid code, so the answer never depends on the order
the tree returns them in.
"""

import asyncio
from collections.abc import Sequence

import shapely
from shapely import STRtree

from graph_model.cypher.case import GET_GRID_BOUNDARIES
from graph_model.store import GraphStore


class GridRouter:
    def __init__(self, store: GraphStore) -> None:
        self._store = store
        self._catalog: Sequence[str] | None = None
        self._codes: list[str] = []
        self._tree: STRtree | None = None
        self._lock = asyncio.Lock()

    async def _tree_for(self, catalog: Sequence[str]) -> STRtree:
        async with self._lock:
            if self._tree is None or catalog is not self._catalog:
                rows = await self._store.read(GET_GRID_BOUNDARIES)
                rows = [r for r in rows if r["boundary"]]
                self._codes = [r["code"] for r in rows]
                self._tree = STRtree(shapely.from_wkt([r["boundary"] for r in rows]))
                self._catalog = catalog
            return self._tree

    async def grid_at(self, lon: float, lat: float, catalog: Sequence[str]) -> str | None:
        """The grid code covering the point, or None outside every grid."""
        tree = await self._tree_for(catalog)
        hits = tree.query(shapely.Point(lon, lat), predicate="intersects")
        return min((self._codes[i] for i in hits), default=None)
