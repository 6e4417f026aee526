"""Reads for a resident's "who read my data" (PIPL Art. 45): their person, the records naming it, office names.

The person is looked up from the caller's own subject, never taken from the request: a resident
cannot ask for anyone else's history, because nothing they send names whose it is.
"""

from graph_model.cypher.audit import LIST_ACCESSES_TO_DATA_SUBJECT
from graph_model.cypher.resident import GET_OFFICE_NAMES, GET_RESIDENT_PERSON
from graph_model.store import GraphStore, Record
from loaders.audit import NEWEST


class AccessHistoryReader:
    def __init__(self, store: GraphStore) -> None:
        self._store = store

    async def person_of(self, subject: str) -> str | None:
        rows = await self._store.read(GET_RESIDENT_PERSON, {"subject": subject})
        return rows[0]["person"] if rows else None

    async def accesses(self, data_subject: str, reader: str, before: str | None, limit: int) -> list[Record]:
        """Records naming `data_subject`, newest first, except those `reader` made (their own look-ups)."""
        params = {"data_subject": data_subject, "reader": reader, "before": before or NEWEST, "limit": limit}
        return await self._store.read(LIST_ACCESSES_TO_DATA_SUBJECT, params)

    async def office_names(self, codes: set[str]) -> dict[str, str]:
        if not codes:
            return {}
        rows = await self._store.read(GET_OFFICE_NAMES, {"codes": sorted(codes)})
        return {row["code"]: row["name"] for row in rows if row["name"]}
