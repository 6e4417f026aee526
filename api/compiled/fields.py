"""How each compiled GraphQL field is read from the graph: a column, a global id, a hop, a figure,
or a value derived from columns by the same function the resolvers call.

One table, keyed by GraphQL type and field name, beside the types it mirrors (`api/*/types.py`).
A field missing here is not compiled: an operation that selects it runs through the resolvers,
so a new field is served correctly before anyone adds it here, only more slowly.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any, Final

from api.case.enums import CaseStatus
from api.case.types import case_time, is_overdue, reporter_shown
from api.grid.types import division_path
from authz.classes import DataClass
from authz.gate import Access


@dataclass(frozen=True, slots=True)
class Column:
    """A column of the node's shape, served as is or through `convert` (what the scalar's
    serialization would make of the stored value; an enum's stored value becomes its name)."""

    name: str
    convert: Callable[[Any], Any] | None = None


@dataclass(frozen=True, slots=True)
class GlobalId:
    """The Relay id: the type name and the node's key column."""

    type_name: str
    column: str = "id"


@dataclass(frozen=True, slots=True)
class Follow:
    """A hop to one node, a list or a connection (which of them: the field's GraphQL type says).
    `filter` names the argument that becomes the hop's filter parameter."""

    hop: str
    filter: str | None = None


@dataclass(frozen=True, slots=True)
class Figure:
    """A count, answered only for a grid the caller holds `data_class` for (else null), as the
    resolvers answer it."""

    hop: str
    data_class: DataClass


@dataclass(frozen=True, slots=True)
class Derived:
    """A value computed from `columns` of the node (a null among them included), the request's access
    and its clock, for fields whose resolver computes more than a conversion of one value."""

    columns: tuple[str, ...]
    compute: Callable[[Mapping[str, Any], Access, int], Any]


Reading = Column | GlobalId | Follow | Figure | Derived


@lru_cache(maxsize=1 << 16)  # a city's birth dates span ~40,000 days: each is checked once per worker
def _iso_date(value: str | None) -> str | None:
    return None if value is None else date.fromisoformat(value).isoformat()


def _float(value: float | None) -> float | None:
    return None if value is None else float(value)


def _tags(value: list[str] | None) -> list[str]:
    return value or []


def _case_time(ms: int) -> str:
    return case_time(ms).isoformat()  # type: ignore[union-attr]  # DateTime's serialization


def _of(column: str, convert: Callable[[Any], Any]) -> Derived:
    """One column through `convert`, a stored null included (`reworks or 0`, `bool(anonymous)`)."""
    return Derived((column,), lambda row, access, now_ms: convert(row[column]))


def _overdue(row: Mapping[str, Any], access: Access, now_ms: int) -> bool:
    return is_overdue(row["due_at"], CaseStatus(row["status"]), now_ms)


def _shown(column: str) -> Derived:
    """The reporter's identity or contact: null unless the caller may see who reported the case."""

    def shown(row: Mapping[str, Any], access: Access, now_ms: int) -> Any:
        return row[column] if reporter_shown(access, row["grid"], row["anonymous"]) else None

    return Derived((column, "grid", "anonymous"), shown)


def _staff_only(column: str) -> Derived:
    """Who handles a case and the steps' notes: null for a caller who sees cases only as their reporter."""
    return Derived((column,), lambda row, access, now_ms: row[column] if access.cases.as_staff else None)


_PERSON: Final = {
    "id": GlobalId("Person"),
    "name": Column("name"),
    "gender": Column("gender"),
    "birthDate": Column("birth_date", _iso_date),
    "residency": Column("residency"),
    "relation": Column("relation"),
    "idNumber": Column("id_number"),
    "phone": Column("phone"),
    "tags": Column("tags", _tags),
    "household": Follow("PERSON_HOUSEHOLD"),
    "grid": Follow("IN_GRID"),
}

