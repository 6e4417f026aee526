"""/console/audit: what an auditor does with the audit trail, each step a call to the audit API.

Search by subject, data subject (one person's access history), class, decision, time and trace id;
counts per day, per class, per hour of the day (out-of-hours reads marked) and denials per subject
and per role drawn as bars; the newest L4 reads with their declared purposes; export as CSV or JSON
lines (the export is itself on the record); each chain's head and last signed checkpoint, and a
button that verifies the whole trail as `wangge audit verify` does.
"""

from collections import Counter
from typing import Any

from starlette.datastructures import FormData, QueryParams
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from api.web.graphql_client import Answer, GraphQLClient
from api.web.guard import action, page, problem
from api.web.pages import render
from api.web.session import WebUser

PATH = "/console/audit"
FILTERS = {
    "subject": "subject",
    "data_subject": "dataSubject",
    "data_class": "dataClass",
    "decision": "decision",
    "from": "from",
    "to": "to",
    "trace_id": "traceId",
}
SEARCH = """query AuditSearch($f: AuditFilter, $denied: AuditFilter, $allowed: AuditFilter, $identity: AuditFilter,
  $sensitive: AuditFilter) {
  auditRecords(first: 50, filter: $f) { nodes { ...shown } }
  byDay: auditCounts(by: DAY, filter: $f) { key count }
  byClass: auditCounts(by: DATA_CLASS, filter: $f) { key count }
  byHour: auditCounts(by: HOUR, filter: $allowed) { key count }
  byDayClass: auditCounts(by: DAY_AND_CLASS, filter: $f) { key count }
  denials: auditCounts(by: SUBJECT, filter: $denied) { key count }
  deniedRoles: auditRecords(first: 100, filter: $denied) { nodes { roles { role } } }
  identityReads: auditRecords(first: 10, filter: $identity) { nodes { ...shown } }
  sensitiveReads: auditRecords(first: 10, filter: $sensitive) { nodes { ...shown } }
  auditChains { checkpointAt checkpointValid chains { chain head signed } } }
fragment shown on AuditRecord { id at subject clientId roles { role jurisdiction } decision outcome errorCodes
  operationName dataClasses levels dataSubjects deniedPaths purpose traceId }"""
VERIFY = "query AuditVerification { auditVerification { ok problem records chains checkpoints verifiedAt } }"
WORKING_HOURS = frozenset(f"{hour:02d}" for hour in range(8, 18))  # 8:00-18:00 Beijing time
NO_GRANT = "（无授权）"
PALETTE = ("#1d4e89", "#2a7f62", "#b5651d", "#6a4c93", "#8a1c1c")  # one per class shown; the rest are grey
OTHERS, OTHERS_COLOUR = "其他", "#8c939b"
BAR_WIDTH, CHART_DAYS = 220, 14
EXPORT = "query AuditExport($format: ExportFormat!, $f: AuditFilter) { auditExport(format: $format, filter: $f, limit: 10000) }"
FORMATS = {"CSV": ("text/csv; charset=utf-8", "csv"), "JSONL": ("application/x-ndjson", "jsonl")}


def audit_filter(values: QueryParams | FormData) -> dict[str, Any]:
    chosen = {api: str(values.get(name) or "").strip() for name, api in FILTERS.items()}
    for bound in ("from", "to"):  # <input type=datetime-local> sends no zone: the console shows Beijing time
        if chosen[bound] and len(chosen[bound]) == 16:
            chosen[bound] += ":00+08:00"
    return {key: value for key, value in chosen.items() if value}


def denials_by_role(denied: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Roles are in each record's body, not a column to count by: counted here over the newest denials."""
    counted = Counter(
        role for record in denied for role in ({r["role"] for r in record["roles"]} or {NO_GRANT})
    )  # fmt: skip
    return [{"key": role, "count": n} for role, n in counted.most_common()]


def day_by_class(counts: list[dict[str, Any]]) -> dict[str, Any]:
    """Each of the newest days as one bar cut by class (the busiest classes coloured, the rest grey):
    the stacked chart is laid out here, since a template cannot carry a running offset."""
    cells = []
    for row in counts:
        day, _, data_class = (row["key"] or "").partition(" ")
        cells.append((day, data_class, row["count"]))
    busiest = Counter[str]()
    for _, data_class, count in cells:
        busiest[data_class] += count
    colours = dict(zip((c for c, _ in busiest.most_common(len(PALETTE))), PALETTE, strict=False))
    days: dict[str, Counter[str]] = {}
    for day, data_class, count in cells:
        days.setdefault(day, Counter())[data_class if data_class in colours else OTHERS] += count
    shown = sorted(days, reverse=True)[:CHART_DAYS]
    top = max((sum(days[d].values()) for d in shown), default=1)
    bars = []
    for day in shown:
        x, parts = 0.0, []
        for data_class, count in sorted(days[day].items(), key=lambda item: item[0] == OTHERS):
            width = BAR_WIDTH * count / top
            parts.append({"x": round(x, 1), "width": round(width, 1), "colour": colours.get(data_class, OTHERS_COLOUR),
                          "label": f"{data_class} {count}"})  # fmt: skip
            x += width
        bars.append({"day": day, "total": sum(days[day].values()), "parts": parts, "end": round(x, 1)})
    legend = [*colours.items(), *([(OTHERS, OTHERS_COLOUR)] if len(busiest) > len(colours) else [])]
    return {"bars": bars, "legend": legend}


def audit_routes(api: GraphQLClient) -> list[BaseRoute]:
    async def search(request: Request, user: WebUser, verification: Answer | None = None) -> Response:
        chosen = audit_filter(request.query_params)
        answer = await api(
            user, SEARCH, f=chosen, denied={**chosen, "decision": "deny"}, allowed={**chosen, "decision": "allow"},
            identity={**chosen, "dataClass": "person.identity", "decision": "allow"},
            sensitive={**chosen, "dataClass": "person.sensitive", "decision": "allow"},
        )  # fmt: skip
        status = 200 if not answer.errors else 403 if "FORBIDDEN" in answer.error_codes else 400
        data = answer.data
        roles = denials_by_role((data.get("deniedRoles") or {}).get("nodes", []))
        return render(
            request, "audit.html", status, user=user, data=data, refused=problem(answer) if answer.errors else None,
            params=request.query_params, filters=FILTERS, roles=roles, working_hours=WORKING_HOURS,
            per_day=day_by_class(data.get("byDayClass") or []), verification=verification,
        )  # fmt: skip

    async def verify(request: Request, user: WebUser, form: FormData) -> Response:
        return await search(request, user, verification=await api(user, VERIFY))

    async def export(request: Request, user: WebUser, form: FormData) -> Response:
        chosen = str(form.get("format") or "CSV")
        media, suffix = FORMATS.get(chosen, FORMATS["CSV"])
        answer = await api(user, EXPORT, format=chosen if chosen in FORMATS else "CSV", f=audit_filter(form))
        if answer.errors:
            return render(request, "message.html", 403, title="导出被拒绝", text=problem(answer), user=user)
        disposition = f'attachment; filename="wangge-audit.{suffix}"'
        return Response(answer.data["auditExport"], media_type=media, headers={"content-disposition": disposition})

    return [
        Route(PATH, page(search), methods=["GET"]),
        Route(f"{PATH}/export", action(export), methods=["POST"]),
        Route(f"{PATH}/verify", action(verify), methods=["POST"]),
    ]
