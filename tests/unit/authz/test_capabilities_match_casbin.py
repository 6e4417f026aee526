"""The compiled capabilities decide exactly as Casbin does (the differential test of DESIGN.md).

The gate never calls `enforce` on the request path; it trusts `compile_capabilities`. That
trust holds only while the compiled prefix test equals Casbin's own decision over the real
model and the real default rules, for allows and denies alike, including a deny that
overrides an allow granted through another role. A drift here means the gate admits or
refuses something the policy language says otherwise.
"""

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import product

import pytest

from authz.capabilities import PERSONAL, Capabilities, Scope, compile_capabilities, separated
from authz.classes import Action, DataClass, Role
from authz.grants import Grant
from authz.reference import casbin_subject, explain, reference_enforcer
from authz.rules import Rule, default_rules
from ops.datagen.divisions import CITY_CODE, COUNTIES

SEED = 21_2024
SUBJECTS = 420
QUERIES_PER_SUBJECT = 13  # 5,460 queries in all
DENY_COUNTY = "330803"  # 衢江区: the one county where the extra `embargo` role is ever granted

# Rules carry no jurisdiction (model.conf: p = sub, obj, act, eft); a deny is placed by the
# grant of the role it belongs to. So "a deny in one county" is a deny-only role granted there,
# and "a deny for one department kind" holds wherever that kind is granted.
EXTRA_RULES = (
    Rule("department_officer:weijian", "person.contact", "read", "deny"),
    Rule("department_officer:gongan", "person.identity", "read_masked", "deny"),
    Rule("embargo", "person.identity", "read", "deny"),
    Rule("embargo", "person.sensitive", "read", "deny"),
    Rule("embargo", "household", "write", "deny"),
    Rule("embargo", "case.basic", "read", "deny"),
    Rule("embargo", "case.basic", "write", "deny"),
)


def _department_kinds(rules: Sequence[Rule]) -> list[str]:
    prefix = f"{Role.DEPARTMENT_OFFICER.value}:"
    return sorted({r.role.removeprefix(prefix) for r in rules if r.role.startswith(prefix)})


@dataclass(frozen=True)
class Codes:
    """A small tree of real-looking codes, so that random picks often nest in one another."""

    counties: tuple[str, ...]
    townships: tuple[str, ...]  # 9 digits
    villages: tuple[str, ...]  # 12 digits
    grids: tuple[str, ...]  # 15 digits, sorted

    @classmethod
    def build(cls) -> "Codes":
        counties = tuple(c.code for c in COUNTIES)
        townships = tuple(f"{c}{t}" for c in counties for t in ("001", "002", "101"))
        villages = tuple(f"{t}{v}" for t in townships for v in ("001", "002", "201"))
        grids = tuple(f"{v}{g}" for v in villages for g in ("001", "002", "003"))
        return cls(counties, townships, villages, tuple(sorted(grids)))

    def any_code(self, rng: random.Random) -> str:
        level = rng.choice((0, 1, 2, 2, 3, 3, 4, 4, 4))
        if level == 0:
            return CITY_CODE
        return rng.choice((self.counties, self.townships, self.villages, self.grids)[level - 1])

    def under(self, rng: random.Random, code: str) -> str:
        """The code itself or a random code below it."""
        below = [c for c in (*self.townships, *self.villages, *self.grids) if c.startswith(code)]
        return rng.choice([code, *below])


def _grant(rng: random.Random, subject: str, home: str, codes: Codes, kinds: Sequence[str]) -> Grant:
    """Most grants fall in the subject's home county, as a real official's do, so that they overlap."""
    county = home if rng.random() < 0.75 else rng.choice(codes.counties)
    if county == DENY_COUNTY and rng.random() < 0.2:
        return Grant(subject, "embargo", codes.under(rng, DENY_COUNTY))
    role = rng.choice(list(Role))
    if role is Role.DEPARTMENT_OFFICER:
        department = None if rng.random() < 0.05 else f"{county}-{rng.choice(kinds)}"
        jurisdiction = county if rng.random() < 0.7 else codes.under(rng, county)
        return Grant(subject, role.value, jurisdiction, department)
    grid_staff = {Role.GRID_CHIEF, Role.GRID_WORKER, Role.GRID_PART_TIME, Role.GRID_INSTRUCTOR, Role.RESIDENT}
    if role in grid_staff and rng.random() < 0.7:
        return Grant(subject, role.value, rng.choice([g for g in codes.grids if g.startswith(county)]))
    return Grant(subject, role.value, codes.any_code(rng) if rng.random() < 0.3 else codes.under(rng, county))


