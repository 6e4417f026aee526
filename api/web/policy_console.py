"""/console/policy: what a security officer does with policy, each step a call to the policy API.

Roles and rules, a subject's grants, "why may X read Y", composing a change with its dry-run
impact before it is proposed, the pending queue where a second officer approves or rejects,
and the version history with rollback. The API decides everything (separation of duties,
jurisdiction, approval); this page only shows its answers and refusals.
"""

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from api.web.graphql_client import Answer, GraphQLClient
from api.web.guard import action, page, problem
from api.web.pages import render
from api.web.session import WebUser, flash, take_flash

PATH = "/console/policy"
_CHANGE = """id version status author reason approvedBy rejectedBy proposedAt appliedAt
  addRules { role dataClass action effect } removeRules { role dataClass action effect }
  addGrants { subject role jurisdiction department expiresAt } removeGrants { subject role jurisdiction department expiresAt }"""
OVERVIEW = f"query PolicyOverview {{ roles policyRules {{ role dataClass action effect }} policyVersions(first: 30) {{ {_CHANGE} }} }}"
GRANTS = "query RoleGrants($s: String!) { roleGrants(subject: $s) { subject role jurisdiction department expiresAt } }"
EXPLAIN = """query ExplainAccess($s: String!, $c: String!, $a: String!, $j: String!) {
  explainAccess(subject: $s, dataClass: $c, action: $a, jurisdiction: $j) { allowed rules { role dataClass action effect } } }"""
DRY_RUN = """mutation DryRunPolicyChange($c: PolicyChangeInput!) { dryRunPolicyChange(change: $c) {
  needsApproval approvalReasons subjectsChecked truncated problems changes { subject dataClass action gained lost } } }"""
PROPOSE = f"mutation ProposePolicyChange($c: PolicyChangeInput!) {{ proposePolicyChange(change: $c) {{ {_CHANGE} }} }}"
APPROVE = "mutation ApprovePolicyChange($id: ID!) { approvePolicyChange(id: $id) { id version status } }"
REJECT = "mutation RejectPolicyChange($id: ID!) { rejectPolicyChange(id: $id) { id status } }"
ROLLBACK = (
    "mutation RollbackPolicy($v: Int!, $r: String!) { rollbackPolicy(version: $v, reason: $r) { id version status } }"
)
KINDS = {"add_grant": "addGrants", "remove_grant": "removeGrants", "add_rule": "addRules", "remove_rule": "removeRules"}
COMPOSE_FIELDS = ("kind", "reason", "subject", "role", "jurisdiction", "department", "data_class", "action", "effect")


def change_input(form: FormData) -> dict[str, Any]:
    """One grant or rule to add or remove, as the API's `PolicyChangeInput`."""
    value = {name: str(form.get(name) or "").strip() for name in COMPOSE_FIELDS}
    kind = KINDS.get(value["kind"], "addGrants")
    if kind.endswith("Grants"):
        item: dict[str, Any] = {
            "subject": value["subject"],
            "role": value["role"],
            "jurisdiction": value["jurisdiction"],
        }
        if value["department"]:
            item["department"] = value["department"]
    else:
        item = {"role": value["role"], "dataClass": value["data_class"], "action": value["action"]}
        item["effect"] = value["effect"] or "allow"
    return {"reason": value["reason"], kind: [item]}


def rule_matrix(rules: list[dict[str, str]]) -> dict[str, dict[str, list[dict[str, str]]]]:
    """Role → data class → its rules: one row per role, one column per class, instead of 200 lines."""
    matrix: dict[str, dict[str, list[dict[str, str]]]] = {}
    for rule in rules:
        matrix.setdefault(rule["role"], {}).setdefault(rule["dataClass"], []).append(rule)
    return matrix


def policy_routes(api: GraphQLClient) -> list[BaseRoute]:
    async def overview(
        request: Request, user: WebUser, dry: Answer | None = None, composed: dict[str, str] | None = None
    ) -> Response:
        answer = await api(user, OVERVIEW)
        if answer.errors:
            return render(request, "message.html", 403, title="无法打开权限管理", text=problem(answer), user=user)
        params = request.query_params
        grants = explain = None
        if params.get("subject"):
            grants = await api(user, GRANTS, s=params["subject"])
        if all(params.get(name) for name in ("who", "class", "action", "jurisdiction")):
            explain = await api(
                user, EXPLAIN, s=params["who"], c=params["class"], a=params["action"], j=params["jurisdiction"]
            )
        return render(
            request, "policy.html", user=user, data=answer.data, matrix=rule_matrix(answer.data["policyRules"]), grants=grants, explain=explain,
            flash=take_flash(request), params=params, dry=dry, composed=composed or dict.fromkeys(COMPOSE_FIELDS, ""),
        )  # fmt: skip

    async def compose(request: Request, user: WebUser, form: FormData) -> Response:
        """The dry run of the composed change, shown above a form that proposes exactly that change."""
        dry = await api(user, DRY_RUN, c=change_input(form))
        composed = {name: str(form.get(name) or "") for name in COMPOSE_FIELDS}
        return await overview(request, user, dry=dry, composed=composed)

    async def propose(request: Request, user: WebUser, form: FormData) -> Response:
        answer = await api(user, PROPOSE, c=change_input(form))
        report(request, answer, "proposePolicyChange", "变更已生效", "变更已提交，等待另一名安全管理员审批")
        return RedirectResponse(PATH, 303)

    async def decide(request: Request, user: WebUser, form: FormData) -> Response:
        approve = form.get("decision") == "approve"
        answer = await api(user, APPROVE if approve else REJECT, id=str(form.get("id") or ""))
        field = "approvePolicyChange" if approve else "rejectPolicyChange"
        report(request, answer, field, "已批准，变更已生效" if approve else "已驳回", "")
        return RedirectResponse(PATH, 303)

    async def rollback(request: Request, user: WebUser, form: FormData) -> Response:
        version = str(form.get("version") or "")
        if not version.isdigit():
            flash(request, "error", "输入有误：版本号必须是数字")
            return RedirectResponse(PATH, 303)
        answer = await api(user, ROLLBACK, v=int(version), r=str(form.get("reason") or "").strip())
        report(request, answer, "rollbackPolicy", f"已回滚到版本 {version}", f"回滚到版本 {version} 已提交，等待审批")
        return RedirectResponse(PATH, 303)

    return [
        Route(PATH, page(overview), methods=["GET"]),
        Route(f"{PATH}/compose", action(compose), methods=["POST"]),
        Route(f"{PATH}/propose", action(propose), methods=["POST"]),
        Route(f"{PATH}/decide", action(decide), methods=["POST"]),
        Route(f"{PATH}/rollback", action(rollback), methods=["POST"]),
    ]


def report(request: Request, answer: Answer, field: str, applied: str, pending: str) -> None:
    if answer.errors:
        flash(request, "error", problem(answer))
    elif answer.data[field]["status"] == "PENDING" and pending:
        flash(request, "ok", pending)
    else:
        flash(request, "ok", applied)
