"""Policy rules (role, data class, action, effect) and the default policy that ships with Wangge."""

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_POLICY = Path(__file__).with_name("default_policy.csv")
MODEL = Path(__file__).with_name("model.conf")


@dataclass(frozen=True, slots=True, order=True)
class Rule:
    role: str
    data_class: str
    action: str
    effect: str = "allow"

    @classmethod
    def from_record(cls, row: dict[str, Any]) -> "Rule":
        return cls(row["role"], row["data_class"], row["action"], row["effect"])

    def as_row(self) -> dict[str, str]:
        return {"role": self.role, "data_class": self.data_class, "action": self.action, "effect": self.effect}

    @property
    def key(self) -> str:
        """What identifies a rule in the graph (RULE_KEY in graph_model.cypher.policy)."""
        return "|".join(self.as_casbin())

    def as_casbin(self) -> list[str]:
        return [self.role, self.data_class, self.action, self.effect]


def default_rules() -> list[Rule]:
    with DEFAULT_POLICY.open(newline="") as handle:
        rows = [[cell.strip() for cell in row] for row in csv.reader(handle)]
    return [Rule(*row[1:5]) for row in rows if row and row[0] == "p"]
