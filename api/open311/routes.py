"""Open311 GeoReport v2 at /open311/v2: services from the catalogue, service requests as cases.

The catalogue (Art. 10's admitted list, public like the Art. 14 directory) is served to anyone.
Everything about requests needs an API key (`api_key` in the query or the form, or an
`X-Api-Key` header) and goes through the GraphQL API as the key's client (`api.open311.channel`):
a POST is `reportCase`, gated and audited like any other; a GET is `case` / `cases` in the
client's case scope, which holds the cases it reported and nothing else. A request id the client
did not file answers exactly as one that does not exist. Errors are GeoReport's list of
`{code, description}` with the matching HTTP status; a missing, malformed, unknown or revoked key
is one 403, whatever was wrong with it.
"""

import json
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route

from api import global_id
from api.case.calendar import CHINA
from api.case.services import CaseServices
from api.open311.channel import Channel
from api.open311.georeport import CASE_SELECTION, definition, service, service_request
from api.pagination import encode_cursor
from api.web.graphql_client import Answer
from authz.api_keys import KeyHolder, verify_key
from graph_model.store import GraphStore
from loaders.case import WorkItemsLoader

MAX_BODY = 16 * 1024  # a description is at most 2,000 characters
MAX_IDS = 20  # service_request_id=a,b,c…: one read each
MAX_RESULTS = 1000  # GeoReport's own cap on a requests list
DEFAULT_WINDOW = timedelta(days=90)  # GeoReport: without start_date, the last 90 days
_STATUS = {"BAD_USER_INPUT": 400, "UNAUTHENTICATED": 403, "FORBIDDEN": 403, "NOT_FOUND": 404, "CONFLICT": 409,
           "SERVICE_UNAVAILABLE": 503}  # fmt: skip
_NO_KEY = "a valid api_key is required"
REPORT = "mutation($i: ReportCaseInput!) { reportCase(input: $i) { number } }"
ONE = "query($id: ID!) { case(id: $id) { " + CASE_SELECTION + " } departments { code name } }"
PAGE = (
    "query($after: String, $first: Int, $f: CaseFilter) { cases(first: $first, after: $after, filter: $f) "
    "{ nodes { " + CASE_SELECTION + " } pageInfo { hasNextPage endCursor } } departments { code name } }"
)


