"""Boundaries that tile exactly: county box → township boxes → village quadrilaterals → grid strips.

Art. 9 has grids divide a village without gaps or overlaps, so the generator
never draws a grid polygon independently. A township box is cut into a lattice
whose interior points are jittered (villages become convex quadrilaterals that
share edges); a village quadrilateral is cut into strips by points placed on
its south and north edges. Adjacent strips share the very same vertex values,
so their union is the village polygon exactly and they overlap nowhere.

Coordinates are (lon, lat) rounded once, at creation, to 7 decimals (about
1 cm), so every later computation sees the same numbers. A point for a
building is the bilinear image of a point of the unit square, which lies
inside a convex quadrilateral: no point-in-polygon test per building.
"""

import math
import random

import shapely

Point = tuple[float, float]
Box = tuple[float, float, float, float]  # min lon, min lat, max lon, max lat
Quad = tuple[Point, Point, Point, Point]  # south-west, south-east, north-east, north-west

_DIGITS = 7
_LATTICE_JITTER = 0.2  # of a cell; below 0.25 every cell stays convex
_CUT_JITTER = 0.2  # of a strip's width; keeps the cuts in order


def _pt(lon: float, lat: float) -> Point:
    return (round(lon, _DIGITS), round(lat, _DIGITS))


def _cells(box: Box, count: int) -> tuple[int, int, float, float]:
    """Columns, rows and cell size of a near-square arrangement of `count` cells over `box`."""
    cols = math.ceil(math.sqrt(count))
    rows = math.ceil(count / cols)
    return cols, rows, (box[2] - box[0]) / cols, (box[3] - box[1]) / rows


def box_cells(box: Box, count: int) -> list[Box]:
    """`count` equal boxes, row by row from the south-west."""
    cols, rows, w, h = _cells(box, count)
    x0, y0 = box[0], box[1]
    cells = [(x0 + c * w, y0 + r * h, x0 + (c + 1) * w, y0 + (r + 1) * h) for r in range(rows) for c in range(cols)]
    return cells[:count]


def village_quads(box: Box, count: int, rng: random.Random) -> list[Quad]:
    """`count` convex quadrilaterals sharing edges, from a jittered lattice over `box`.

    The lattice border is not jittered, so villages never leave their township's box.
    """
    cols, rows, w, h = _cells(box, count)
    x0, y0 = box[0], box[1]
    lattice: list[list[Point]] = []
    for r in range(rows + 1):
        line = []
        for c in range(cols + 1):
            interior = 0 < r < rows and 0 < c < cols
            dx = rng.uniform(-_LATTICE_JITTER, _LATTICE_JITTER) * w if interior else 0.0
            dy = rng.uniform(-_LATTICE_JITTER, _LATTICE_JITTER) * h if interior else 0.0
            line.append(_pt(x0 + c * w + dx, y0 + r * h + dy))
        lattice.append(line)
    quads = [
        (lattice[r][c], lattice[r][c + 1], lattice[r + 1][c + 1], lattice[r + 1][c])
        for r in range(rows)
        for c in range(cols)
    ]
    return quads[:count]


def _lerp(a: Point, b: Point, f: float) -> Point:
    return _pt(a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f)


def _cuts(count: int, rng: random.Random) -> list[float]:
    inner = [(i + rng.uniform(-_CUT_JITTER, _CUT_JITTER)) / count for i in range(1, count)]
    return [0.0, *inner, 1.0]


class StripTiling:
    """A village quadrilateral cut west to east into `count` strips, one per grid."""

    def __init__(self, quad: Quad, count: int, rng: random.Random) -> None:
        sw, se, ne, nw = quad
        self.south = [sw, *(_lerp(sw, se, f) for f in _cuts(count, rng)[1:-1]), se]
        self.north = [nw, *(_lerp(nw, ne, f) for f in _cuts(count, rng)[1:-1]), ne]

    def __len__(self) -> int:
        return len(self.south) - 1

    def village_ring(self) -> list[Point]:
        """The village outline with every cut point on it, counter-clockwise and closed."""
        return [*self.south, *reversed(self.north), self.south[0]]

    def strip(self, i: int) -> Quad:
        return (self.south[i], self.south[i + 1], self.north[i + 1], self.north[i])


def ring_of(quad: Quad) -> list[Point]:
    return [*quad, quad[0]]


def to_wkt(ring: list[Point]) -> str:
    return shapely.Polygon(ring).wkt


def point_in(quad: Quad, s: float, t: float) -> Point:
    """The bilinear image of (s, t) in the unit square: inside the quad when it is convex."""
    sw, se, ne, nw = quad
    lon = (1 - t) * ((1 - s) * sw[0] + s * se[0]) + t * ((1 - s) * nw[0] + s * ne[0])
    lat = (1 - t) * ((1 - s) * sw[1] + s * se[1]) + t * ((1 - s) * nw[1] + s * ne[1])
    return (round(lon, 6), round(lat, 6))
