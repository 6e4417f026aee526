"""A policy change: rules and grants added and removed together, as one versioned step.

Changes are stored as JSON in the change log, so that a rollback can compute the state
of any earlier version (rollback.py) and an auditor can read what each version changed.
"""

import json
from dataclasses import dataclass, fields

from authz.grants import Grant
from authz.rules import Rule


@dataclass(frozen=True)
class ChangeSet:
    add_rules: tuple[Rule, ...] = ()
    remove_rules: tuple[Rule, ...] = ()
    add_grants: tuple[Grant, ...] = ()
    remove_grants: tuple[Grant, ...] = ()

    @property
    def empty(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(self))

    def to_json(self) -> str:
        return json.dumps(
            {
                "add_rules": [r.as_row() for r in self.add_rules],
                "remove_rules": [r.as_row() for r in self.remove_rules],
                "add_grants": [g.as_row() for g in self.add_grants],
                "remove_grants": [g.as_row() for g in self.remove_grants],
            },
            ensure_ascii=False,
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> "ChangeSet":
        data = json.loads(text)
        return cls(
            tuple(Rule.from_record(r) for r in data["add_rules"]),
            tuple(Rule.from_record(r) for r in data["remove_rules"]),
            tuple(Grant.from_record(g) for g in data["add_grants"]),
            tuple(Grant.from_record(g) for g in data["remove_grants"]),
        )
