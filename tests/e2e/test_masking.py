"""The reconstruction attack of the trust issue, replayed over the real API on both backends.

A 专职网格员 reads every person of their grid (name, gender and birth date raw, the ID number
masked) and rebuilds each full number from what came back: the region from the mask or the
grid code, the birth date served, a sequence of the gender's parity, every character the
mask shows, the MOD 11-2 check. The grid chief, with a declared purpose, reads the real
numbers: each must be among the attacker's candidates (the attack is sound, and run on the
former mask it recovers every number) and none may be the only one.
"""

from datetime import date
from typing import Any

from api import global_id
from authz.masking import Keep
from ops.datagen.codes import is_valid_id_number
from tests.common.reidentify import GENDERS, id_candidates
from tests.e2e.conftest import Api

PAGE = """query($g: ID!, $after: String) {
  persons(first: 100, after: $after, filter: {grid: $g}) {
    pageInfo { hasNextPage endCursor }
    nodes { id name gender birthDate idNumber }
  }
}"""
FORMER_MASK = Keep(6, 4)  # region, sequence and check kept: the shape the trust issue broke
MIN_CANDIDATES = 500


async def read_grid(api: Api, subject: str, grid: str, purpose: str | None) -> dict[str, dict[str, Any]]:
    """Every person of the grid as `subject` sees them, page after page."""
    found: dict[str, dict[str, Any]] = {}
    after = None
    while True:
        body = await api.gql(PAGE, sub=subject, purpose=purpose, g=global_id.encode("Grid", grid), after=after)
        assert "errors" not in body, body["errors"]
        page = body["data"]["persons"]
        found.update((p["id"], p) for p in page["nodes"])
        if not page["pageInfo"]["hasNextPage"]:
            return found
        after = page["pageInfo"]["endCursor"]


def candidates(seen: dict[str, Any], masked: str, grid: str) -> set[str]:
    """What the attacker can make of one person: the region is the mask's, if it shows one, or the grid's county."""
    born, male = date.fromisoformat(seen["birthDate"]), GENDERS[seen["gender"]]
    regions = {r for r in (masked[:6], grid[:6]) if r.isdigit()}
    return {number for region in regions for number in id_candidates(masked, region, born, male)}


async def test_grid_worker_cannot_rebuild_masked_id_numbers(api: Api) -> None:
    for grid in api.samples.grids:
        seen = await read_grid(api, f"staff-{grid}-worker", grid, purpose=None)
        truth = await read_grid(api, f"staff-{grid}-chief", grid, purpose="reason:safety-check")
        assert seen and seen.keys() == truth.keys()
        recovered, fewest = [], MIN_CANDIDATES * 10
        for pid, person in seen.items():
            real = truth[pid]["idNumber"]
            assert is_valid_id_number(real)
            assert "*" not in person["name"] and person["birthDate"] == truth[pid]["birthDate"]
            assert candidates(person, FORMER_MASK(real), grid) == {real}
            found = candidates(person, person["idNumber"], grid)
            assert real in found
            if len(found) == 1:
                recovered.append(pid)
            fewest = min(fewest, len(found))
        assert recovered == [], f"{len(recovered)} of {len(seen)} ID numbers of grid {grid} rebuilt"
        assert fewest >= MIN_CANDIDATES
