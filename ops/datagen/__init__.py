"""Deterministic demo data of 衢州: divisions, grids, buildings, people, organizations, staff and grants.

`generate(scale, seed)` yields `graph_model.rows.Dataset` chunks in an order an
ingester can write one after another (see `generator` for the guarantee);
`SCALES` names the sizes (`tiny`, `demo`, `city`) and their expected magnitudes.
The package only produces rows: it never talks to a graph store.
"""

from ops.datagen.generator import generate
from ops.datagen.scales import SCALES, Scale

__all__ = ["SCALES", "Scale", "generate"]
