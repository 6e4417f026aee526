"""/report: a signed-in resident reports a problem (Art. 19), through `reportCase` with its own token.

The form offers the work items a resident would report (safety, disputes, services, enforcement);
not 基础信息采集 or a department's own inspections, which are staff work, nor 信访, which has its own
channel and procedure. The place is a point: clicked on the map of a grid the resident chose from
the public directory (an image button: the browser sends where it was clicked, no script needed), or
typed as latitude and longitude. A resident may report a problem wherever it sees one, and the page
cannot tell which grid is its home (no API names a caller's grants), so it asks. The API routes the
point to its grid, and a point outside every grid comes back as the API's BAD_USER_INPUT, shown as a
sentence. The resident holds no `building` rule, so it cannot list buildings to pick from. What the page checks itself (a number is a number, a category is offered, a
click fell inside the map's grid) only spares a round trip: the API decides.
"""

import math
import re
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from api import global_id
from api.web.directory import grids_in, grids_query
from api.web.graphql_client import Answer, GraphQLClient
from api.web.grid_map import GridMap
from api.web.guard import action, page, problem
from api.web.pages import render
from api.web.session import WebUser, flash

PATH = "/report"
ITEMS = "query ResidentWorkItems { workItemTypes { code name category } }"
GRIDS = grids_query("ResidentGridNames", "code name")
GRID_MAP = "query ResidentGridMap($id: ID!) { grid(id: $id) { code name boundary } }"
CODE = "[0-9]{1,20}"
CLICK = re.compile(f"map-({CODE})\\.x")
REPORT = "mutation ResidentReportCase($i: ReportCaseInput!) { reportCase(input: $i) { number } }"
RESIDENT_CATEGORIES = ("安全隐患", "矛盾纠纷", "代办服务", "民生服务", "执法事项")
FIELDS = ("category", "description", "lat", "lon", "anonymous", "contact")
# The API's refusals a resident can cause, said in Chinese; anything else is shown as the API words it.
MESSAGES = {
    "the point lies outside every grid": "该位置不在本市任何网格范围内，请核对经纬度。",
    "unknown work-item code": "请选择问题类别。",
    "descriptions are": "问题描述最多2000字。",
    "contactPhone must be an 11-digit mainland mobile number": "联系电话须为11位手机号码。",
}


def explain(answer: Answer) -> str:
    message = str(answer.errors[0].get("message", ""))
    known = next((text for start, text in MESSAGES.items() if message.startswith(start)), None)
    return f"输入有误：{known}" if known else problem(answer)


def coordinate(text: str, bound: float) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) and -bound <= value <= bound else None


def clicked(form: FormData, maps: dict[str, GridMap]) -> tuple[str, str] | None:
    """The place clicked on a grid's map, as the form's latitude and longitude; ("", "") for a click
    beside the grid; None when no map was clicked (the form's own submit button)."""
    for key in form:
        match = CLICK.fullmatch(key)
        if match and match[1] in maps:
            x, y = coordinate(str(form.get(key)), 10_000), coordinate(str(form.get(f"map-{match[1]}.y")), 10_000)
            place = maps[match[1]].place(x, y) if x is not None and y is not None else None
            return (str(place[0]), str(place[1])) if place else ("", "")
    return None


def report_input(
    form: FormData, offered: set[str], maps: dict[str, GridMap]
) -> tuple[dict[str, Any] | None, str | None]:
    """The `ReportCaseInput` the form asks for, or why it cannot be sent."""
    value = {name: str(form.get(name) or "").strip() for name in FIELDS}
    click = clicked(form, maps)
    if click == ("", ""):
        return None, "输入有误：请在地图上网格范围（蓝色区域）内点击问题所在位置，或填写经纬度。"
    if click:
        value["lat"], value["lon"] = click
    lat, lon = coordinate(value["lat"], 90), coordinate(value["lon"], 180)
    if value["category"] not in offered:
        return None, "输入有误：请选择问题类别。"
    if not value["description"]:
        return None, "输入有误：请描述问题。"
    if lat is None or lon is None:
        return None, "输入有误：纬度和经度须为数字（纬度 -90 至 90，经度 -180 至 180）。"
    data: dict[str, Any] = {"category": value["category"], "description": value["description"], "lat": lat,
                            "lon": lon, "source": "RESIDENT", "anonymous": value["anonymous"] == "on"}  # fmt: skip
    if value["contact"]:
        data["contactPhone"] = value["contact"]
    return data, None


def report_routes(api: GraphQLClient) -> list[BaseRoute]:
    async def offered(user: WebUser) -> tuple[list[dict[str, str]], Answer]:
        answer = await api(user, ITEMS)
        items = [i for i in answer.data.get("workItemTypes") or [] if i["category"] in RESIDENT_CATEGORIES]
        return sorted(items, key=lambda i: (RESIDENT_CATEGORIES.index(i["category"]), i["code"])), answer

    async def grid_map(user: WebUser, code: str | None) -> dict[str, Any] | None:
        """The grid `code` (from the address or the clicked button) with its map, if it is one."""
        if not code or not re.fullmatch(CODE, code):
            return None
        grid = (await api(user, GRID_MAP, id=global_id.encode("Grid", code))).data.get("grid")
        return {**grid, "map": GridMap.of(grid["boundary"])} if grid else None

    async def show(request: Request, user: WebUser, status: int = 200, refused: str | None = None,
                   entered: dict[str, str] | None = None, chosen: str | None = None) -> Response:  # fmt: skip
        items, answer = await offered(user)
        if answer.errors:
            return render(request, "message.html", 403, title="无法报告问题", text=problem(answer), user=user)
        grids = grids_in((await api(user, GRIDS)).data.get("divisions") or [])
        grid = await grid_map(user, chosen or request.query_params.get("grid"))
        return render(request, "report.html", status, user=user, items=items, refused=refused, grids=grids,
                      grid=grid, entered=entered or dict.fromkeys(FIELDS, ""))  # fmt: skip

    async def form(request: Request, user: WebUser) -> Response:
        return await show(request, user)

    async def submit(request: Request, user: WebUser, form: FormData) -> Response:
        entered = {name: str(form.get(name) or "") for name in FIELDS}
        items, _ = await offered(user)
        code = next((m[1] for m in map(CLICK.fullmatch, form) if m), None)
        grid = await grid_map(user, code)
        data, refused = report_input(form, {i["code"] for i in items}, {grid["code"]: grid["map"]} if grid else {})
        if data is None:
            return await show(request, user, 400, refused, entered, code)
        answer = await api(user, REPORT, i=data)
        if answer.errors:
            status = 403 if "FORBIDDEN" in answer.error_codes else 400
            return await show(request, user, status, explain(answer), entered, code)
        number = answer.data["reportCase"]["number"]
        flash(request, "ok", f"已提交，事件编号 {number}。您可在“我的事件”中查看办理进度。")
        return RedirectResponse(f"/my-cases/{number}", 303)

    return [Route(PATH, page(form), methods=["GET"]), Route(PATH, action(submit), methods=["POST"])]
