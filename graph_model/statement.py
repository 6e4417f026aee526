"""A named Cypher statement: the unit that spans, audit entries and metrics are labelled with.

Statements are module-level constants; their text never contains a formatted value, only `$params`.
"""

from dataclasses import dataclass
from typing import LiteralString


@dataclass(frozen=True, slots=True)
class Statement:
    name: str
    text: LiteralString

    def __repr__(self) -> str:
        return f"Statement({self.name})"
