"""The Jinja2 environment every page is rendered with, and where the static files are served from.

Autoescaping is on for every template: names, notes and reasons shown in pages are text that
anyone able to write to the graph controls.
"""

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from api.web import labels

STATIC_PATH = "/static"

_environment = jinja2.Environment(
    loader=jinja2.PackageLoader("api.web", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)
_environment.globals["static"] = lambda path: f"{STATIC_PATH}/{path}"
_environment.globals["labels"] = labels
templates = Jinja2Templates(env=_environment)


def static_files() -> StaticFiles:
    return StaticFiles(packages=[("api.web", "static")])


def render(request: Request, name: str, status_code: int = 200, **context: object) -> HTMLResponse:
    context = {"user": None, "flash": None, **context}
    response: HTMLResponse = templates.TemplateResponse(request, name, context, status_code=status_code)
    return response