class Refused(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status, self.description = status, description


def _errors(status: int, description: str) -> JSONResponse:
    return JSONResponse([{"code": status, "description": description}], status)


def _graphql_refusal(answer: Answer) -> Refused:
    code = answer.error_codes[0] if answer.errors else ""
    status = _STATUS.get(code, 500)
    description = answer.errors[0].get("message", "") if status != 500 else "internal server error"
    return Refused(status, description)


def _moment(value: str | None, name: str) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise Refused(400, f"{name} must be an ISO 8601 date-time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=CHINA)


def _float(value: str, name: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise Refused(400, f"{name} must be a number in degrees") from None


async def _body(request: Request) -> dict[str, str]:
    """The POST's parameters, from a form-encoded body (what GeoReport clients send) or a JSON object."""
    raw = b""
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > MAX_BODY:
            raise Refused(413, f"the request body is larger than {MAX_BODY} bytes")
    media = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    try:
        if media == "application/json":
            decoded = json.loads(raw)
            if not isinstance(decoded, dict):
                raise Refused(400, "a JSON body is an object of GeoReport parameters")
            attributes = decoded.pop("attribute", None) or {}
            if not isinstance(attributes, dict):
                raise Refused(400, "attribute is an object")
            pairs = [*decoded.items(), *((f"attribute[{k}]", v) for k, v in attributes.items())]
        elif media == "application/x-www-form-urlencoded":
            pairs = parse_qsl(raw.decode(), keep_blank_values=True, strict_parsing=bool(raw), max_num_fields=64)
        else:
            raise Refused(415, "send application/x-www-form-urlencoded or application/json")
    except (ValueError, UnicodeDecodeError):
        raise Refused(400, "the request body cannot be parsed") from None
    params: dict[str, str] = {}
    for key, value in pairs:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise Refused(400, f"{key} must be a string or a number")
        params.setdefault(key, str(value))
    return params


class Open311:
    def __init__(self, channel: Channel, store: GraphStore, cases: CaseServices, page: int) -> None:
        self._channel, self._store, self._cases, self._page = channel, store, cases, page

    async def _holder(self, request: Request, form: dict[str, str] | None = None) -> KeyHolder:
        key = (form or {}).get("api_key") or request.query_params.get("api_key") or request.headers.get("x-api-key")
        holder = await verify_key(self._store, key)
        if holder is None:
            raise Refused(403, _NO_KEY)
        return holder

    async def services(self, request: Request) -> Response:
        return JSONResponse([service(item) for item in await WorkItemsLoader(self._store).every()])

    async def service_definition(self, request: Request) -> Response:
        code = request.path_params["code"]
        if await WorkItemsLoader(self._store).load(code) is None:
            raise Refused(404, "no such service_code")
        return JSONResponse(definition(code))

    async def requests(self, request: Request) -> Response:
        if request.method == "POST":
            return await self._create(request)
        holder = await self._holder(request)
        ids = request.query_params.get("service_request_id")
        if ids is not None:
            wanted = [i.strip() for i in ids.split(",") if i.strip()]
            if not 0 < len(wanted) <= MAX_IDS:
                raise Refused(400, f"service_request_id lists 1 to {MAX_IDS} ids")
            return JSONResponse([r for i in wanted for r in await self._one(holder, i, missing_ok=True)])
        return JSONResponse(await self._list(holder, request))

    async def request(self, request: Request) -> Response:
        holder = await self._holder(request)
        return JSONResponse(await self._one(holder, request.path_params["id"], missing_ok=False))

    async def _create(self, request: Request) -> Response:
        form = await _body(request)
        holder = await self._holder(request, form)
        code = form.get("service_code", "").strip()
        if not code:
            raise Refused(400, "service_code is required")
        description = form.get("description", "").strip()
        if not description:
            raise Refused(400, "description is required")
        data: dict[str, Any] = {"category": code, "description": description, "source": holder.source.upper(),
                                "priority": form.get("attribute[priority]", "normal").upper()}  # fmt: skip
        if data["priority"] not in ("NORMAL", "URGENT"):
            raise Refused(400, "attribute[priority] is normal or urgent")
        if form.get("address_id"):
            data["buildingId"] = global_id.encode("Building", form["address_id"])
        elif "lat" in form and "long" in form:
            data["lat"], data["lon"] = _float(form["lat"], "lat"), _float(form["long"], "long")
        else:
            raise Refused(400, "give lat and long, or address_id")
        phone = form.get("phone", "").replace(" ", "").removeprefix("+86")
        if phone:
            data["contactPhone"] = phone  # case.reporter: served only to who may read it, never over Open311
        answer = await self._channel(holder.principal, REPORT, i=data)
        if answer.errors:
            raise _graphql_refusal(answer)
        number = answer.data["reportCase"]["number"]
        return JSONResponse([{"service_request_id": number, "service_notice": None, "account_id": None}], 201)

    async def _one(self, holder: KeyHolder, number: str, missing_ok: bool) -> list[dict[str, Any]]:
        answer = await self._channel(holder.principal, ONE, id=global_id.encode("Case", number))
        if answer.errors:
            refusal = _graphql_refusal(answer)
            if refusal.status not in (400, 404):  # a malformed number names no request either
                raise refusal
            if missing_ok:
                return []
            raise Refused(404, "no such service request")
        return [service_request(answer.data["case"], _departments(answer))]

    async def _list(self, holder: KeyHolder, request: Request) -> list[dict[str, Any]]:
        query = request.query_params
        end = _moment(query.get("end_date"), "end_date") or self._cases.clock()
        start = _moment(query.get("start_date"), "start_date") or end - DEFAULT_WINDOW
        statuses = {s.strip() for s in query.get("status", "open,closed").split(",")}
        if not statuses <= {"open", "closed"}:
            raise Refused(400, "status is open, closed or both")
        code = query.get("service_code")
        found: list[dict[str, Any]] = []
        after: str | None = encode_cursor(f"{start.astimezone(CHINA).year}-")  # numbers begin with the year
        for _ in range(MAX_RESULTS // self._page):
            f = {"category": code} if code else None
            answer = await self._channel(holder.principal, PAGE, after=after, first=self._page, f=f)
            if answer.errors:
                raise _graphql_refusal(answer)
            page, departments = answer.data["cases"], _departments(answer)
            for case in page["nodes"]:
                served = service_request(case, departments)
                if served["status"] in statuses and start <= datetime.fromisoformat(case["reportedAt"]) <= end:
                    found.append(served)
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        return sorted(found, key=lambda r: r["requested_datetime"], reverse=True)

    async def unknown(self, request: Request) -> Response:
        raise Refused(404, "no such GeoReport v2 resource or method (JSON only: services.json, requests.json)")


def _departments(answer: Answer) -> dict[str, str]:
    return {d["code"]: d["name"] for d in answer.data.get("departments") or ()}


def _answering(handler: Callable[[Request], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
    async def answer(request: Request) -> Response:
        try:
            return await handler(request)
        except Refused as refused:
            return _errors(refused.status, refused.description)

    return answer


def open311_mount(graphql: Any, store: GraphStore, cases: CaseServices, page: int) -> Mount:
    api = Open311(Channel(graphql), store, cases, page)
    return Mount(
        "/open311/v2",
        routes=[
            Route("/services.json", _answering(api.services), methods=["GET"]),
            Route("/services/{code}.json", _answering(api.service_definition), methods=["GET"]),
            Route("/requests.json", _answering(api.requests), methods=["GET", "POST"]),
            Route("/requests/{id}.json", _answering(api.request), methods=["GET"]),
            Route("/{rest:path}", _answering(api.unknown)),
        ],
    )
