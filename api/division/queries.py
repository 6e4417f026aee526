"""Root fields of the division tree."""

from typing import Annotated

import strawberry

from api.context import Info
from api.division.types import Division
from api.errors import not_found
from api.fields import classified, filter_argument
from authz.classes import DataClass


@strawberry.type
class DivisionQuery:
    @classified(DataClass.DIVISION, "The city, or the children of `parent` when given.")
    async def divisions(
        self, info: Info, parent: Annotated[str | None, filter_argument(DataClass.DIVISION)] = None
    ) -> list[Division]:
        loaders = info.context.loaders
        rows = await (loaders.divisions_by_parent.load(parent) if parent else loaders.pages.root_divisions())
        return [Division.from_record(r) for r in rows]

    @classified(DataClass.DIVISION)
    async def division(self, info: Info, code: str) -> Division:
        row = await info.context.loaders.division_by_code.load(code)
        if row is None:
            raise not_found("division")
        return Division.from_record(row)
