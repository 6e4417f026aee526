"""GeoReport v2 shapes: the catalogue as services, a case as a service request.

What an answer holds is chosen field by field, because an outside channel is not the platform:

- A case's `status` is `open` or `closed` (REJECTED and CLOSED are closed), and `status_notes`
  is a fixed phrase per internal status, never a note someone typed: staff notes (a result, a
  return reason) may name the people involved.
- The `description` is left out. GeoReport publishes it in many cities, but residents here
  describe their neighbours, with names and phone numbers; the channel that sent it has it.
  So are the reporter, the contact phone, linked persons, `address_id` (a building can be a
  home) and media. `lat`/`long` stay: the client sent them, and they place the request on a map.
- `agency_responsible` is the department the case is dispatched to (the public directory of
  Art. 14), else the grid that holds it.
"""

from typing import Any

from api.case.enums import CaseStatus

CLOSED = frozenset({CaseStatus.CLOSED.value, CaseStatus.REJECTED.value})
STATUS_NOTES = {
    CaseStatus.REPORTED.value: "已收到，待受理 (received, awaiting acceptance)",
    CaseStatus.ACCEPTED.value: "已受理 (accepted)",
    CaseStatus.REJECTED.value: "不予受理 (not accepted)",
    CaseStatus.ASSIGNED.value: "已交办 (dispatched)",
    CaseStatus.SIGNED.value: "办理中 (in hand)",
    CaseStatus.SUSPENDED.value: "挂账 (suspended)",
    CaseStatus.RESOLVED.value: "已办结，待核查 (resolved, being verified)",
    CaseStatus.VERIFIED.value: "已核查 (verified)",
    CaseStatus.CLOSED.value: "已结案 (closed)",
}
PRIORITY_ATTRIBUTE = {
    "variable": True,
    "code": "priority",
    "datatype": "singlevaluelist",
    "required": False,
    "datatype_description": "一般 (normal) or 紧急 (urgent); picks the time limits.",
    "order": 1,
    "description": "紧急程度 (urgency)",
    "values": [{"key": "normal", "name": "一般 (normal)"}, {"key": "urgent", "name": "紧急 (urgent)"}],
}
# What the GraphQL API is asked for one case: nothing beyond what `service_request` serves.
CASE_SELECTION = (
    "number status category lat lon reportedAt dueAt department workItem { name } grid { name } steps { at }"
)


def service(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "service_code": item["code"],
        "service_name": item["name"],
        "description": f"{item['category']}：{item['name']}",
        "metadata": True,
        "type": "realtime",
        "keywords": item["category"],
        "group": item["category"],
    }


def definition(code: str) -> dict[str, Any]:
    return {"service_code": code, "attributes": [PRIORITY_ATTRIBUTE]}


def service_request(case: dict[str, Any], departments: dict[str, str]) -> dict[str, Any]:
    status = case["status"]
    closed = status in CLOSED
    steps = [s["at"] for s in case["steps"]]
    agency = departments.get(case["department"] or "") or case["grid"]["name"]
    return {
        "service_request_id": case["number"],
        "status": "closed" if closed else "open",
        "status_notes": STATUS_NOTES[status],
        "service_name": (case["workItem"] or {}).get("name"),
        "service_code": case["category"],
        "agency_responsible": agency,
        "service_notice": None,
        "requested_datetime": case["reportedAt"],
        "updated_datetime": max(steps) if steps else case["reportedAt"],
        "expected_datetime": None if closed else case["dueAt"],
        "lat": case["lat"],
        "long": case["lon"],
    }
