"""`decide`: denied paths, row scope per type, raw versus masked per grid, and the purpose rule.

The gate is the only place where a principal's capabilities meet an operation; these cases
pin what execution is then allowed to do, with the real default rules and no graph.
"""

from collections.abc import Sequence

from authz.capabilities import Capabilities, compile_capabilities
from authz.classes import Action, DataClass
from authz.gate import Need, decide
from authz.grants import Grant
from authz.rules import Rule, default_rules

KECHENG_A, KECHENG_B = "330802001001001", "330802001001002"  # two grids of one 柯城区 village
QUJIANG = "330803101001001"  # a grid in 衢江区
CATALOG = sorted([KECHENG_A, KECHENG_B, QUJIANG])

PERSON = ("Person",)
NAME = Need("persons.name", DataClass.PERSON_BASIC, Action.READ, PERSON)
PHONE = Need("persons.phone", DataClass.PERSON_CONTACT, Action.READ, PERSON)
ID_NUMBER = Need("persons.idNumber", DataClass.PERSON_IDENTITY, Action.READ, PERSON)
TAGS = Need("persons.tags", DataClass.PERSON_SENSITIVE, Action.READ, PERSON)
HOUSEHOLD = Need("persons.household", DataClass.HOUSEHOLD, Action.READ, ("Person", "Household"))
GRID_NAME = Need("persons.grid.name", DataClass.GRID, Action.READ, ())
# Not in the default policy: a role that reads ID numbers and nothing else about a person.
ID_CHECKER = Rule("id_checker", "person.identity", "read", "allow")


def caps(*grants: tuple[str, str] | tuple[str, str, str]) -> Capabilities:
    held: Sequence[Grant] = [Grant("s", *g) for g in grants]
    return compile_capabilities("s", 1, held, default_rules())


def test_denied_paths_are_listed_and_nothing_is_readable() -> None:
    """综合执法 may read buildings but no personal data; the public directory stays readable."""
    enforcement = caps(("department_officer", "330802", "330802-zonghezhifa"))
    decision = decide(enforcement, [NAME, PHONE, ID_NUMBER, GRID_NAME], CATALOG, "case-1")
    assert decision.denied == ["persons.idNumber", "persons.name", "persons.phone"]
    assert not decision.allowed
    assert decision.access.grid_list("Person") == []


def test_unscoped_classes_are_denied_without_a_rule() -> None:
    policy = Need("policyRules", DataClass.POLICY, Action.READ, ())
    assert decide(caps(("grid_chief", KECHENG_A)), [policy, GRID_NAME], CATALOG, None).denied == ["policyRules"]
    assert decide(caps(("auditor", "3308")), [policy, GRID_NAME], CATALOG, None).denied == []


def test_row_scope_is_the_intersection_of_the_classes_asked_of_a_type() -> None:
    """应急 in 柯城区 reads names there but no ID numbers; a grid chief in 衢江区 reads both there."""
    both = caps(("department_officer", "330802", "330802-yingji"), ("grid_chief", QUJIANG))
    names_only = decide(both, [NAME, HOUSEHOLD], CATALOG, None)
    assert names_only.allowed
    assert names_only.access.grid_list("Person") == CATALOG
    with_ids = decide(both, [NAME, ID_NUMBER, HOUSEHOLD], CATALOG, "case-1")
    assert with_ids.allowed
    assert with_ids.access.grid_list("Person") == [QUJIANG]
    assert with_ids.access.grid_list("Household") == CATALOG  # households ask nothing of identity


def test_a_type_with_an_empty_intersection_is_denied() -> None:
    """Names only in 柯城区, ID numbers only in 衢江区: no row could answer both, so both paths are denied."""
    grants = [Grant("s", "department_officer", "330802", "330802-yingji"), Grant("s", ID_CHECKER.role, "330803")]
    split = compile_capabilities("s", 1, grants, [*default_rules(), ID_CHECKER])
    decision = decide(split, [NAME, ID_NUMBER, GRID_NAME], CATALOG, "case-1")
    assert decision.denied == ["persons.idNumber", "persons.name"]
    assert decision.access.grid_list("Person") == []


def test_masked_or_raw_is_decided_per_grid() -> None:
    """A worker in one grid reads ID numbers masked; as chief of the next grid the same person reads them raw."""
    mixed = caps(("grid_worker", KECHENG_A), ("grid_chief", KECHENG_B))
    decision = decide(mixed, [NAME, ID_NUMBER, PHONE], CATALOG, "case-1")
    assert decision.allowed
    access = decision.access
    assert access.grid_list("Person") == [KECHENG_A, KECHENG_B]
    assert not access.is_raw(DataClass.PERSON_IDENTITY, KECHENG_A)
    assert access.is_raw(DataClass.PERSON_IDENTITY, KECHENG_B)
    assert access.is_raw(DataClass.PERSON_CONTACT, KECHENG_A)
    assert not access.is_raw(DataClass.PERSON_IDENTITY, QUJIANG)


def test_masked_only_classes_are_never_raw() -> None:
    operator = caps(("centre_operator", "330802001"))
    decision = decide(operator, [NAME, PHONE, ID_NUMBER, TAGS], CATALOG, None)
    assert decision.allowed
    assert decision.access.grid_list("Person") == [KECHENG_A, KECHENG_B]
    for data_class in (DataClass.PERSON_CONTACT, DataClass.PERSON_IDENTITY, DataClass.PERSON_SENSITIVE):
        assert not decision.access.is_raw(data_class, KECHENG_A)
    assert decision.access.is_raw(DataClass.PERSON_BASIC, KECHENG_A)


def test_raw_l4_without_a_purpose_is_refused() -> None:
    chief = caps(("grid_chief", KECHENG_A))
    without = decide(chief, [NAME, ID_NUMBER, TAGS], CATALOG, None)
    assert without.denied == []
    assert without.missing_purpose == ["person.identity", "person.sensitive"]
    assert not without.allowed
    with_purpose = decide(chief, [NAME, ID_NUMBER, TAGS], CATALOG, "case-1")
    assert with_purpose.allowed


def test_l3_raw_needs_no_purpose() -> None:
    assert decide(caps(("grid_chief", KECHENG_A)), [NAME, PHONE], CATALOG, None).allowed


def test_masked_only_l4_needs_no_purpose() -> None:
    """A worker reads ID numbers masked only: nothing sensitive leaves raw, so no purpose is asked."""
    worker = caps(("grid_worker", KECHENG_A))
    decision = decide(worker, [NAME, ID_NUMBER], CATALOG, None)
    assert decision.allowed
    assert decision.missing_purpose == []
    assert not decision.access.is_raw(DataClass.PERSON_IDENTITY, KECHENG_A)


def test_raw_l4_outside_the_row_scope_needs_no_purpose() -> None:
    """Raw ID numbers only in 衢江区, rows (names) only in 柯城区: nothing raw can be served."""
    grants = [Grant("s", "grid_worker", KECHENG_A), Grant("s", ID_CHECKER.role, "330803")]
    checker = compile_capabilities("s", 1, grants, [*default_rules(), ID_CHECKER])
    decision = decide(checker, [NAME, ID_NUMBER], CATALOG, None)
    assert decision.access.grid_list("Person") == [KECHENG_A]
    assert decision.access.is_raw(DataClass.PERSON_IDENTITY, QUJIANG)
    assert decision.missing_purpose == []
    assert decision.allowed