def _conflicts(held: Sequence[tuple[Grant, Rule]]) -> list[tuple[str, str, str]]:
    """(class, action, code) where one held grant allows and another denies, their codes nested."""
    found = []
    for (ga, ra), (gd, rd) in product(held, held):
        same = ra.effect == "allow" and rd.effect == "deny" and (ra.data_class, ra.action) == (rd.data_class, rd.action)
        a, d = ga.jurisdiction, gd.jurisdiction
        if same and (a.startswith(d) or d.startswith(a)):
            found.append((ra.data_class, ra.action, max(a, d, key=len)))
    return found


def _query(
    rng: random.Random,
    grants: Sequence[Grant],
    held: Sequence[tuple[Grant, Rule]],
    conflicts: Sequence[tuple[str, str, str]],
    codes: Codes,
) -> tuple[str, str, str]:
    """Biased towards what the subject holds, so that allows, denies and overrides all occur often."""
    pick = rng.random()
    if conflicts and pick < 0.45:  # 0.35 gave 0.9% overrides once department officers held webhook rules
        data_class, action, code = rng.choice(conflicts)
        return data_class, action, codes.under(rng, code)
    if held and pick < 0.75:
        grant, rule = rng.choice(held)
        jurisdiction = codes.under(rng, grant.jurisdiction) if rng.random() < 0.8 else codes.any_code(rng)
        return rule.data_class, rule.action, jurisdiction
    data_class, action = rng.choice(list(DataClass)).value, rng.choice(list(Action)).value
    jurisdiction = codes.under(rng, rng.choice(grants).jurisdiction) if rng.random() < 0.5 else codes.any_code(rng)
    return data_class, action, jurisdiction


def _subjects(rng: random.Random, codes: Codes, kinds: Sequence[str]) -> Iterator[tuple[str, list[Grant]]]:
    for i in range(SUBJECTS):
        subject = f"subject-{i:04d}"
        home = DENY_COUNTY if rng.random() < 0.3 else rng.choice(codes.counties)
        yield subject, [_grant(rng, subject, home, codes, kinds) for _ in range(rng.randint(1, 4))]


def test_compiled_capabilities_equal_casbin_enforce() -> None:
    rules = [*default_rules(), *EXTRA_RULES]
    codes = Codes.build()
    by_role: dict[str, list[Rule]] = {}
    for rule in rules:
        by_role.setdefault(rule.role, []).append(rule)
    rng = random.Random(SEED)
    allows = denies = overrides = separated_out = 0
    mismatches: list[str] = []
    for subject, grants in _subjects(rng, codes, _department_kinds(rules)):
        caps = compile_capabilities(subject, 1, grants, rules)
        enforcer = reference_enforcer(rules, grants)
        held = [(g, r) for g in grants for r in by_role.get(g.policy_role, ())]
        conflicts = _conflicts(held)
        for _ in range(QUERIES_PER_SUBJECT):
            data_class, action, jurisdiction = _query(rng, grants, held, conflicts, codes)
            expected = bool(enforcer.enforce(casbin_subject(subject), jurisdiction, data_class, action))
            if caps.allows(data_class, action, jurisdiction) != expected:
                mismatches.append(f"{grants} {data_class} {action} {jurisdiction}: casbin {expected}")
            allows += expected
            denies += not expected
            scope = caps.scope(data_class, action)
            overrides += any(jurisdiction.startswith(a) for a in scope.allow) and not expected
            separated_out += separated(grants) and any(
                r.effect == "allow" and (r.data_class, r.action) == (data_class, action) and r.data_class in PERSONAL
                and jurisdiction.startswith(g.jurisdiction)
                for g, r in held
            )  # fmt: skip
    total = allows + denies
    assert not mismatches, f"{len(mismatches)} of {total} differ, e.g. " + "; ".join(mismatches[:5])
    assert total >= 5_000
    assert allows >= total * 0.1, f"only {allows} allows of {total}"
    assert denies >= total * 0.1, f"only {denies} denies of {total}"
    assert overrides >= total * 0.01, f"only {overrides} deny-overrides-allow cases of {total}"
    assert separated_out >= total * 0.01, f"only {separated_out} cases of separation of duties of {total}"
    print(
        f"{total} queries: {allows} allowed, {denies} denied, {overrides} of them by a deny overriding an allow, "
        f"{separated_out} by separation of duties"
    )


