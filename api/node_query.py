"""`node(id)`: fetch any addressable object by its global id, through the same loaders as everywhere."""

from collections.abc import Callable
from typing import Any

import strawberry

from api import global_id
from api.context import Info
from api.division.types import Division
from api.errors import bad_input, not_found
from api.grid.types import Grid
from api.node import Node
from api.person.types import Household, Person
from api.place.types import Building, KeyPlace, Organization
from loaders.base import RecordByIdLoader
from loaders.registry import Loaders

NODE_TYPES: dict[str, tuple[Callable[[Loaders], RecordByIdLoader], Callable[[Any], Node]]] = {
    "Person": (lambda loaders: loaders.person_by_id, Person.from_record),
    "Household": (lambda loaders: loaders.household_by_id, Household.from_record),
    "Grid": (lambda loaders: loaders.grid_by_id, Grid.from_record),
    "Division": (lambda loaders: loaders.division_by_code, Division.from_record),
    "Building": (lambda loaders: loaders.building_by_id, Building.from_record),
    "Organization": (lambda loaders: loaders.organization_by_id, Organization.from_record),
    "KeyPlace": (lambda loaders: loaders.key_place_by_id, KeyPlace.from_record),
}


@strawberry.type
class NodeQuery:
    @strawberry.field(description="Any object by its global id; a missing object answers NOT_FOUND.")
    async def node(self, info: Info, id: strawberry.ID) -> Node:
        type_name, raw_id = global_id.decode(id)
        if type_name not in NODE_TYPES:
            raise bad_input("global id of an unknown type")
        loader, build = NODE_TYPES[type_name]
        row = await loader(info.context.loaders).load(raw_id)
        if row is None:
            raise not_found(type_name)
        return build(row)