FIELDS: Final[Mapping[str, Mapping[str, Reading]]] = {
    "Person": _PERSON,
    "Household": {
        "id": GlobalId("Household"),
        "kind": Column("kind"),
        "members": Follow("HOUSEHOLD_MEMBERS"),
        "dwelling": Follow("HOUSEHOLD_DWELLING"),
        "grid": Follow("IN_GRID"),
    },
    "Dwelling": {"unit": Column("unit"), "room": Column("room"), "building": Follow("DWELLING_BUILDING")},
    "Building": {
        "id": GlobalId("Building"),
        "address": Column("address"),
        "kind": Column("kind"),
        "lat": Column("lat", _float),
        "lon": Column("lon", _float),
        "grid": Follow("IN_GRID"),
        "organizations": Follow("BUILDING_ORGANIZATIONS"),
    },
    "Organization": {
        "id": GlobalId("Organization"),
        "name": Column("name"),
        "uscc": Column("uscc"),
        "kind": Column("kind"),
        "building": Follow("ORGANIZATION_BUILDING"),
    },
    "KeyPlace": {
        "id": GlobalId("KeyPlace"),
        "name": Column("name"),
        "kind": Column("kind"),
        "risk": Column("risk"),
        "grid": Follow("IN_GRID"),
    },
    "Grid": {
        "id": GlobalId("Grid"),
        "code": Column("code"),
        "name": Column("name"),
        "kind": Column("kind"),
        "boundary": Column("boundary"),
        "divisionPath": Column("code", division_path),
        "village": Follow("GRID_VILLAGE"),
        "households": Follow("GRID_HOUSEHOLDS"),
        "buildings": Follow("GRID_BUILDINGS"),
        "keyPlaces": Follow("GRID_KEY_PLACES"),
        "staff": Follow("GRID_STAFF", filter="role"),
        "householdCount": Figure("GRID_HOUSEHOLD_COUNT", DataClass.GRID_STATS),
        "personCount": Figure("GRID_PERSON_COUNT", DataClass.GRID_STATS),
    },
    "Division": {
        "id": GlobalId("Division", "code"),
        "code": Column("code"),
        "name": Column("name"),
        "level": Column("level"),
        "parent": Follow("DIVISION_PARENT"),
        "children": Follow("DIVISION_CHILDREN"),
        "grids": Follow("DIVISION_GRIDS"),
    },
    "Staff": {
        "id": GlobalId("Staff"),
        "name": Column("name"),
        "phone": Column("phone"),
        "role": Column("role"),  # an enum: served by its GraphQL name (the planner reads the type)
    },
    # As api.case.types.Case.from_record builds a case (enums are served by name, as for staff).
    "Case": {
        "id": GlobalId("Case"),
        "number": Column("id"),
        "status": Column("status"),
        "category": Column("category"),
        "description": Column("description"),
        "priority": Column("priority"),
        "source": Column("source"),
        "level": Column("level"),
        "lat": Column("lat", _float),
        "lon": Column("lon", _float),
        "department": Column("department"),
        "assignee": _staff_only("assignee"),
        "assignedGrid": Column("assigned_grid"),
        "reportedAt": Column("reported_at", _case_time),
        "dueAt": Column("due_at", _case_time),
        "overdue": Derived(("due_at", "status"), _overdue),
        "extensionUntil": Column("extension_until", _case_time),
        "satisfaction": Column("satisfaction"),
        "reworks": _of("reworks", lambda n: n or 0),
        "extensions": _of("extensions", lambda n: n or 0),
        "duplicateOf": Column("duplicate_of"),
        "anonymous": _of("anonymous", bool),
        "reporter": _shown("reporter"),
        "contactPhone": _shown("contact"),
        "grid": Follow("IN_GRID"),
        "workItem": Follow("CASE_WORK_ITEM"),
        "steps": Follow("CASE_STEPS"),
    },
    "CaseStep": {
        "action": Column("action"),
        "at": Column("at", _case_time),
        "by": _staff_only("by"),
        "fromStatus": Column("from_status"),
        "toStatus": Column("to_status"),
        "note": _staff_only("note"),
    },
    "WorkItemType": {
        "code": Column("code"),
        "name": Column("name"),
        "category": Column("category"),
        "admitted": _of("admitted", bool),
        "lead": Column("lead"),
        "assist": _of("assist", lambda kinds: list(kinds or ())),
        "version": _of("version", int),
    },
}
