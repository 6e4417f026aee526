"""/my-cases: a signed-in resident follows the problems it reported, and rates or reopens a closed one.

Every read and step is the API's, with the resident's own token: the case scope lets a resident see
exactly the cases it reported, so a number in the address that is someone else's is NOT_FOUND, like
one that does not exist. The API shows a resident which office handles its case, never the staff
member, nor staff notes (`CaseScope.as_staff`); the page asks for neither. `cases` pages by case
number, oldest first, and a resident has few reports: the list reads them all (up to `MAX_READ`)
and shows them newest first, `PER_PAGE` at a time.
"""

import re
from datetime import datetime
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from api import global_id
from api.case.services import CaseServices, reopen_until
from api.web.access_history import beijing_time
from api.web.graphql_client import Answer, GraphQLClient
from api.web.guard import action, page, problem
from api.web.pages import render
from api.web.session import WebUser, flash, take_flash

PATH = "/my-cases"
PER_PAGE, MAX_READ = 20, 1000
NUMBER = re.compile(r"[0-9]{4}-[0-9]{6,}")
_SUMMARY = "number status category workItem { name } reportedAt dueAt overdue"
LIST = f"""query MyCases($after: String) {{ cases(first: 100, after: $after) {{
  pageInfo {{ hasNextPage endCursor }} nodes {{ {_SUMMARY} }} }} }}"""
ONE = f"query MyCase($id: ID!) {{ case(id: $id) {{ {_SUMMARY} description satisfaction steps {{ action at }} }} }}"
RATE = "mutation RateMyCase($id: ID!, $s: Int!, $c: String) { rateCase(id: $id, score: $s, comment: $c) { number } }"
REOPEN = "mutation ReopenMyCase($id: ID!, $r: String!) { reopenCase(id: $id, reason: $r) { number } }"


def shown(case: dict[str, Any]) -> dict[str, Any]:
    """Times in Beijing time, for the templates."""
    case["reported"] = beijing_time(case["reportedAt"])
    case["due"] = beijing_time(case["dueAt"]) if case["dueAt"] else ""
    for step in case.get("steps") or ():
        step["shown_at"] = beijing_time(step["at"])
    return case


def reopen_deadline(case: dict[str, Any], reopen_days: int) -> datetime | None:
    """Until when a closed case may be reopened (the API's rule, told in advance): from its last closing."""
    closings = [s["at"] for s in case["steps"] if s["action"] == "close"]
    if case["status"] != "CLOSED" or not closings:
        return None
    return reopen_until(datetime.fromisoformat(closings[-1]), reopen_days)


def case_id(number: str) -> str | None:
    """The API id of a case number from the address; None for anything that is not a case number."""
    return global_id.encode("Case", number) if NUMBER.fullmatch(number) else None


def page_number(text: str | None) -> int:
    return int(text) if text and text.isascii() and text.isdigit() and 0 < int(text) < 10_000 else 1


def my_cases_routes(api: GraphQLClient, cases: CaseServices) -> list[BaseRoute]:
    async def listing(request: Request, user: WebUser) -> Response:
        found: list[dict[str, Any]] = []
        after: str | None = None
        while len(found) < MAX_READ:
            answer = await api(user, LIST, after=after)
            if answer.errors:
                return render(request, "message.html", 403, title="无法查看我的事件", text=problem(answer), user=user)
            connection = answer.data["cases"]
            found += connection["nodes"]
            after = connection["pageInfo"]["endCursor"]
            if not connection["pageInfo"]["hasNextPage"]:
                break
        newest = [shown(c) for c in reversed(found)]
        number = page_number(request.query_params.get("page"))
        rows = newest[(number - 1) * PER_PAGE : number * PER_PAGE]
        more = len(newest) > number * PER_PAGE
        return render(request, "my_cases.html", user=user, rows=rows, page=number, more=more, total=len(newest),
                      flash=take_flash(request))  # fmt: skip

    async def one(request: Request, user: WebUser) -> Response:
        found = case_id(request.path_params["number"])
        answer = await api(user, ONE, id=found) if found else None
        if answer is None or answer.errors:
            return missing(request, user, answer)
        case = shown(answer.data["case"])
        until = reopen_deadline(case, cases.reopen_days)
        reopenable = until is not None and cases.clock() <= until
        return render(request, "my_case.html", user=user, case=case, reopenable=reopenable,
                      until=beijing_time(until.isoformat()) if until else "", flash=take_flash(request))  # fmt: skip

    async def rate(request: Request, user: WebUser, form: FormData) -> Response:
        number, found = request.path_params["number"], case_id(request.path_params["number"])
        score = str(form.get("score") or "")
        if found is None:
            return missing(request, user, None)
        if score not in {"1", "2", "3", "4", "5"}:
            flash(request, "error", "输入有误：请选择1至5分。")
        else:
            comment = str(form.get("comment") or "").strip() or None
            answer = await api(user, RATE, id=found, s=int(score), c=comment)
            report(request, answer, "感谢您的评价。")
        return RedirectResponse(f"{PATH}/{number}", 303)

    async def reopen(request: Request, user: WebUser, form: FormData) -> Response:
        number, found = request.path_params["number"], case_id(request.path_params["number"])
        reason = str(form.get("reason") or "").strip()
        if found is None:
            return missing(request, user, None)
        if not reason:
            flash(request, "error", "输入有误：请说明需要重新办理的原因。")
        else:
            answer = await api(user, REOPEN, id=found, r=reason)
            report(request, answer, "已申请重新办理，事件已回到受理中心。")
        return RedirectResponse(f"{PATH}/{number}", 303)

    return [
        Route(PATH, page(listing), methods=["GET"]),
        Route(f"{PATH}/{{number}}", page(one), methods=["GET"]),
        Route(f"{PATH}/{{number}}/rate", action(rate), methods=["POST"]),
        Route(f"{PATH}/{{number}}/reopen", action(reopen), methods=["POST"]),
    ]


def missing(request: Request, user: WebUser, answer: Answer | None) -> Response:
    """Someone else's case, a case that does not exist and an address that is no case number look alike."""
    text = problem(answer) if answer else "未找到：没有这个事件编号。"
    return render(request, "message.html", 404, title="未找到该事件", text=text, user=user)


def report(request: Request, answer: Answer, done: str) -> None:
    if answer.errors:
        flash(request, "error", problem(answer))
    else:
        flash(request, "ok", done)
