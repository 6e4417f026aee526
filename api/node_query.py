"""`node(id)`: fetch any addressable object by its global id, through the same scoped loaders.

An out-of-scope id answers exactly like a missing one (NOT_FOUND), so ids cannot be probed.
"""

from collections.abc import Callable
from typing import Any

import strawberry

from api import global_id
from api.context import Context, Info
from api.division.types import Division
from api.errors import bad_input, not_found
from api.fields import NODE_ENTRY
from api.grid.types import Grid
from api.node import Node
from api.person.types import Household, Person
from api.place.types import Building, KeyPlace, Organization
from authz.classes import DataClass
from loaders.base import RecordByIdLoader

Builder = Callable[[dict[str, Any], Context], Node]

NODE_TYPES: dict[str, tuple[Callable[[Context], RecordByIdLoader], Builder]] = {
    "Person": (lambda c: c.loaders.person_by_id, lambda row, c: Person.from_record(row, c.access)),
    "Household": (lambda c: c.loaders.household_by_id, lambda row, c: Household.from_record(row)),
    "Grid": (lambda c: c.loaders.grid_by_id, lambda row, c: Grid.from_record(row)),
    "Division": (lambda c: c.loaders.division_by_code, lambda row, c: Division.from_record(row)),
    "Building": (lambda c: c.loaders.building_by_id, lambda row, c: Building.from_record(row)),
    "Organization": (lambda c: c.loaders.organization_by_id, lambda row, c: Organization.from_record(row)),
    "KeyPlace": (lambda c: c.loaders.key_place_by_id, lambda row, c: KeyPlace.from_record(row)),
}

# The class that the type's own root field declares: what fetching one by id asks for.
ENTRY_CLASSES: dict[str, DataClass] = {
    "Person": DataClass.PERSON_BASIC,
    "Household": DataClass.HOUSEHOLD,
    "Grid": DataClass.GRID,
    "Division": DataClass.DIVISION,
    "Building": DataClass.BUILDING,
    "Organization": DataClass.ORGANIZATION,
    "KeyPlace": DataClass.KEY_PLACE,
}


async def fetch(info: Info, type_name: str, raw_id: str) -> Any:
    """One object of a type by its own id, through that type's scoped loader; NOT_FOUND if none in scope."""
    loader, build = NODE_TYPES[type_name]
    row = await loader(info.context).load(raw_id)
    if row is None:
        raise not_found(type_name)
    return build(row, info.context)


@strawberry.type
class NodeQuery:
    @strawberry.field(
        description="Any object by its global id; a missing or out-of-scope object answers NOT_FOUND.",
        metadata={NODE_ENTRY: True},
    )
    async def node(self, info: Info, id: strawberry.ID) -> Node:
        type_name, raw_id = global_id.decode(id)
        if type_name not in NODE_TYPES:
            raise bad_input("global id of an unknown type")
        return await fetch(info, type_name, raw_id)
