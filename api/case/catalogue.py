"""The admitted work-item catalogue (事项准入清单, Art. 10): shipped as `work_items.toml`, installed
into the graph as `WorkItemType` nodes, read back from the graph.

The graph copy is what cases use, so a later catalogue change (through the catalogue
permission) takes effect without a release. Installing is idempotent and records the file's
version on every item; it also creates the counter that numbers cases.
"""

import tomllib
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import Any, Self

from graph_model.cypher.case import ENSURE_CASE_COUNTER, UPSERT_WORK_ITEM_TYPES
from graph_model.store import GraphStore, Record

DEFAULT_CATALOGUE = Path(__file__).with_name("work_items.toml")
PRIORITIES = ("normal", "urgent")


class Step(IntEnum):
    """The positions of a time-limit list: one limit per step of the lifecycle."""

    ACCEPT = 0
    DISPATCH = 1
    SIGN = 2
    HANDLE = 3
    VERIFY = 4


@dataclass(frozen=True)
class WorkItem:
    code: str
    name: str
    category: str
    admitted: bool
    lead: str  # department kind (主办), e.g. "yingji"
    assist: tuple[str, ...]  # department kinds (协办)
    petition: bool
    limits_normal: tuple[str, ...]
    limits_urgent: tuple[str, ...]
    version: int

    def limit(self, priority: str, step: Step) -> str:
        return (self.limits_urgent if priority == "urgent" else self.limits_normal)[step]

    @classmethod
    def from_record(cls, row: Record) -> Self:
        return cls(
            code=row["code"],
            name=row["name"],
            category=row["category"],
            admitted=bool(row["admitted"]),
            lead=row["lead"],
            assist=tuple(row["assist"] or ()),
            petition=bool(row["petition"]),
            limits_normal=tuple(row["limits_normal"]),
            limits_urgent=tuple(row["limits_urgent"]),
            version=int(row["version"]),
        )

    def as_row(self) -> dict[str, Any]:
        return {**self.__dict__, "assist": list(self.assist), "limits_normal": list(self.limits_normal),
                "limits_urgent": list(self.limits_urgent)}  # fmt: skip


def load_catalogue(path: Path = DEFAULT_CATALOGUE) -> list[WorkItem]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    defaults = data["limits"]
    items = [
        WorkItem(
            code=item["code"],
            name=item["name"],
            category=item["category"],
            admitted=item["admitted"],
            lead=item["lead"],
            assist=tuple(item.get("assist", ())),
            petition=item.get("petition", False),
            limits_normal=tuple(item.get("normal", defaults["normal"])),
            limits_urgent=tuple(item.get("urgent", defaults["urgent"])),
            version=data["version"],
        )
        for item in data["item"]
    ]
    if len({i.code for i in items}) != len(items):
        raise ValueError(f"{path}: duplicate work-item codes")
    if any(len(i.limits_normal) != len(Step) or len(i.limits_urgent) != len(Step) for i in items):
        raise ValueError(f"{path}: every limit list names {len(Step)} steps")
    return items


async def install_catalogue(store: GraphStore, items: list[WorkItem] | None = None) -> None:
    await store.write(ENSURE_CASE_COUNTER)
    await store.write(UPSERT_WORK_ITEM_TYPES, {"items": [i.as_row() for i in items or load_catalogue()]})
