"""`decide`: denied paths, row scope per type, raw versus masked per grid, and the purpose rule.

The gate is the only place where a principal's capabilities meet an operation; these cases
pin what execution is then allowed to do, with the real default rules and no graph.
"""

from collections.abc import Sequence

from authz.capabilities import Capabilities, compile_capabilities
from authz.classes import Action, DataClass
from authz.gate import Decision, Need, Needs, decide, deciding_rules
from authz.grants import Grant
from authz.rules import Rule, default_rules

KECHENG_A, KECHENG_B = "330802001001001", "330802001001002"  # two grids of one 柯城区 village
QUJIANG = "330803101001001"  # a grid in 衢江区
CATALOG = sorted([KECHENG_A, KECHENG_B, QUJIANG])

PERSON = ("Person",)


def need(path: str, data_class: DataClass, row_types: tuple[str, ...] = PERSON, raw: bool = False) -> Need:
    return Need(path, path, data_class, Action.READ, row_types, raw)


NAME = need("persons.name", DataClass.PERSON_BASIC)
PHONE = need("persons.phone", DataClass.PERSON_CONTACT)
ID_NUMBER = need("persons.idNumber", DataClass.PERSON_IDENTITY)
TAGS = need("persons.tags", DataClass.PERSON_SENSITIVE)
HOUSEHOLD = need("persons.household", DataClass.HOUSEHOLD, ("Person", "Household"))
GRID_NAME = need("persons.grid.name", DataClass.GRID, ())
# Filters: they test stored values, so they need them unmasked.
BY_TAGS = need("persons(filter.tags)", DataClass.PERSON_SENSITIVE, raw=True)
BY_NAME = need("persons(filter.namePrefix)", DataClass.PERSON_BASIC, raw=True)
COUNT = need("grid.personCount", DataClass.GRID_STATS, ())
# Not in the default policy: a role that reads ID numbers and nothing else about a person,
# and one that reads persons with masked names only.
ID_CHECKER = Rule("id_checker", "person.identity", "read", "allow")
NAMES_MASKED = Rule("names_masked", "person.basic", "read_masked", "allow")


def caps(*grants: tuple[str, str] | tuple[str, str, str], extra: Sequence[Rule] = ()) -> Capabilities:
    held: Sequence[Grant] = [Grant("s", *g) for g in grants]
    return compile_capabilities("s", 1, held, [*default_rules(), *extra])


def decide_fields(
    capabilities: Capabilities, fields: Sequence[Need], purpose: str | None = None, catalog: Sequence[str] = CATALOG
) -> Decision:
    return decide(capabilities, Needs(tuple(fields)), catalog, purpose)


def test_denied_paths_are_listed_and_nothing_is_readable() -> None:
    """综合执法 may read buildings but no personal data; the public directory stays readable."""
    enforcement = caps(("department_officer", "330802", "330802-zonghezhifa"))
    decision = decide_fields(enforcement, [NAME, PHONE, ID_NUMBER, GRID_NAME], "case-1")
    assert decision.denied == ["persons.idNumber", "persons.name", "persons.phone"]
    assert not decision.allowed
    assert decision.access.grid_list("Person") == []


def test_unscoped_classes_are_denied_without_a_rule() -> None:
    policy = need("policyRules", DataClass.POLICY, ())
    assert decide_fields(caps(("grid_chief", KECHENG_A)), [policy, GRID_NAME], None).denied == ["policyRules"]
    assert decide_fields(caps(("auditor", "3308")), [policy, GRID_NAME], None).denied == []


def test_row_scope_is_the_intersection_of_the_classes_asked_of_a_type() -> None:
    """应急 in 柯城区 reads names there but no ID numbers; a grid chief in 衢江区 reads both there."""
    both = caps(("department_officer", "330802", "330802-yingji"), ("grid_chief", QUJIANG))
    names_only = decide_fields(both, [NAME, HOUSEHOLD], None)
    assert names_only.allowed
    assert names_only.access.grid_list("Person") == CATALOG
    with_ids = decide_fields(both, [NAME, ID_NUMBER, HOUSEHOLD], "case-1")
    assert with_ids.allowed
    assert with_ids.access.grid_list("Person") == [QUJIANG]
    assert with_ids.access.grid_list("Household") == CATALOG  # households ask nothing of identity


