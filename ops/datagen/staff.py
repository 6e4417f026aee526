"""Staff, departments and role grants: the subjects that the authorization layer will recognise.

Art. 11 staffs every grid with a 网格长, a 专职网格员, 兼职网格员 and a 网格指导员;
each of them is also granted their role in that grid. Art. 4 names the
departments that work through the grids; each county gets one of each, with one
officer granted `department_officer` in the county for that department. Command
centres (Art. 18), security officers, auditors and residents are subjects with
grants only: they are not grid or department staff, so they get no `Staff` row.

Subject ids are readable (`staff-330802001001001-chief`, `officer-330802-minzheng`)
so that a developer can mint a dev token for a persona without looking anything up.
"""

import random
from typing import Final

from graph_model.rows import DepartmentRow, GrantRow, PersonRow, ResidentAccountRow, ServesRow, StaffRow, WorksForRow
from ops.datagen import names
from ops.datagen.divisions import CITY_CODE, County

ROLES: Final = (
    "grid_chief", "grid_worker", "grid_part_time", "grid_instructor", "centre_operator",
    "department_officer", "security_officer", "auditor", "resident",
)  # fmt: skip

# slug → department name after the county name (Art. 4 list, in its order)
DEPARTMENTS: Final = {
    "zonghezhifa": "综合行政执法局",
    "minzheng": "民政局",
    "dashuju": "大数据发展中心",
    "yingshang": "营商环境建设办公室",
    "shichangjianguan": "市场监督管理局",
    "yingji": "应急管理局",
    "gongan": "公安局",
    "xinfang": "信访局",
    "sifa": "司法局",
    "renshe": "人力资源和社会保障局",
    "weijian": "卫生健康局",
    "shengtai": "生态环境局",
    "nongye": "农业农村局",
    "ziranziyuan": "自然资源和规划局",
    "zhujian": "住房和城乡建设局",
    "wenguanglv": "文化和广电旅游体育局",
    "tuiyijunren": "退役军人事务局",
    "minzong": "民族宗教事务局",
}
# Offices that in a 区 are branches of the city bureau (衢州市公安局柯城分局); 生态环境 is one everywhere.
_DISTRICT_BRANCHES: Final = frozenset({"gongan", "ziranziyuan"})

_GRID_ROLES: Final = (("chief", "grid_chief"), ("worker", "grid_worker"), ("instructor", "grid_instructor"))


def _person(rng: random.Random, sid: str) -> StaffRow:
    male = rng.random() < 0.5
    return {"id": sid, "name": names.full_name(rng.random, names.surname(rng.random), male, False),
            "phone": names.mobile(rng.random)}  # fmt: skip


def grid_staff(rng: random.Random, grid: str) -> tuple[list[StaffRow], list[ServesRow], list[GrantRow]]:
    """The Art. 11 team of one grid, each member granted their role in that grid only."""
    roles = list(_GRID_ROLES) + [(f"part{i}", "grid_part_time") for i in range(1, rng.randint(1, 3) + 1)]
    staff, serves, grants = [], [], []
    for suffix, role in roles:
        sid = f"staff-{grid}-{suffix}"
        staff.append(_person(rng, sid))
        serves.append(ServesRow(staff=sid, grid=grid, role=role))
        grants.append(GrantRow(subject=sid, role=role, jurisdiction=grid, department=None))
    return staff, serves, grants


def department_name(county: County, slug: str) -> str:
    if slug == "shengtai" or (county.is_district and slug in _DISTRICT_BRANCHES):
        return f"衢州市{DEPARTMENTS[slug]}{county.name[:2]}分局"
    return f"{county.name}{DEPARTMENTS[slug]}"


def departments(
    rng: random.Random, county: County
) -> tuple[list[DepartmentRow], list[StaffRow], list[WorksForRow], list[GrantRow]]:
    """Each Art. 4 department of the county, with one officer granted it in the county."""
    depts, staff, works, grants = [], [], [], []
    for slug in DEPARTMENTS:
        code = f"{county.code}-{slug}"
        sid = f"officer-{code}"
        depts.append(DepartmentRow(code=code, name=department_name(county, slug), division=county.code))
        staff.append(_person(rng, sid))
        works.append(WorksForRow(staff=sid, department=code))
        grants.append(GrantRow(subject=sid, role="department_officer", jurisdiction=county.code, department=code))
    return depts, staff, works, grants


def centre_operator(division: str) -> GrantRow:
    """An operator of the 社会治理综合指挥机构 at a township or county (Art. 18)."""
    return GrantRow(subject=f"centre-{division}", role="centre_operator", jurisdiction=division, department=None)


def city_officials() -> list[GrantRow]:
    """Two security officers and one auditor, both city-wide: separation of duties needs two kinds."""
    return [
        GrantRow(subject=f"security-{CITY_CODE}-1", role="security_officer", jurisdiction=CITY_CODE, department=None),
        GrantRow(subject=f"security-{CITY_CODE}-2", role="security_officer", jurisdiction=CITY_CODE, department=None),
        GrantRow(subject=f"auditor-{CITY_CODE}", role="auditor", jurisdiction=CITY_CODE, department=None),
    ]


def residents(grid: str, persons: list[PersonRow]) -> tuple[list[GrantRow], list[ResidentAccountRow]]:
    """Two resident personas of the grid, each signed in as one of its persons, from two households:
    neither may see what was read about the other (or the other's household)."""
    first = persons[0]
    second = next(p for p in persons if p["household"] != first["household"])
    grants, accounts = [], []
    for i, person in enumerate((first, second), start=1):
        subject = f"resident-{grid}-{i}"
        grants.append(GrantRow(subject=subject, role="resident", jurisdiction=grid, department=None))
        accounts.append(ResidentAccountRow(subject=subject, person=person["id"]))
    return grants, accounts
