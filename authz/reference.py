"""Casbin as the reference decision procedure: the explaining enforcer and the differential test.

A throwaway enforcer holds the whole rule set and one subject's grants only; it is not
on the request path (see capabilities.py for why).
"""

from collections.abc import Iterable

import casbin

from authz.capabilities import PERSONAL
from authz.classes import GOVERNANCE_ROLES
from authz.grants import Grant
from authz.rules import MODEL, Rule

SUBJECT_PREFIX = "subject:"


def casbin_subject(subject: str) -> str:
    """Subjects and roles share Casbin's name space, where a name is linked to itself: a subject
    called "grid_chief" would hold that role everywhere. Prefixing subjects keeps them apart."""
    return SUBJECT_PREFIX + subject


def jurisdiction_covers(requested: str, granted: str) -> bool:
    """A grant at a division covers everything below it: codes extend their parent's code."""
    return requested.startswith(granted)


def reference_enforcer(rules: Iterable[Rule], grants: Iterable[Grant]) -> casbin.Enforcer:
    grants = list(grants)
    governing = {casbin_subject(g.subject) for g in grants if g.role in GOVERNANCE_ROLES}
    enforcer = casbin.Enforcer(str(MODEL))
    enforcer.add_named_domain_matching_func("g", jurisdiction_covers)
    enforcer.add_function("separated", lambda sub, obj: sub in governing and obj in PERSONAL)
    policies = [rule.as_casbin() for rule in rules]
    if policies:
        enforcer.add_policies(policies)
    links = [[casbin_subject(g.subject), g.policy_role, g.jurisdiction] for g in grants]
    if links:
        enforcer.add_grouping_policies(links)
    return enforcer


def explain(
    rules: Iterable[Rule], grants: Iterable[Grant], subject: str, data_class: str, action: str, jurisdiction: str
) -> tuple[bool, list[list[str]]]:
    """Casbin's decision and the rules that made it (allow rules, or the deny that overrode them).

    `grants` must be the subject's own: the rules are matched against every grant passed."""
    rules, grants = list(rules), list(grants)
    enforcer = reference_enforcer(rules, grants)
    allowed = bool(enforcer.enforce(casbin_subject(subject), jurisdiction, data_class, action))
    matched = [
        rule.as_casbin()
        for rule in rules
        if rule.data_class == data_class
        and rule.action == action
        and any(g.policy_role == rule.role and jurisdiction_covers(jurisdiction, g.jurisdiction) for g in grants)
    ]
    deciding = [r for r in matched if r[3] == ("allow" if allowed else "deny")] or matched
    return allowed, deciding