def test_a_type_with_an_empty_intersection_is_denied() -> None:
    """Names only in 柯城区, ID numbers only in 衢江区: no row could answer both, so both paths are denied."""
    grants = [Grant("s", "department_officer", "330802", "330802-yingji"), Grant("s", ID_CHECKER.role, "330803")]
    split = compile_capabilities("s", 1, grants, [*default_rules(), ID_CHECKER])
    decision = decide_fields(split, [NAME, ID_NUMBER, GRID_NAME], "case-1")
    assert decision.denied == ["persons.idNumber", "persons.name"]
    assert decision.access.grid_list("Person") == []


def test_masked_or_raw_is_decided_per_grid() -> None:
    """A worker in one grid reads ID numbers masked; as chief of the next grid the same person reads them raw."""
    mixed = caps(("grid_worker", KECHENG_A), ("grid_chief", KECHENG_B))
    decision = decide_fields(mixed, [NAME, ID_NUMBER, PHONE], "case-1")
    assert decision.allowed
    access = decision.access
    assert access.grid_list("Person") == [KECHENG_A, KECHENG_B]
    assert not access.is_raw(DataClass.PERSON_IDENTITY, KECHENG_A)
    assert access.is_raw(DataClass.PERSON_IDENTITY, KECHENG_B)
    assert access.is_raw(DataClass.PERSON_CONTACT, KECHENG_A)
    assert not access.is_raw(DataClass.PERSON_IDENTITY, QUJIANG)


def test_masked_only_classes_are_never_raw() -> None:
    operator = caps(("centre_operator", "330802001"))
    decision = decide_fields(operator, [NAME, PHONE, ID_NUMBER, TAGS], None)
    assert decision.allowed
    assert decision.access.grid_list("Person") == [KECHENG_A, KECHENG_B]
    for data_class in (DataClass.PERSON_CONTACT, DataClass.PERSON_IDENTITY, DataClass.PERSON_SENSITIVE):
        assert not decision.access.is_raw(data_class, KECHENG_A)
    assert decision.access.is_raw(DataClass.PERSON_BASIC, KECHENG_A)


def test_raw_l4_without_a_purpose_is_refused() -> None:
    chief = caps(("grid_chief", KECHENG_A))
    without = decide_fields(chief, [NAME, ID_NUMBER, TAGS], None)
    assert without.denied == []
    assert without.missing_purpose == ["person.identity", "person.sensitive"]
    assert not without.allowed
    with_purpose = decide_fields(chief, [NAME, ID_NUMBER, TAGS], "case-1")
    assert with_purpose.allowed


def test_l3_raw_needs_no_purpose() -> None:
    assert decide_fields(caps(("grid_chief", KECHENG_A)), [NAME, PHONE], None).allowed


def test_masked_only_l4_needs_no_purpose() -> None:
    """A worker reads ID numbers masked only: nothing sensitive leaves raw, so no purpose is asked."""
    worker = caps(("grid_worker", KECHENG_A))
    decision = decide_fields(worker, [NAME, ID_NUMBER], None)
    assert decision.allowed
    assert decision.missing_purpose == []
    assert not decision.access.is_raw(DataClass.PERSON_IDENTITY, KECHENG_A)


def test_raw_l4_outside_the_row_scope_needs_no_purpose() -> None:
    """Raw ID numbers only in 衢江区, rows (names) only in 柯城区: nothing raw can be served."""
    grants = [Grant("s", "grid_worker", KECHENG_A), Grant("s", ID_CHECKER.role, "330803")]
    checker = compile_capabilities("s", 1, grants, [*default_rules(), ID_CHECKER])
    decision = decide_fields(checker, [NAME, ID_NUMBER], None)
    assert decision.access.grid_list("Person") == [KECHENG_A]
    assert decision.access.is_raw(DataClass.PERSON_IDENTITY, QUJIANG)
    assert decision.missing_purpose == []
    assert decision.allowed


def test_denied_paths_for_the_client_and_schema_paths_for_the_audit() -> None:
    """The client is told the paths as it wrote them; the audit keeps field names, never alias text."""
    aliased = Need("张三的标签.t", "person.tags", DataClass.PERSON_SENSITIVE, Action.READ, PERSON)
    decision = decide_fields(caps(("grid_part_time", KECHENG_A)), [NAME, aliased], "case-1")
    assert decision.denied == ["张三的标签.t"]
    assert decision.denied_fields == ["person.tags"]