def test_grids_equal_brute_force_over_the_catalog() -> None:
    """The bisect over the sorted catalog finds exactly the grids the prefix test allows."""
    rules = [*default_rules(), *EXTRA_RULES]
    codes = Codes.build()
    catalog = list(codes.grids)
    rng = random.Random(SEED + 1)
    for subject, grants in list(_subjects(rng, codes, _department_kinds(rules)))[:40]:
        caps = compile_capabilities(subject, 1, grants, rules)
        for data_class, action in product(DataClass, Action):
            expected = frozenset(g for g in catalog if caps.allows(data_class.value, action.value, g))
            assert caps.grids(data_class.value, action.value, catalog) == expected, (grants, data_class, action)


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        (Scope(frozenset({"330802"})), {"330802001001001", "330802001001002", "330802101001001"}),
        (Scope(frozenset({"330802"}), frozenset({"330802001"})), {"330802101001001"}),
        (Scope(frozenset({"330802001001002", "330803"})), {"330802001001002", "330803002201003"}),
        (Scope(frozenset({"3308"}), frozenset({"3308"})), set()),
        (Scope(frozenset({"330824"})), set()),  # a county with no grid in the catalog
        (Scope(frozenset({"330802001001001009"})), set()),  # longer than any grid code
        (Scope(), set()),
    ],
)
def test_scope_grids(scope: Scope, expected: set[str]) -> None:
    catalog = sorted(["330802001001001", "330802001001002", "330802101001001", "330803002201003"])
    assert scope.grids(catalog) == expected
    assert scope.grids(catalog) == {g for g in catalog if scope.covers(g)}


def test_anywhere_is_false_when_a_deny_covers_every_allow() -> None:
    assert Scope(frozenset({"330802001", "330803"}), frozenset({"330802"})).anywhere
    assert not Scope(frozenset({"330802001", "330802101"}), frozenset({"330802"})).anywhere
    assert not Scope().anywhere


def test_explain_names_the_allow_rule() -> None:
    grants = [Grant("chief", "grid_chief", "330802001001001")]
    allowed, rules = explain(default_rules(), grants, "chief", "person.identity", "read", "330802001001001")
    assert allowed
    assert rules == [["grid_chief", "person.identity", "read", "allow"]]


def test_explain_names_the_deny_that_overrides_an_allow() -> None:
    grants = [Grant("w", "grid_chief", "330803"), Grant("w", "embargo", "330803001")]
    allowed, rules = explain([*default_rules(), *EXTRA_RULES], grants, "w", "person.identity", "read", "330803001001")
    assert not allowed
    assert rules == [["embargo", "person.identity", "read", "deny"]]


def test_separation_of_duties_outlives_the_deny_rules() -> None:
    """A security officer who is also a grid chief reads no personal data, even once an officer has
    removed every deny rule of the role: the invariant is compiled in and in Casbin's matcher."""
    grants = [Grant("dual", "grid_chief", "330802001001001"), Grant("dual", "security_officer", "3308")]
    rules = [r for r in default_rules() if r.effect == "allow"]
    caps = compile_capabilities("dual", 1, grants, rules)
    enforcer = reference_enforcer(rules, grants)
    for data_class in PERSONAL:
        assert not caps.scope(data_class, "read").anywhere and not caps.scope(data_class, "read_masked").anywhere
        assert not enforcer.enforce(casbin_subject("dual"), "330802001001001", data_class, "read")
    assert caps.allows("building", "read", "330802001001001")  # what is not personal stays
    assert explain(rules, grants, "dual", "person.basic", "read", "330802001001001")[0] is False


def test_explain_names_nothing_where_no_rule_applies() -> None:
    grants = [Grant("chief", "grid_chief", "330802001001001")]
    assert explain(default_rules(), grants, "chief", "person.identity", "read", "330802001001002") == (False, [])


def test_a_subject_named_like_a_role_holds_nothing() -> None:
    """Casbin links a name to itself, so an unprefixed subject called "grid_chief" would hold that
    role everywhere without a grant; `casbin_subject` keeps subjects and roles apart."""
    rules = default_rules()
    enforcer = reference_enforcer(rules, [])
    assert enforcer.enforce("grid_chief", "330802", "person.identity", "read")  # why the prefix exists
    assert not enforcer.enforce(casbin_subject("grid_chief"), "330802", "person.identity", "read")
    assert not compile_capabilities("grid_chief", 1, [], rules).allows("person.identity", "read", "330802")
    assert explain(rules, [], "grid_chief", "person.identity", "read", "330802") == (False, [])


def test_grid_memo_lives_with_the_capabilities() -> None:
    """Capabilities are per policy version; the memo must not leak between two compilations."""
    grants = [Grant("w", "grid_worker", "330802001001001")]
    catalog = ["330802001001001", "330802001001002"]
    first: Capabilities = compile_capabilities("w", 1, grants, default_rules())
    assert first.grids("person.basic", "read", catalog) == {"330802001001001"}
    second = compile_capabilities("w", 2, [Grant("w", "grid_worker", "330802001")], default_rules())
    assert second.grids("person.basic", "read", catalog) == set(catalog)
