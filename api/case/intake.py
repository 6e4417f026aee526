"""`reportCase`: a new case routed to its grid, linked to an earlier report of the same problem.

Routing (FixMyStreet's by area): a building id gives the building's grid; a point goes through
the grid router (point-in-polygon). A point outside every grid is BAD_USER_INPUT. A report of
the same work item within the configured radius and time window of an open earlier one is still
recorded, and linked to the first report (`duplicateOf`), not lost.

Persons the case concerns must be readable unmasked by the reporter (the input field is a
person.basic filter, so the gate asks for it): a resident cannot probe which person ids exist.

With an Idempotency-Key the case is made under the key's hash, in the statement that makes it: a
retry after an unknown outcome (the statement timed out, the answer was lost) answers the case the
first attempt made, never a second one (`CREATE_CASE`).
"""

import math
import re
from datetime import datetime

from api import global_id
from api.case.actions import load, note_text, work_item
from api.case.calendar import CHINA
from api.case.catalogue import Step
from api.case.inputs import ReportCaseInput
from api.case.types import Case, build_case
from api.context import Info
from api.errors import bad_input, not_found
from authz.classes import DataClass

MOBILE = re.compile(r"1[3-9][0-9]{9}")
MAX_DESCRIPTION = 2000
METRES_PER_DEGREE = 111_320.0


def _metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance on a sphere of the Earth's mean radius: enough for tens of metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


async def _place(info: Info, data: ReportCaseInput) -> tuple[str, float | None, float | None, str | None]:
    """(grid code, lat, lon, building id) of the report."""
    point = data.lat is not None or data.lon is not None
    if (data.building_id is None) == (not point):
        raise bad_input("give either buildingId or lat and lon")
    if data.building_id is not None:
        building = global_id.decode(data.building_id, "Building")[1]
        rows = await info.context.loaders.cases.building_locations([building])
        if not rows:
            raise bad_input("unknown building")
        return rows[0]["grid"], rows[0]["lat"], rows[0]["lon"], building
    if data.lat is None or data.lon is None or not (-90 <= data.lat <= 90 and -180 <= data.lon <= 180):
        raise bad_input("lat and lon must both be given, in degrees")
    grid = await info.context.cases.router.grid_at(data.lon, data.lat, info.context.policy.grids)
    if grid is None:
        raise bad_input("the point lies outside every grid")
    return grid, data.lat, data.lon, None


async def _duplicate_of(info: Info, category: str, lat: float | None, lon: float | None, now: datetime) -> str | None:
    if lat is None or lon is None:
        return None
    services = info.context.cases
    radius = services.duplicate_radius_m
    dlat = radius / METRES_PER_DEGREE
    dlon = radius / (METRES_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
    since = int((now - services.duplicate_window).timestamp() * 1000)
    rows = await info.context.loaders.cases.duplicates(
        category, since, (lat - dlat, lon - dlon, lat + dlat, lon + dlon)
    )
    near = [r for r in rows if _metres(lat, lon, r["lat"], r["lon"]) <= radius]
    return near[0]["id"] if near else None


async def _persons(info: Info, data: ReportCaseInput) -> list[str]:
    ids = sorted({global_id.decode(p, "Person")[1] for p in data.person_ids or ()})
    if not ids:
        return []
    readable = sorted(info.context.access.raw.get(DataClass.PERSON_BASIC, ()))
    if len(await info.context.loaders.cases.persons(ids, readable)) != len(ids):
        raise not_found("Person")
    return ids


async def report(info: Info, data: ReportCaseInput) -> Case:
    ctx = info.context
    item = await work_item(info, data.category)
    description = note_text(data.description, required=True) if len(data.description) <= MAX_DESCRIPTION else None
    if description is None:
        raise bad_input(f"descriptions are 1 to {MAX_DESCRIPTION} characters")
    if data.contact_phone is not None and not MOBILE.fullmatch(data.contact_phone):
        raise bad_input("contactPhone must be an 11-digit mainland mobile number")
    grid, lat, lon, building = await _place(info, data)
    persons = await _persons(info, data)
    now = ctx.cases.clock().astimezone(CHINA)
    calendar = ctx.cases.calendar
    due = calendar.add(now, calendar.minutes(item.limit(data.priority.value, Step.ACCEPT)))
    duplicate = await _duplicate_of(info, item.code, lat, lon, now)
    case = {
        "category": item.code, "description": description, "status": "REPORTED", "priority": data.priority.value,
        "source": data.source.value, "grid": grid, "level": "grid", "reporter": ctx.principal.subject,
        "anonymous": data.anonymous, "petition": item.petition, "reported_at": int(now.timestamp() * 1000),
        "due_at": int(due.timestamp() * 1000), "reworks": 0, "extensions": 0, "version": 0,
        **{k: v for k, v in {"contact": data.contact_phone, "lat": lat, "lon": lon, "building": building,
                             "duplicate_of": duplicate}.items() if v is not None},
    }  # fmt: skip
    case_id, made = await ctx.loaders.cases.create(str(now.year), grid, case, duplicate, persons, ctx.idempotency_key)
    if not made:  # an earlier attempt with this Idempotency-Key made it, and its answer was lost
        return build_case(info, await load(info, global_id.encode("Case", case_id)))
    return build_case(info, {**_EMPTY, **case, "id": case_id})


# Properties a new case does not have yet, as the read statements return them (null).
_EMPTY = dict.fromkeys(
    ("department", "assignee", "assigned_grid", "contact", "lat", "lon", "building", "remaining",
     "extension_until", "satisfaction", "closed_at", "duplicate_of"),
)  # fmt: skip