def test_a_filter_is_satisfied_by_raw_reading_only() -> None:
    """An instructor reads tags masked (null): filtering by tags would reveal them, so it is refused."""
    instructor = decide_fields(caps(("grid_instructor", KECHENG_A)), [NAME, TAGS, BY_TAGS], "case-1")
    assert instructor.denied == ["persons(filter.tags)"]
    part_time = decide_fields(caps(("grid_part_time", KECHENG_A)), [NAME, BY_TAGS], "case-1")
    assert part_time.denied == ["persons(filter.tags)"]
    worker = caps(("grid_worker", KECHENG_A))
    assert decide_fields(worker, [NAME, BY_TAGS], "case-1").allowed


def test_a_raw_l4_filter_needs_a_purpose_even_if_no_l4_field_is_read() -> None:
    worker = caps(("grid_worker", KECHENG_A))
    assert decide_fields(worker, [NAME, BY_TAGS], None).missing_purpose == ["person.sensitive"]


def test_a_filter_narrows_its_type_to_the_grids_it_may_test() -> None:
    """Names raw in grid A, masked in grid B: a name prefix runs over A's rows only, so B's names cannot be probed."""
    mixed = caps(("grid_chief", KECHENG_A), ("names_masked", KECHENG_B), extra=[NAMES_MASKED])
    listing = decide_fields(mixed, [NAME], None)
    assert listing.access.grid_list("Person") == [KECHENG_A, KECHENG_B]
    assert not listing.access.is_raw(DataClass.PERSON_BASIC, KECHENG_B)
    probing = decide_fields(mixed, [NAME, BY_NAME], None)
    assert probing.allowed
    assert probing.access.grid_list("Person") == [KECHENG_A]
    masked_only = caps(("names_masked", KECHENG_B), extra=[NAMES_MASKED])
    assert decide_fields(masked_only, [NAME, BY_NAME], None).denied == ["persons(filter.namePrefix)"]


def test_counts_are_served_in_the_grid_stats_jurisdiction_only() -> None:
    chief = decide_fields(caps(("grid_chief", KECHENG_A)), [GRID_NAME, COUNT], None)
    assert chief.allowed
    assert chief.access.covers(DataClass.GRID_STATS, KECHENG_A)
    assert not chief.access.covers(DataClass.GRID_STATS, KECHENG_B)
    assert not chief.access.covers(DataClass.GRID_STATS, QUJIANG)
    for role in ("resident", "security_officer", "auditor"):
        assert decide_fields(caps((role, KECHENG_A)), [GRID_NAME, COUNT], None).denied == ["grid.personCount"]
    enforcement = caps(("department_officer", "330802", "330802-zonghezhifa"))
    assert decide_fields(enforcement, [COUNT], None).denied == ["grid.personCount"]


def test_introspection_needs_a_grant() -> None:
    schema = Needs((), (("s", "__schema"), ("__type", "__type")))
    stranger = decide(caps(), schema, CATALOG, None)
    assert stranger.denied == ["__type", "s"] and stranger.denied_fields == ["__schema", "__type"]
    assert decide(caps(("resident", KECHENG_A)), schema, CATALOG, None).allowed


def test_deciding_rules_name_what_each_need_could_use() -> None:
    """A filter can only use `read`; a field may use `read_masked` too. Rules of roles not held are not cited."""
    rules = tuple(default_rules())
    instructor = caps(("grid_instructor", KECHENG_A))
    assert deciding_rules(instructor, rules, [TAGS]) == ["grid_instructor|person.sensitive|read_masked|allow"]
    assert deciding_rules(instructor, rules, [BY_TAGS]) == []
    worker = caps(("grid_worker", KECHENG_A))
    assert deciding_rules(worker, rules, [BY_TAGS, NAME]) == deciding_rules(worker, list(rules), [BY_TAGS, NAME])
    assert deciding_rules(worker, rules, [BY_TAGS, NAME]) == [
        "grid_worker|person.basic|read|allow",
        "grid_worker|person.sensitive|read|allow",
    ]
