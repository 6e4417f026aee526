"""Names of communities, villages and streets in the style of 衢州 place names.

Names are built from two syllable pools so that every township can draw as many
distinct names as it has villages, without a list of real village names (the
division codes are real down to the township; below that they are made up, and
the names should not pretend otherwise by copying a real village onto a
made-up code).
"""

import random
from typing import Final

_COMMUNITY_FIRST: Final = "新府荷花信白双天紫金锦书文礼上下南北东西柯衢龙江盈崇丹鹿兴迎水县坊通百滨三芹虎清"
_COMMUNITY_SECOND: Final = "桥山园安港宁荆城湖苑庭亭门阳华川溪洲塔鸣枫贤汇营仙学"

_VILLAGE_FIRST: Final = "余徐毛郑祝汪姜占柴叶方程黄周王杜詹吴石溪岭源塘竹梅桃茶樟枫松柏桂棠杨柳梓"
_VILLAGE_SECOND: Final = "家坞坑源塘口山田畈岗埠桥湾垄头店岙底里坂墩村庄"
_VILLAGE_PREFIX: Final = "上下前后东西大小新"

_ROAD_SUFFIX: Final = ("路", "路", "街", "大道", "巷")

_KEY_FEATURES: Final = ("工业园区", "物流园", "大学城", "商贸城", "高铁新城")


_COMMUNITY_PAIRS: Final = tuple(a + b for a in _COMMUNITY_FIRST for b in _COMMUNITY_SECOND if a != b)
_VILLAGE_PAIRS: Final = tuple(a + b for a in _VILLAGE_FIRST for b in _VILLAGE_SECOND if a != b)


def community_names(rng: random.Random, count: int) -> list[str]:
    """Distinct community names (`sample` raises if a township asks for more than the pools hold)."""
    return [p + "社区" for p in rng.sample(_COMMUNITY_PAIRS, count)]


def village_names(rng: random.Random, count: int) -> list[str]:
    """Distinct village names; about one in four carries a 上/下/前/后… prefix, as many real ones do."""
    names = []
    for pair in rng.sample(_VILLAGE_PAIRS, count):
        prefix = _VILLAGE_PREFIX[rng.randrange(len(_VILLAGE_PREFIX))] if rng.random() < 0.25 else ""
        names.append(prefix + pair + "村")
    return names


def road_names(rng: random.Random, count: int) -> list[str]:
    return [p + _ROAD_SUFFIX[rng.randrange(len(_ROAD_SUFFIX))] for p in rng.sample(_COMMUNITY_PAIRS, count)]


def special_feature(rng: random.Random) -> str:
    """What a special grid (Art. 2: 其他特定空间区域) covers, e.g. an industrial park."""
    return _KEY_FEATURES[rng.randrange(len(_KEY_FEATURES))]
