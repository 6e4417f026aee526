"""The real administrative divisions of 衢州 that every generated dataset hangs from.

County-level codes are GB/T 2260. Township codes follow the statistical
convention (county + 001–099 for 街道, 100–199 for 镇, 200–299 for 乡), numbered
in the order listed here; the names are those of 衢州's townships, but the
3-digit suffixes are assigned by that convention, not copied from the published
table. Each county also gets a rough bounding box on the map, in a west-to-east
arrangement close to the real one, so that tiled boundaries do not overlap.

This module is static data: it never draws random numbers.
"""

from dataclasses import dataclass
from typing import Final

CITY_CODE: Final = "3308"
CITY_NAME: Final = "衢州市"


@dataclass(frozen=True, slots=True)
class County:
    code: str
    name: str
    bbox: tuple[float, float, float, float]  # min lon, min lat, max lon, max lat
    population: int  # 2020 census, rounded: sizes the `city` scale
    townships: tuple[str, ...]  # names, 街道 first, then 镇, then 乡

    @property
    def is_district(self) -> bool:
        return self.name.endswith("区")


COUNTIES: Final = (
    County(
        "330802", "柯城区", (118.78, 28.88, 118.92, 29.02), 530_000,
        ("府山街道", "荷花街道", "花园街道", "信安街道", "双港街道", "新新街道", "白云街道", "衢化街道",
         "航埠镇", "石梁镇", "万田乡", "九华乡", "七里乡", "沟溪乡", "华墅乡", "姜家山乡", "石室乡",
         "黄家乡"),
    ),
    County(
        "330803", "衢江区", (118.92, 28.78, 119.10, 29.15), 375_000,
        ("樟潭街道", "浮石街道", "上方镇", "峡川镇", "莲花镇", "全旺镇", "大洲镇", "后溪镇", "廿里镇",
         "湖南镇", "高家镇", "杜泽镇", "太真乡", "双桥乡", "周家乡", "灰坪乡", "岭洋乡", "举村乡",
         "黄坛口乡"),
    ),
    County(
        "330822", "常山县", (118.35, 28.80, 118.65, 29.00), 260_000,
        ("天马街道", "紫港街道", "金川街道", "球川镇", "辉埠镇", "芳村镇", "青石镇", "招贤镇", "白石镇",
         "何家乡", "同弓乡", "大桥头乡", "东案乡", "新昌乡"),
    ),
    County(
        "330824", "开化县", (118.20, 29.00, 118.55, 29.40), 245_000,
        ("芹阳街道", "华埠镇", "马金镇", "池淮镇", "桐村镇", "杨林镇", "苏庄镇", "齐溪镇", "村头镇",
         "音坑乡", "中村乡", "长虹乡", "何田乡", "林山乡"),
    ),
    County(
        "330825", "龙游县", (119.10, 28.85, 119.30, 29.15), 365_000,
        ("东华街道", "龙洲街道", "湖镇镇", "溪口镇", "横山镇", "詹家镇", "小南海镇", "塔石镇", "模环乡",
         "石佛乡", "庙下乡", "罗家乡", "大街乡", "沐尘畲族乡"),
    ),
    County(
        "330881", "江山市", (118.45, 28.35, 118.80, 28.80), 500_000,
        ("双塔街道", "虎山街道", "清湖街道", "上余镇", "四都镇", "贺村镇", "凤林镇", "峡口镇",
         "廿八都镇", "石门镇", "坛石镇", "大桥镇", "新塘边镇", "长台镇", "大陈乡", "碗窑乡", "保安乡",
         "塘源口乡", "双溪口乡", "张村乡"),
    ),
)  # fmt: skip

COUNTY_BY_CODE: Final = {c.code: c for c in COUNTIES}


@dataclass(frozen=True, slots=True)
class Township:
    code: str
    name: str
    kind: str  # street (街道) | town (镇) | township (乡)
    county: County
    index: int  # position in the county's list: fixes its place on the map at every scale


def township_kind(name: str) -> str:
    if name.endswith("街道"):
        return "street"
    return "town" if name.endswith("镇") else "township"


def townships_of(county: County) -> tuple[Township, ...]:
    """The county's townships with statistical codes numbered per kind (001…, 100…, 200…)."""
    first = {"street": 1, "town": 100, "township": 200}
    seen = {"street": 0, "town": 0, "township": 0}
    result = []
    for index, name in enumerate(county.townships):
        kind = township_kind(name)
        code = f"{county.code}{first[kind] + seen[kind]:03d}"
        seen[kind] += 1
        result.append(Township(code, name, kind, county, index))
    return tuple(result)
