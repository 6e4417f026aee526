"""Scope prefixes must let through exactly the allowed grids of the catalog, no more, no fewer."""

from hypothesis import given
from hypothesis import strategies as st

from authz.grid_prefixes import covering_prefixes

# 衢州-like codes: city 3308, two counties, townships, villages, grids (4, 6, 9, 12, 15 digits)
CATALOG = sorted(
    f"3308{county}{township:03d}{village:03d}{grid:03d}"
    for county in ("02", "03")
    for township in range(1, 4)
    for village in range(1, 3)
    for grid in range(1, 4)
)


@given(st.sets(st.sampled_from(CATALOG)))
def test_a_grid_passes_the_prefixes_exactly_when_it_is_allowed(chosen: set[str]) -> None:
    allowed = frozenset(chosen)
    prefixes = covering_prefixes(allowed, CATALOG)
    assert [g for g in CATALOG if any(g.startswith(p) for p in prefixes)] == sorted(allowed)
    assert len(prefixes) <= len(allowed)


def test_whole_divisions_become_their_codes() -> None:
    assert covering_prefixes(frozenset(CATALOG), CATALOG) == ["3308"]
    county = frozenset(g for g in CATALOG if g.startswith("330803"))
    village = frozenset(g for g in CATALOG if g.startswith("330802001002"))
    assert covering_prefixes(county | village, CATALOG) == ["330802001002", "330803"]
    one = CATALOG[0]
    assert covering_prefixes(frozenset({one}), CATALOG) == [one], "a lone grid is its own code"
    assert covering_prefixes(frozenset(), CATALOG) == [], "no grid allowed: no prefix, nothing passes"


def test_a_grid_missing_from_the_catalog_is_never_widened_to_its_division() -> None:
    """A grid the catalog does not know yet is allowed only by its own code, not its village's."""
    for newcomer in ("330802001001999", "330899001001001"):  # in a known village; in a county the catalog lacks
        assert covering_prefixes(frozenset({newcomer}), CATALOG) == [newcomer]
