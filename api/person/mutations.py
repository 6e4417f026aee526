"""Base-data collection by grid staff: correcting a person's phone (person.contact, write)."""

import contextlib
import re

import strawberry

from api import global_id
from api.context import Info
from api.errors import bad_input, not_found
from api.fields import classified_mutation
from api.node_query import fetch
from api.person.types import Person
from authz.classes import Action, DataClass

MOBILE = re.compile(r"1[3-9][0-9]{9}")  # ASCII digits, in full: `\d` takes fullwidth digits, `$` a newline


@strawberry.type
class PersonMutation:
    @classified_mutation(
        DataClass.PERSON_CONTACT, Action.WRITE, "Record a person's new mobile number (11 digits); returns the person."
    )
    async def update_person_phone(self, info: Info, id: strawberry.ID, phone: str) -> Person:
        raw_id = global_id.decode(id, "Person")[1]
        if not MOBILE.fullmatch(phone):
            raise bad_input("phone must be an 11-digit mainland mobile number")
        if not await info.context.loaders.writes.person_phone(raw_id, phone):
            raise not_found("Person")
        with contextlib.suppress(KeyError):  # an earlier field of this operation may have cached the old row
            info.context.loaders.person_by_id.clear(raw_id)
        return await fetch(info, "Person", raw_id)
