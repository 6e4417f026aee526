"""/my-data: "who read my data" for a signed-in resident (PIPL Art. 45), after Estonia's Data Tracker.

The page asks `myAccessHistory` with the resident's own token and takes nothing else from the
request but the page cursor: whose history it shows is decided by the API from the sign-in, so a
person id in the address changes nothing. Times are shown in Beijing time.
"""

from datetime import datetime, timedelta, timezone

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from api.web.graphql_client import GraphQLClient
from api.web.guard import page, problem
from api.web.pages import render
from api.web.session import WebUser

PATH = "/my-data"
HISTORY = """query MyAccessHistory($after: String) { myAccessHistory(first: 50, after: $after) {
  pageInfo { hasNextPage endCursor } nodes { at operationType dataClasses purpose offices { kind code name } } } }"""
BEIJING = timezone(timedelta(hours=8))


def beijing_time(at: str) -> str:
    return datetime.fromisoformat(at).astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")


def access_history_routes(api: GraphQLClient) -> list[BaseRoute]:
    async def history(request: Request, user: WebUser) -> Response:
        answer = await api(user, HISTORY, after=request.query_params.get("after") or None)
        if answer.errors:
            status = 403 if "FORBIDDEN" in answer.error_codes else 400
            return render(request, "my_data.html", status, user=user, found=None, refused=problem(answer))
        found = answer.data["myAccessHistory"]
        for access in found["nodes"]:
            access["shown_at"] = beijing_time(access["at"])
        return render(request, "my_data.html", user=user, found=found, refused=None)

    return [Route(PATH, page(history), methods=["GET"])]
