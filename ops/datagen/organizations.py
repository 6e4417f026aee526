"""Organizations (组织机构) and key places (重点场所) of one grid: Art. 10 (2) base data.

Each organization sits in one of the grid's non-residential buildings and has
a GB 32100 code whose registration authority and type match its kind (9-1
enterprise, 9-2 个体工商户, 9-3 cooperative, 5-1 social organization, 5-2 民办
非企业单位, 1-2 public institution, N-2 village collective). Codes are unique
without shared state: the organization-code body encodes the grid's county slot
and the organization's index through a bijection, so it looks random but
never repeats within a county (the region part separates counties).
"""

import random
from typing import Final

from graph_model.rows import KeyPlaceRow, OrganizationRow
from ops.datagen.codes import USCC_ALPHABET, make_uscc
from ops.datagen.layout import GridPlan, VillagePlan

_SPACE: Final = 31**6  # six free characters of the organization-code body after "MA"
_MULTIPLIER: Final = 492_876_863  # not a multiple of 31, so x → a·x + b is a bijection mod 31^6
_PER_GRID: Final = 100

_BRANDS: Final = (
    "鑫源", "恒达", "华盛", "金诚", "宏达", "永盛", "天诚", "瑞丰", "信达", "博远", "汇通", "衢通",
    "三衢", "烂柯", "江郎", "钱江", "锦程", "立新", "兴旺", "润泽",
)  # fmt: skip
_INDUSTRIES: Final = (
    "贸易", "建材", "机械", "电子", "食品", "物流", "建筑工程", "网络科技", "餐饮管理", "特种纸业", "氟硅新材料", "木业",
    "茶业", "胡柚开发",
)  # fmt: skip
_SHOPS: Final = (
    "五金店", "便利店", "小吃店", "理发店", "超市", "水果店", "农资店", "汽修店", "鸭头店", "烤饼店", "药店", "面馆",
)  # fmt: skip

# kind → (authority, type, building kinds, urban weight, rural weight)
_KINDS: Final = {
    "enterprise": ("9", "1", ("commercial", "mixed"), 30, 15),
    "individual_business": ("9", "2", ("mixed", "commercial"), 55, 45),
    "cooperative": ("9", "3", ("commercial",), 0, 20),
    "social_organization": ("5", "1", ("public",), 5, 5),
    "private_non_enterprise": ("5", "2", ("public", "mixed"), 6, 5),
    "institution": ("1", "2", ("public",), 4, 10),
}

# kind → (name template, (low, medium, high) risk weights, where it occurs)
_PLACES: Final = {
    "gas_station": ("中国石化{v}加油站", (0, 6, 4), "both"),
    "school": ("{t}{v}小学", (6, 4, 0), "both"),
    "kindergarten": ("{v}幼儿园", (6, 4, 0), "both"),
    "hospital": ("{t}卫生院{v}分院", (3, 6, 1), "both"),
    "rental_cluster": ("{v}出租房集中区", (2, 5, 3), "urban"),
    "hazardous_warehouse": ("{b}化工危化品仓库", (0, 3, 7), "both"),
    "market": ("{v}农贸市场", (4, 5, 1), "both"),
    "elderly_care": ("{v}居家养老服务照料中心", (4, 5, 1), "both"),
    "internet_cafe": ("{b}网吧", (5, 4, 1), "urban"),
    "construction_site": ("{b}建设项目工地", (1, 6, 3), "urban"),
    "religious_site": ("{v}宗教活动场所", (7, 3, 0), "rural"),
    "reservoir": ("{v}山塘水库", (3, 5, 2), "rural"),
}


def _org_body(slot: int, index: int, seed: int) -> str:
    x = (_MULTIPLIER * (slot * _PER_GRID + index) + seed * 7_919 + 12_345) % _SPACE
    chars = []
    for _ in range(6):
        x, d = divmod(x, 31)
        chars.append(USCC_ALPHABET[d])
    return "MA" + "".join(chars)


def _org_name(rng: random.Random, kind: str, village: VillagePlan, county_name: str) -> str:
    brand = rng.choice(_BRANDS)
    stem = village.name.removesuffix("社区").removesuffix("村")
    return {
        "enterprise": f"衢州{brand}{rng.choice(_INDUSTRIES)}有限公司",
        "individual_business": f"{county_name}{stem}{brand}{rng.choice(_SHOPS)}",
        "cooperative": f"{county_name}{stem}{rng.choice(('胡柚', '茶叶', '食用菌', '生猪', '柑橘'))}专业合作社",
        "social_organization": f"{village.township.name}{rng.choice(('老年人', '志愿者', '个体劳动者'))}协会",
        "private_non_enterprise": f"{county_name}{brand}{rng.choice(('幼儿园', '培训学校', '养老服务中心'))}",
        "institution": f"{village.township.name}{stem}{rng.choice(('文化站', '卫生室', '便民服务中心'))}",
    }[kind]


def organizations(
    rng: random.Random, grid: GridPlan, village: VillagePlan, premises: dict[str, list[str]], seed: int
) -> list[OrganizationRow]:
    county = village.township.county
    region, code = county.code, grid.code
    urban = village.kind == "community"
    kinds = list(_KINDS)
    weights = [_KINDS[k][3 if urban else 4] for k in kinds]
    rows: list[OrganizationRow] = []
    if not urban and code.endswith("001"):  # the village's collective, registered once, in its first grid
        uscc = make_uscc("N", "2", region, _org_body(grid.slot, 0, seed))
        name = f"{county.name}{village.township.name}{village.name}股份经济合作社"
        rows.append({"id": f"org-{code}-000", "name": name, "uscc": uscc, "kind": "village_collective",
                     "building": premises["public"][0], "scope": code})  # fmt: skip
    for _ in range(rng.randint(8, 20) if urban else rng.randint(2, 6)):
        kind = rng.choices(kinds, weights)[0]
        authority, org_type, where, _, _ = _KINDS[kind]
        index = len(rows) + 1
        uscc = make_uscc(authority, org_type, region, _org_body(grid.slot, index, seed))
        building = rng.choice(premises[where[0]] or premises[where[-1]] or premises["public"])
        rows.append({"id": f"org-{code}-{index:03d}", "name": _org_name(rng, kind, village, county.name),
                     "uscc": uscc, "kind": kind, "building": building, "scope": code})  # fmt: skip
    return rows


def key_places(rng: random.Random, grid: GridPlan, village: VillagePlan) -> list[KeyPlaceRow]:
    setting = "urban" if village.kind == "community" else "rural"
    kinds = [k for k, (_, _, where) in _PLACES.items() if where in ("both", setting)]
    stem = village.name.removesuffix("社区").removesuffix("村")
    rows: list[KeyPlaceRow] = []
    for i, kind in enumerate(rng.sample(kinds, rng.randint(1, 4))):
        template, risk_weights, _ = _PLACES[kind]
        name = template.format(v=stem, t=village.township.name, b=rng.choice(_BRANDS))
        risk = rng.choices(("low", "medium", "high"), risk_weights)[0]
        rows.append({"id": f"kp-{grid.code}-{i:02d}", "name": name, "kind": kind, "risk": risk,
                     "grid": grid.code, "scope": grid.code})  # fmt: skip
    return rows
