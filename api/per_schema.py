"""One object per GraphQL schema, made on first use: what is derived from a schema's types (the
gate's field catalogue, the compiled read plans) lives as long as that schema and no longer, and a
schema built with other limits or types (tests build many) never sees another's."""

from collections.abc import Callable
from typing import TypeVar
from weakref import WeakKeyDictionary

from graphql import GraphQLSchema

T = TypeVar("T")


def per_schema(make: Callable[[], T]) -> Callable[[GraphQLSchema], T]:
    made: WeakKeyDictionary[GraphQLSchema, T] = WeakKeyDictionary()

    def of(schema: GraphQLSchema) -> T:
        found = made.get(schema)
        if found is None:
            found = made[schema] = make()
        return found

    return of
