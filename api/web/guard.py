"""What every console handler checks first: a session (else to sign-in), and on a form, its CSRF token."""

from collections.abc import Awaitable, Callable

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from api.web.graphql_client import Answer
from api.web.labels import ERRORS
from api.web.pages import render
from api.web.relying_party import sign_in_url
from api.web.session import WebUser, csrf_valid, signed_in

Page = Callable[[Request, WebUser], Awaitable[Response]]
Action = Callable[[Request, WebUser, FormData], Awaitable[Response]]


def page(handler: Page) -> Callable[[Request], Awaitable[Response]]:
    async def guarded(request: Request) -> Response:
        user = signed_in(request)
        if user is None:
            return RedirectResponse(sign_in_url(request), 303)
        return await handler(request, user)

    return guarded


def action(handler: Action) -> Callable[[Request], Awaitable[Response]]:
    """A state-changing form: refused (403, nothing done) without a session or with a wrong CSRF token."""

    async def guarded(request: Request) -> Response:
        user = signed_in(request)
        form = await request.form()
        if user is None or not csrf_valid(user, form):
            return render(
                request, "message.html", 403, title="请求被拒绝", text="表单已失效或来源不明，未执行任何操作。"
            )
        return await handler(request, user, form)

    return guarded


def problem(answer: Answer) -> str:
    """The API's refusal as a sentence for the page: a Chinese summary, then the API's own message."""
    error = answer.errors[0]
    code = error.get("extensions", {}).get("code", "")
    return f"{ERRORS.get(code, '操作失败')}：{error.get('message', '')}"
