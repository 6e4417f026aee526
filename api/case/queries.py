"""Root fields for cases and the work-item catalogue."""

from typing import Annotated

import strawberry

from api.case.actions import load
from api.case.inputs import CaseFilter
from api.case.types import Case, WorkItemType, build_case
from api.context import Info
from api.fields import classified, filter_argument
from api.filters import within
from api.pagination import Connection, connection, decode_cursor, page_size
from authz.classes import DataClass
from loaders.case import CaseQuery as CasePageQuery


@strawberry.type
class CaseQuery:
    @classified(DataClass.WORK_ITEM, "The admitted work-item list (Art. 10), by code.")
    async def work_item_types(self, info: Info) -> list[WorkItemType]:
        return [WorkItemType.from_record(r) for r in await info.context.loaders.work_items.every()]

    @classified(DataClass.CASE_BASIC, "One case; a missing or out-of-scope case answers NOT_FOUND.")
    async def case(self, info: Info, id: strawberry.ID) -> Case:
        return build_case(info, await load(info, id))

    @classified(DataClass.CASE_BASIC, "Cases in the caller's case scope, by number.")
    async def cases(
        self, info: Info, first: int | None = None, after: str | None = None, filter: CaseFilter | None = None
    ) -> Connection[Case]:
        f = filter or CaseFilter()
        size = page_size(first, info.context.limits.max_page_size)
        query = CasePageQuery(
            within(f.grid, f.division), f.status.value if f.status else None, f.category if f.category else None
        )
        rows = await info.context.loaders.cases.page(query, decode_cursor(after), size + 1)
        return connection(rows, size, lambda row: build_case(info, row))

    @classified(DataClass.CASE_BASIC, "Open cases past their due time, in a division and optionally of a department.")
    async def overdue_cases(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        division_code: Annotated[str | None, filter_argument(DataClass.DIVISION)] = None,
        department_code: Annotated[str | None, filter_argument(DataClass.DEPARTMENT)] = None,
    ) -> Connection[Case]:
        size = page_size(first, info.context.limits.max_page_size)
        now = info.context.cases.now_ms()
        rows = await info.context.loaders.cases.overdue(
            within(None, division_code), department_code, now, decode_cursor(after), size + 1
        )
        return connection(rows, size, lambda row: build_case(info, row))
