"""A city-sized synthetic policy for benchmarks: grid codes under the real counties, subjects and grants.

The sizes are those the gate must be measured at (2,000 grid jurisdictions, 10,000 subjects,
100,000 rules and grants); the shapes follow the demo data (grid staff hold grids of their
township, department officers their county or its townships) so that scopes have realistic
widths. Deterministic for a seed. Never used by tests or the service: figures only.
"""

import random
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

from authz.classes import Role
from authz.grants import Grant
from authz.rules import Rule, default_rules
from ops.datagen.divisions import CITY_CODE, COUNTIES, townships_of
from ops.datagen.staff import DEPARTMENTS

GRID_ROLES = (Role.GRID_CHIEF, Role.GRID_WORKER, Role.GRID_PART_TIME, Role.GRID_INSTRUCTOR)
GRIDS_PER_VILLAGE = 3


@dataclass(frozen=True)
class SyntheticPolicy:
    grids: list[str]  # sorted, as PolicyEngine.grids
    townships: dict[str, list[str]]  # county → township codes that hold grids
    rules: list[Rule]
    grants: dict[str, list[Grant]]  # by subject, as PolicyStore.grants_of answers

    @property
    def grant_count(self) -> int:
        return sum(len(g) for g in self.grants.values())


def grid_catalog(total: int) -> tuple[list[str], dict[str, list[str]]]:
    """`total` 15-digit grid codes, shared among the counties by census population, then round-robin
    over each county's real townships (every one gets grids at 2,000), three grids to a 12-digit village."""
    population = sum(c.population for c in COUNTIES)
    bounds = [round(total * s / population) for s in accumulate(c.population for c in COUNTIES)]
    grids: list[str] = []
    townships: dict[str, list[str]] = {}
    for county, start, end in zip(COUNTIES, [0, *bounds[:-1]], bounds, strict=True):
        codes = [t.code for t in townships_of(county)][: end - start]
        townships[county.code] = codes
        for k in range(end - start):
            j = k // len(codes)
            village = f"{codes[k % len(codes)]}{j // GRIDS_PER_VILLAGE + 1:03d}"
            grids.append(f"{village}{j % GRIDS_PER_VILLAGE + 1:03d}")
    return sorted(grids), townships


def _counts(rng: random.Random, subjects: int, total: int) -> list[int]:
    """Grants per subject: 1 to 19, nudged until they sum to exactly `total`."""
    counts = [rng.randint(1, 19) for _ in range(subjects)]
    step = 1 if sum(counts) < total else -1
    while sum(counts) != total:
        i = rng.randrange(subjects)
        if 1 <= counts[i] + step <= 40:
            counts[i] += step
    return counts


class _Persona:
    """One subject's main role and home; each of its grants is drawn near that home."""

    def __init__(self, rng: random.Random, by_township: dict[str, list[str]], townships: dict[str, list[str]]) -> None:
        self.rng = rng
        self.county = rng.choice(list(townships))
        self.county_townships = townships[self.county]
        self.near = by_township[rng.choice(self.county_townships)]
        roll = rng.random()
        self.role = (
            rng.choice(GRID_ROLES) if roll < 0.70
            else Role.DEPARTMENT_OFFICER if roll < 0.90
            else Role.CENTRE_OPERATOR if roll < 0.96
            else rng.choice((Role.SECURITY_OFFICER, Role.AUDITOR))
        )  # fmt: skip
        self.department = f"{self.county}-{rng.choice(list(DEPARTMENTS))}"

    def grant(self, subject: str, anywhere: Sequence[str] | None = None) -> Grant:
        """Near home; or, once home has no new grant left to give, the same role in any grid of `anywhere`."""
        rng = self.rng
        if anywhere is not None:
            department = self.department if self.role is Role.DEPARTMENT_OFFICER else None
            return Grant(subject, self.role.value, rng.choice(anywhere), department)
        if self.role in GRID_ROLES:
            role = self.role if rng.random() < 0.9 else rng.choice(GRID_ROLES)
            return Grant(subject, role.value, rng.choice(self.near))
        if self.role is Role.DEPARTMENT_OFFICER:
            where = self.county if rng.random() < 0.2 else rng.choice(self.county_townships)
            return Grant(subject, self.role.value, where, self.department)
        if self.role is Role.CENTRE_OPERATOR:
            return Grant(subject, self.role.value, rng.choice(self.county_townships))
        return Grant(subject, self.role.value, rng.choice([CITY_CODE, self.county]))


def synthetic_policy(
    seed: int = 21, subjects: int = 10_000, grids: int = 2_000, rules_and_grants: int = 100_000
) -> SyntheticPolicy:
    rng = random.Random(seed)
    catalog, townships = grid_catalog(grids)
    by_township: dict[str, list[str]] = {}
    for grid in catalog:
        by_township.setdefault(grid[:9], []).append(grid)
    rules = default_rules()
    grants: dict[str, list[Grant]] = {}
    for i, count in enumerate(_counts(rng, subjects, rules_and_grants - len(rules))):
        subject = f"synthetic-{i:05d}"
        persona = _Persona(rng, by_township, townships)
        held: dict[Grant, None] = {}
        for attempt in range(1_000_000):
            if len(held) == count:
                break
            held[persona.grant(subject, catalog if attempt > 10 * count else None)] = None
        grants[subject] = list(held)
    return SyntheticPolicy(catalog, townships, rules, grants)
