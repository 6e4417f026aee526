"""Grid boundaries tile their village (Art. 9) and every building lies inside its grid."""

from collections import defaultdict
from itertools import combinations

import pytest
import shapely
from shapely import wkt

from ops.datagen import SCALES
from ops.datagen.layout import plan

QUZHOU = shapely.box(118.0, 28.2, 119.4, 29.5)  # the prefecture with some margin
AREA_TOLERANCE = 1e-12  # square degrees; shared vertices are identical, so only float noise remains


def _village_rings(scale: str) -> dict[str, shapely.Polygon]:
    return {v.code: shapely.Polygon(v.ring) for t in plan(SCALES[scale], 0) for v in t.villages}


def _assert_tiles(village: shapely.Polygon, grids: list[shapely.Polygon]) -> None:
    assert village.is_valid
    for g in grids:
        assert g.is_valid
        assert abs(g.area - g.convex_hull.area) < AREA_TOLERANCE  # convex: bilinear sampling stays inside
        assert QUZHOU.contains(g)
    for a, b in combinations(grids, 2):
        assert a.intersection(b).area < AREA_TOLERANCE
    union = shapely.union_all(grids)
    assert abs(union.area - village.area) < AREA_TOLERANCE
    assert abs(sum(g.area for g in grids) - village.area) < AREA_TOLERANCE
    assert union.symmetric_difference(village).area < AREA_TOLERANCE


def test_tiny_grids_tile_their_villages(tiny: dict[str, list]) -> None:
    villages = _village_rings("tiny")
    by_village: dict[str, list[shapely.Polygon]] = defaultdict(list)
    for grid in tiny["grids"]:
        by_village[grid["village"]].append(wkt.loads(grid["boundary"]))
    assert set(by_village) == set(villages)
    for code, grids in by_village.items():
        _assert_tiles(villages[code], grids)


@pytest.mark.parametrize("scale", ["demo", "city"])
def test_planned_grids_tile_their_villages_at_every_scale(scale: str) -> None:
    """Checks the layout alone (no people), so the full `city` plan stays cheap to test."""
    for township in plan(SCALES[scale], 0):
        for village in township.villages:
            grids = [shapely.Polygon([*g.strip, g.strip[0]]) for g in village.grids]
            _assert_tiles(shapely.Polygon(village.ring), grids)


@pytest.mark.parametrize("scale", ["demo", "city"])
def test_villages_overlap_at_most_by_rounding_slivers(scale: str) -> None:
    """Neighbouring villages share an edge whose cut points are rounded to 1e-7°: slivers, never more."""
    rings = list(_village_rings(scale).values())
    tree = shapely.STRtree(rings)
    for i, ring in enumerate(rings):
        for j in tree.query(ring, predicate="intersects"):
            if i != j:
                assert ring.intersection(rings[j]).area < 1e-9


def test_buildings_lie_inside_their_grid(tiny: dict[str, list]) -> None:
    boundaries = {g["code"]: wkt.loads(g["boundary"]) for g in tiny["grids"]}
    buildings = tiny["buildings"]
    assert buildings
    for b in buildings:
        assert boundaries[b["grid"]].contains(shapely.Point(b["lon"], b["lat"])), b["id"]


def test_the_two_tiny_grids_of_one_village_share_an_edge(tiny: dict[str, list]) -> None:
    kecheng = [wkt.loads(g["boundary"]) for g in tiny["grids"] if g["code"].startswith("330802")]
    assert len(kecheng) == 2
    shared = kecheng[0].intersection(kecheng[1])
    assert shared.geom_type == "LineString" and shared.length > 0
