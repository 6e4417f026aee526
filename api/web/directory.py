"""/: the public grid directory of Art. 14 for a signed-in resident: grid, its area as SVG, its staff.

The boundary polygon (WKT, longitude latitude) is drawn as an SVG path scaled into a fixed box:
no map tiles, so the page works on a network without internet.
"""

import math

from shapely import wkt
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from api.web.graphql_client import GraphQLClient
from api.web.pages import render
from api.web.session import signed_in

DIRECTORY = """query GridDirectory { divisions { code name children { code name children { code name children { code name
  grids { id code name kind boundary staff { name role phone } } } } } } }"""
MAP_SIZE = 320


def svg_path(boundary: str, size: int = MAP_SIZE, margin: int = 8) -> str:
    """The polygon's outline as SVG path data in a `size`×`size` box, north up, true to its shape: a degree
    of longitude is cos(latitude) as long as a degree of latitude (≈ 0.87 in 衢州)."""
    shape = wkt.loads(boundary)
    west, south, east, north = shape.bounds
    squeeze = math.cos(math.radians((south + north) / 2))
    scale = (size - 2 * margin) / max((east - west) * squeeze, north - south, 1e-9)
    rings = [shape.exterior] if shape.geom_type == "Polygon" else [g.exterior for g in shape.geoms]
    return " ".join(
        "M "
        + " L ".join(
            f"{margin + (x - west) * squeeze * scale:.1f} {margin + (north - y) * scale:.1f}" for x, y in ring.coords
        )
        + " Z"
        for ring in rings
    )


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
            grid["path"] = svg_path(grid["boundary"])
        refused = "无法读取网格名录" if answer.errors else None
        return render(request, "directory.html", user=user, grids=grids, refused=refused, size=MAP_SIZE)

    return [Route("/", directory, methods=["GET"])]
