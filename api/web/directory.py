"""/: the public grid directory of Art. 14 for a signed-in resident: grid, its area as SVG, its staff.

Each grid's boundary polygon is drawn as an SVG path (api/web/grid_map.py): no map tiles, so the
page works on a network without internet.
"""

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from api.web.graphql_client import GraphQLClient
from api.web.grid_map import MAP_SIZE, GridMap
from api.web.pages import render
from api.web.session import signed_in


def grids_query(name: str, fields: str) -> str:
    """Every grid the caller may read, with `fields`, through the division tree (city to village)."""
    return f"""query {name} {{ divisions {{ code name children {{ code name children {{ code name children {{ code name
  grids {{ {fields} }} }} }} }} }} }}"""


DIRECTORY = grids_query("GridDirectory", "id code name kind boundary staff { name role phone }")


def grids_in(divisions: list[dict]) -> list[dict]:
    found: list[dict] = []
    stack = list(divisions)
    while stack:
        division = stack.pop()
        found.extend(division.get("grids") or [])
        stack.extend(division.get("children") or [])
    return sorted(found, key=lambda grid: grid["code"])


def directory_routes(api: GraphQLClient) -> list[BaseRoute]:
    async def directory(request: Request) -> Response:
        user = signed_in(request)
        if user is None:
            return render(request, "directory.html", user=None, grids=[], refused=None)
        answer = await api(user, DIRECTORY)
        grids = grids_in(answer.data.get("divisions") or [])
        for grid in grids:
            grid["path"] = GridMap.of(grid["boundary"]).path()
        refused = "无法读取网格名录" if answer.errors else None
        return render(request, "directory.html", user=user, grids=grids, refused=refused, size=MAP_SIZE)

    return [Route("/", directory, methods=["GET"])]
