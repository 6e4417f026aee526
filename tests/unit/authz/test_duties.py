"""Separation of duties as computed rules: what needs a second officer, and who may be one."""

from authz.capabilities import compile_capabilities
from authz.changes import ChangeSet
from authz.duties import duty_conflict, independent_officer, role_widening, rule_conflict, widening
from authz.grants import Grant
from authz.rules import Rule, default_rules

GRID = "330802001001001"
RULES = default_rules()


def caps(*grants: Grant, rules: list[Rule] = RULES):  # type: ignore[no-untyped-def]
    return compile_capabilities("s", 0, grants, rules)


def test_personal_classes_and_writes_need_approval_directory_does_not() -> None:
    assert widening(caps(), caps(Grant("s", "resident", GRID))) == []
    worker = widening(caps(), caps(Grant("s", "grid_worker", GRID)))
    assert "s gains person.basic read in 330802001001001" in worker
    assert "s gains person.contact write in 330802001001001" in worker
    assert any("manage_policy" in line for line in widening(caps(), caps(Grant("s", "security_officer", "330802"))))
    assert widening(caps(Grant("s", "grid_worker", GRID)), caps()) == []  # revoking never does


def test_a_deny_lifted_needs_approval_even_on_a_low_class() -> None:
    embargo = [*RULES, Rule("resident", "grid", "read", "deny")]
    before = caps(Grant("s", "resident", "330802"), Grant("s", "grid_chief", GRID), rules=embargo)
    after = caps(Grant("s", "resident", "330802"), Grant("s", "grid_chief", GRID))
    assert widening(before, after) == ["s gains grid read in 330802, 330802001001001"]


def test_rule_changes_are_judged_for_every_holder_of_the_role() -> None:
    wider = [*RULES, Rule("grid_part_time", "person.sensitive", "read")]
    assert role_widening("grid_part_time", RULES, wider) == ["every grid_part_time gains person.sensitive read in 3308"]
    kind = "department_officer:minzheng"
    assert role_widening(kind, RULES, [*RULES, Rule(kind, "person.identity", "read")])
    assert role_widening("grid_worker", RULES, [r for r in RULES if r.role != "grid_worker"]) == []


def test_governance_roles_hold_no_personal_role_and_not_each_other() -> None:
    officer = Grant("o", "security_officer", "3308")
    assert duty_conflict("o", [officer], RULES) is None
    # a resident files and follows its own cases (case.basic): an officer does that with a private account
    assert "resident (case.basic)" in (duty_conflict("o", [officer, Grant("o", "resident", GRID)], RULES) or "")
    directory_only = [r for r in RULES if r.data_class != "case.basic"]
    assert duty_conflict("o", [officer, Grant("o", "resident", GRID)], directory_only) is None
    assert "grid_chief" in (duty_conflict("o", [officer, Grant("o", "grid_chief", GRID)], RULES) or "")
    assert "auditor" in (duty_conflict("o", [officer, Grant("o", "auditor", "3308")], RULES) or "")
    assert rule_conflict(ChangeSet(add_rules=(Rule("auditor", "person.basic", "read_masked"),)))
    assert rule_conflict(ChangeSet(add_rules=(Rule("auditor", "person.basic", "read", "deny"),))) is None


def test_an_approver_needs_an_officer_grant_the_author_did_not_approve() -> None:
    change = ChangeSet(add_grants=(Grant("x", "grid_chief", GRID),))
    seeded = Grant("b", "security_officer", "3308")
    by_author = Grant("b", "security_officer", "3308", granted_by="c", approved_by="a")
    made_by_author = Grant("b", "security_officer", "3308", granted_by="a", approved_by="c")
    elsewhere = Grant("b", "security_officer", "330803", granted_by="c", approved_by="d")
    assert independent_officer([seeded], "a", change)
    assert not independent_officer([by_author], "a", change)
    assert independent_officer([made_by_author], "a", change)  # a second person approved it
    assert not independent_officer([elsewhere], "a", change)  # does not cover 330802
    assert not independent_officer([Grant("b", "grid_chief", "3308")], "a", change)
