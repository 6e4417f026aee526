"""The skeleton of a dataset: which townships, villages and grids exist, where, and how big.

The layout is planned once per run, before any person is generated, because it
is small (a few thousand grids at `city` scale) and because every chunk needs
facts that only a whole-county view can give: a grid's sequence slot, which
keeps GB 11643 sequence numbers unique within the county without any state
shared between chunks, and the boundaries that must tile each other.

Village codes follow the statistical convention: 001–199 for 社区 (residents'
committees), 200–399 for 村 (villagers' committees).
"""

import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass

from ops.datagen import geometry, toponyms
from ops.datagen.divisions import COUNTIES, County, Township, townships_of
from ops.datagen.scales import Scale

MAX_SLOTS = 499  # GB 11643 sequences 001–998 hold 499 odd/even pairs per county and birth date


@dataclass(frozen=True, slots=True)
class GridPlan:
    code: str
    name: str
    kind: str  # urban | rural | special
    strip: geometry.Quad
    slot: int  # 0-based position within the county: the GB 11643 sequence pair of its people
    households: int


@dataclass(frozen=True, slots=True)
class VillagePlan:
    code: str
    name: str
    kind: str  # community | village
    township: Township
    ring: list[geometry.Point]  # the outline its grids tile
    grids: tuple[GridPlan, ...]


@dataclass(frozen=True, slots=True)
class TownshipPlan:
    township: Township
    villages: tuple[VillagePlan, ...]


Sizes = list[tuple[str, int]]  # (village kind, grids) for each village of a township

# (township name, village kind, grids per village) for each county of the hand-made `tiny` layout
_TINY = {"330802": [("府山街道", "community", 2)], "330803": [("莲花镇", "village", 1)]}


def _apportion(total: int, weights: list[int]) -> list[int]:
    """Largest-remainder split of `total` by `weights`, at least one each while `total` allows."""
    base = [1] * min(total, len(weights)) + [0] * max(0, len(weights) - total)
    rest = total - sum(base)
    quotas = [rest * w / sum(weights) for w in weights]
    shares = [int(q) for q in quotas]
    order = sorted(range(len(weights)), key=lambda i: shares[i] - quotas[i])
    for i in order[: rest - sum(shares)]:
        shares[i] += 1
    return [b + s for b, s in zip(base, shares, strict=True)]


def _village_sizes(kind: str, grids: int, rng: random.Random) -> Sizes:
    """Split a township's grids into villages: communities hold several grids, villages one or two.

    A 街道 is all communities, a 乡 all villages; a 镇 has its seat's communities and rural villages.
    """
    sizes: Sizes = []
    share = {"street": 1.0, "town": rng.uniform(0.2, 0.4), "township": 0.0}[kind]
    communities = round((grids - 1) * share) + (kind == "street")
    grids -= communities
    while communities > 0:
        n = min(communities, rng.randint(2, 6) if kind == "street" else rng.randint(2, 3))
        sizes.append(("community", n))
        communities -= n
    while grids > 0:
        n = min(grids, 2 if rng.random() < 0.2 else 1)
        sizes.append(("village", n))
        grids -= n
    return sizes


def _chosen_townships(county: County, limit: int | None) -> list[Township]:
    """All townships, or the first `limit - 1` plus the county's first 乡 (or 镇) so rural grids exist."""
    all_ = list(townships_of(county))
    if limit is None:
        return all_
    rural = next((t for t in all_ if t.kind == "township"), None) or next(t for t in all_ if t.kind == "town")
    chosen = all_[: limit - 1]
    return chosen if rural in chosen else [*chosen, rural]


def _county_sizes(county: County, scale: Scale, rng: random.Random) -> list[tuple[Township, Sizes]]:
    if not scale.grids_per_county:
        by_name = {t.name: t for t in townships_of(county)}
        return [(by_name[name], [(kind, n)]) for name, kind, n in _TINY.get(county.code, [])]
    townships = _chosen_townships(county, scale.townships_per_county)
    weights = [{"street": 4, "town": 2, "township": 1}[t.kind] for t in townships]
    shares = _apportion(scale.grids_per_county[county.code], weights)
    return [(t, _village_sizes(t.kind, g, rng)) for t, g in zip(townships, shares, strict=True) if g]


def _grid(rng: random.Random, scale: Scale, village: str, name: str, setting: str, serial: int, slot: int,
          strip: geometry.Quad) -> GridPlan:  # fmt: skip
    """A grid of a 街道 community (setting "street") is now and then a special grid (Art. 2: 其他特定空间区域)."""
    special = setting == "street" and rng.random() < 0.05
    grid_kind = "special" if special else ("rural" if setting == "rural" else "urban")
    label = f"{toponyms.special_feature(rng)}专属网格" if special else f"第{serial}网格"
    households = rng.randint(*scale.households_per_grid)
    return GridPlan(f"{village}{serial:03d}", name + label, grid_kind, strip, slot, households)


def _township(township: Township, sizes: Sizes, scale: Scale, rng: random.Random, slots: Iterator[int]) -> TownshipPlan:
    box = geometry.box_cells(township.county.bbox, len(township.county.townships))[township.index]
    quads = geometry.village_quads(box, len(sizes), rng)
    names = {
        "community": iter(toponyms.community_names(rng, sum(k == "community" for k, _ in sizes))),
        "village": iter(toponyms.village_names(rng, sum(k == "village" for k, _ in sizes))),
    }
    serials = {"community": itertools.count(1), "village": itertools.count(200)}
    villages = []
    for (kind, n_grids), quad in zip(sizes, quads, strict=True):
        code, name = f"{township.code}{next(serials[kind]):03d}", next(names[kind])
        setting = "rural" if kind == "village" else "street" if township.kind == "street" else "urban"
        tiling = geometry.StripTiling(quad, n_grids, rng)
        grids = tuple(
            _grid(rng, scale, code, name, setting, i + 1, next(slots), tiling.strip(i)) for i in range(n_grids)
        )
        villages.append(VillagePlan(code, name, kind, township, tiling.village_ring(), grids))
    return TownshipPlan(township, tuple(villages))


def plan(scale: Scale, seed: int) -> list[TownshipPlan]:
    """Every township that gets grids, in county order, with its villages and grids laid out."""
    rng = random.Random(f"{seed}/layout/{scale.name}")
    result = []
    for county in COUNTIES:
        slots = itertools.count()
        result.extend(_township(t, sizes, scale, rng, slots) for t, sizes in _county_sizes(county, scale, rng))
        if (used := next(slots)) > MAX_SLOTS:
            raise ValueError(f"{county.name} has {used} grids, more than {MAX_SLOTS} sequence slots")
    return result
