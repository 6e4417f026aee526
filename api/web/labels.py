"""Chinese labels for the names the API speaks in (data classes, actions, roles, error codes).

Pages show a label beside the technical name, never instead of it: an officer must be able to
copy the exact value into a change.
"""

from authz.classes import DataClass

CLASSES = {
    "division": "行政区划",
    "grid": "网格",
    "grid.stats": "网格统计",
    "staff.directory": "网格员名录",
    "department": "部门",
    "building": "建筑",
    "key_place": "重点场所",
    "organization": "组织",
    "household": "户",
    "person.basic": "人员基本信息",
    "person.identity": "身份证件",
    "person.contact": "联系方式",
    "person.sensitive": "特殊人群标记",
    "case.basic": "事件基本信息",
    "case.reporter": "事件报告人",
    "case.petition": "信访事件",
    "work_item": "网格事项清单",
    "policy": "权限策略",
    "audit": "审计记录",
    "access_history": "本人数据访问记录",
    "webhook": "部门事件推送",
    "webhook.delivery": "推送投递记录",
}

ACTIONS = {
    "read": "读取",
    "read_masked": "脱敏读取",
    "write": "写入",
    "report": "上报事件",
    "export": "导出",
    "assign": "分派",
    "manage_policy": "管理策略",
    "read_audit": "查阅审计",
}

ROLES = {
    "grid_chief": "网格长",
    "grid_worker": "专职网格员",
    "grid_part_time": "兼职网格员",
    "grid_instructor": "网格指导员",
    "centre_operator": "指挥中心操作员",
    "department_officer": "部门工作人员",
    "security_officer": "安全管理员",
    "auditor": "审计员",
    "resident": "居民",
}

STAFF_ROLES = {
    "GRID_CHIEF": "网格长",
    "GRID_WORKER": "专职网格员",
    "GRID_PART_TIME": "兼职网格员",
    "GRID_INSTRUCTOR": "网格指导员",
}

# A resident's access history names offices, never people (api/auditing/history.py).
OFFICE_KINDS = {"DEPARTMENT": "", "GRID_STAFF": "网格工作人员", "COMMAND_CENTRE": "社会治理综合指挥中心", "OTHER": ""}
OPERATIONS = {"query": "查阅", "mutation": "修改"}
REASONS = {
    "base-data": "基础信息采集",
    "safety-check": "安全检查",
    "dispute": "矛盾纠纷调解",
    "proxy-service": "代办服务",
    "public-service": "公共服务",
    "special-care": "特殊人群关爱",
    "law-enforcement": "行政执法",
    "emergency": "应急处置",
}

STATUSES = {"APPLIED": "已生效", "PENDING": "待审批", "REJECTED": "已驳回"}

# A case as its reporter follows it (api/case/lifecycle.py has the statuses and actions).
CASE_STATUSES = {
    "REPORTED": "待受理",
    "ACCEPTED": "已受理",
    "REJECTED": "不予受理",
    "ASSIGNED": "已交办",
    "SIGNED": "办理中",
    "SUSPENDED": "暂缓办理",
    "RESOLVED": "已办结，待核查",
    "VERIFIED": "已核查",
    "CLOSED": "已结案",
}
CASE_ACTIONS = {
    "report": "提交",
    "accept": "受理",
    "reject": "不予受理",
    "escalate": "上报上级",
    "assign": "交办",
    "sign": "签收",
    "return": "退回重新交办",
    "transfer": "转办",
    "supervise": "督办",
    "request_extension": "申请延期",
    "approve_extension": "延期获批",
    "refuse_extension": "延期未获批",
    "suspend": "暂缓办理",
    "resume": "恢复办理",
    "resolve": "办结",
    "verify": "核查通过",
    "rework": "返工",
    "close": "结案",
    "rate": "评价",
    "reopen": "重新办理",
}

ERRORS = {
    "UNAUTHENTICATED": "登录已过期，请重新登录",
    "FORBIDDEN": "无权执行此操作",
    "BAD_USER_INPUT": "输入有误",
    "NOT_FOUND": "未找到",
    "CONFLICT": "与其他操作冲突，请刷新后重试",
    "SERVICE_UNAVAILABLE": "服务暂不可用，请稍后重试",
    "INTERNAL_SERVER_ERROR": "服务内部错误",
}


def level(data_class: str) -> str:
    """`L1`…`L4`, or empty for a name that is not a data class (a refused change may name one)."""
    try:
        return DataClass(data_class).level.name
    except ValueError:
        return ""


def role_label(role: str) -> str:
    """Department officers' roles are `department_officer` or a per-department kind of it."""
    return ROLES.get(role) or (ROLES["department_officer"] if role.startswith("department") else "")


def purpose_label(purpose: str | None) -> str:
    """`reason:<code>` as its Chinese name, `case:<id>` as the case it served; the code stays beside it."""
    if not purpose:
        return "未声明"
    kind, _, value = purpose.partition(":")
    if kind == "case":
        return f"办理事件 {value}"
    return f"{REASONS[value]}（{value}）" if value in REASONS else purpose
