"""Separation of duties for policy changes: what one officer may do alone, and who may approve the rest.

These are invariants in code, not deny rules in the policy, because whoever manages the
policy could remove a rule. Three of them:
- a change that widens what matters (any class of level L3 or above, any write, export,
  assignment, policy management or audit reading) or lifts a deny waits for a second officer;
  it is computed by compiling capabilities before and after, as the dry run does;
- a subject holding a governance role (security officer, auditor) holds no role with a
  personal class and not the other governance role (the engine enforces the first part at
  compile time too; the policy API refuses the change);
- the second officer is not the author, gains nothing from the change, covers it with an
  officer grant that someone other than the author approved (or the operator loaded).
"""

from collections.abc import Iterable, Mapping, Sequence

from authz.capabilities import PERSONAL, Capabilities, Scope, compile_capabilities
from authz.changes import ChangeSet
from authz.classes import GOVERNANCE_ROLES, OWN_CLASSES, Action, DataClass, Level, Role
from authz.grants import Grant
from authz.rules import Rule

CITY = "3308"
SEPARATION_OF_DUTIES = "SEPARATION_OF_DUTIES"
OFFICER = Role.SECURITY_OFFICER.value
MANAGE = (DataClass.POLICY.value, Action.MANAGE_POLICY.value)
_WEIGHTY_ACTIONS = frozenset(
    a.value for a in (Action.WRITE, Action.EXPORT, Action.ASSIGN, Action.MANAGE_POLICY, Action.READ_AUDIT)
)
_WEIGHTY_CLASSES = frozenset(c.value for c in DataClass if c.level >= Level.L3 and c not in OWN_CLASSES)


def weighty(data_class: str, action: str) -> bool:
    return data_class in _WEIGHTY_CLASSES or action in _WEIGHTY_ACTIONS


def _gained(old: Scope, new: Scope) -> list[str]:
    """Jurisdictions `new` covers that `old` did not: new allow prefixes, and denies lifted."""
    opened = [a for a in new.allow if new.covers(a) and not old.covers(a)]
    lifted = [d for d in old.deny - new.deny if new.covers(d)]
    return sorted(set(opened + lifted))


def gains(before: Capabilities, after: Capabilities) -> dict[tuple[str, str], list[str]]:
    """Per class and action, the jurisdictions `after` covers that `before` did not."""
    found = {}
    for key in sorted(set(before.scopes) | set(after.scopes)):
        gained = _gained(before.scope(*key), after.scope(*key))
        if gained:
            found[key] = gained
    return found


def widening(before: Capabilities, after: Capabilities) -> list[str]:
    """Why `after` needs a second officer's approval over `before`, one line per class and action."""
    return [
        f"{after.subject} gains {key[0]} {key[1]} in {', '.join(gained)}"
        for key, gained in gains(before, after).items()
        if weighty(*key) or before.scope(*key).deny - after.scope(*key).deny
    ]


def role_widening(role: str, rules_before: Iterable[Rule], rules_after: Iterable[Rule]) -> list[str]:
    """A rule change, judged for a holder of the role in the whole city (rules carry no jurisdiction)."""
    holder = [Grant(f"every {role}", role.partition(":")[0], CITY, _department_of(role))]
    return widening(
        compile_capabilities(holder[0].subject, 0, holder, rules_before),
        compile_capabilities(holder[0].subject, 0, holder, rules_after),
    )


def _department_of(policy_role: str) -> str | None:
    """`department_officer:minzheng` stands for any department of that kind."""
    kind = policy_role.partition(":")[2]
    return f"{CITY}-{kind}" if kind else None


def duty_conflict(subject: str, grants: Sequence[Grant], rules: Iterable[Rule]) -> str | None:
    """Why this set of grants breaks separation of duties, if it does."""
    governance = sorted({g.role for g in grants if g.role in GOVERNANCE_ROLES})
    if not governance:
        return None
    if len(governance) > 1:
        return f"{subject} would be both {governance[0]} and {governance[1]}"
    held = {g.policy_role for g in grants}
    personal = sorted(
        {
            f"{r.role} ({r.data_class})"
            for r in rules
            if r.role in held and r.effect == "allow" and r.data_class in PERSONAL
        }
    )
    if personal:
        return f"{subject} is {governance[0]} and would hold personal data through {personal[0]}"
    return None


def rule_conflict(change: ChangeSet) -> str | None:
    """A governance role may never be given a personal class by a rule, whoever holds it today."""
    for rule in change.add_rules:
        if rule.role in GOVERNANCE_ROLES and rule.effect == "allow" and rule.data_class in PERSONAL:
            return f"{rule.role} may not be allowed {rule.data_class}"
    return None


def jurisdictions(change: ChangeSet) -> list[str]:
    """Where a change acts: its grants' jurisdictions; rules act city-wide."""
    places = {g.jurisdiction for g in change.add_grants + change.remove_grants}
    if change.add_rules or change.remove_rules:
        places.add(CITY)
    return sorted(places)


def outside_scope(officer: Capabilities, change: ChangeSet) -> list[str]:
    """The jurisdictions of the change that the officer's own `manage_policy` scope does not cover."""
    scope = officer.scope(*MANAGE)
    return [j for j in jurisdictions(change) if not scope.covers(j)]


def beneficiaries(change: ChangeSet) -> set[str]:
    """Subjects named by the change's grants."""
    return {g.subject for g in change.add_grants + change.remove_grants}


def independent_officer(officer_grants: Iterable[Grant], author: str, change: ChangeSet) -> bool:
    """Holds an officer grant covering the whole change that the author neither approved nor made alone."""
    places = jurisdictions(change)
    for grant in officer_grants:
        if grant.role != OFFICER or not all(j.startswith(grant.jurisdiction) for j in places):
            continue
        operator_loaded = grant.granted_by is None
        approved_elsewhere = grant.approved_by is not None and grant.approved_by != author
        if operator_loaded or approved_elsewhere:
            return True
    return False


def grants_after(current: Mapping[str, Sequence[Grant]], change: ChangeSet) -> dict[str, list[Grant]]:
    """Each subject's grants once the change is applied."""
    removed = set(change.remove_grants)
    after = {s: [g for g in grants if g not in removed] for s, grants in current.items()}
    for grant in change.add_grants:
        after.setdefault(grant.subject, []).append(grant)
    return after
