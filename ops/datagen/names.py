"""Chinese personal names and mainland mobile numbers for generated people and staff.

Choices are made by indexing flat, pre-weighted pools with one `random()` draw,
because `Random.choices` per person would dominate the cost of the `city`
scale (2.3M people). Surnames follow national frequency, with the surnames
common in 衢州 (徐, 毛, 郑, 余, 祝, 汪, 姜, 占, 柴 …) weighted up. Given names use
an older and a younger character pool so that grandparents and grandchildren do
not sound alike.

Every function takes the caller's `random` method: this module keeps no state.
"""

from collections.abc import Callable
from typing import Final

Draw = Callable[[], float]

_SURNAME_WEIGHTS: Final = (
    ("王", 70), ("李", 60), ("张", 55), ("刘", 40), ("陈", 50), ("杨", 28), ("黄", 24), ("赵", 18),
    ("吴", 24), ("周", 22), ("徐", 40), ("孙", 14), ("马", 10), ("朱", 14), ("胡", 16), ("郭", 8),
    ("何", 10), ("林", 10), ("高", 8), ("罗", 6), ("郑", 22), ("梁", 5), ("谢", 7), ("宋", 6),
    ("唐", 6), ("叶", 14), ("余", 20), ("毛", 20), ("祝", 14), ("汪", 16), ("姜", 12), ("方", 10),
    ("程", 8), ("应", 6), ("江", 7), ("邵", 6), ("占", 8), ("杜", 6), ("吕", 6), ("詹", 7),
    ("傅", 6), ("柴", 7), ("童", 5), ("饶", 4), ("严", 5), ("蒋", 7), ("鲁", 4), ("钱", 5),
    ("项", 4), ("华", 4), ("雷", 4), ("蓝", 2), ("廖", 4), ("戴", 4), ("夏", 4), ("金", 6),
)  # fmt: skip

_GIVEN: Final = {
    # (male, old)
    (True, True): "建国军平华明根福荣金水忠德林春生海东伟强勇刚文武志祥发炳土树宝新卫云洪兴松成",
    (True, False): "浩宇轩睿博涛杰磊鹏飞俊峰晨子豪宸泽航然辰皓铭瑞帆逸凯哲昊嘉彬斌超翔毅霖",
    (False, True): "秀英兰凤梅珍美芳娟红华玉莲菊香琴仙花娥翠桂芬萍月霞云素彩爱丽娣",
    (False, False): "婷慧雪琳颖欣怡萱梓涵佳雨诗悦语彤可馨思静敏艳燕玲丹晓婧蕾瑶倩琪妍璐",
}


def _each(weight: int, prefixes: str) -> tuple[tuple[str, int], ...]:
    return tuple((p, weight) for p in prefixes.split())


def _expand(weights: tuple[tuple[str, int], ...]) -> tuple[str, ...]:
    return tuple(name for name, weight in weights for _ in range(weight))


SURNAMES: Final = _expand(_SURNAME_WEIGHTS)
_PHONES: Final = _expand(
    _each(3, "134 135 136 137 138 139 150 151 152 157 158 159 182 187 188")  # China Mobile
    + _each(2, "130 131 132 155 156 176 185 186")  # China Unicom
    + _each(2, "133 153 173 177 180 181 189 199")  # China Telecom
    + _each(1, "175 178 183 184 191 193 195 198")
)


def surname(draw: Draw) -> str:
    return SURNAMES[int(draw() * len(SURNAMES))]


def given_name(draw: Draw, male: bool, old: bool) -> str:
    """One character for about one name in five, otherwise two; older people more often have one."""
    pool = _GIVEN[(male, old)]
    first = pool[int(draw() * len(pool))]
    if draw() < (0.3 if old else 0.12):
        return first
    return first + pool[int(draw() * len(pool))]


def full_name(draw: Draw, family: str, male: bool, old: bool) -> str:
    return family + given_name(draw, male, old)


def mobile(draw: Draw) -> str:
    """An 11-digit number behind a prefix that mainland operators really issue."""
    prefix = _PHONES[int(draw() * len(_PHONES))]
    return f"{prefix}{int(draw() * 100_000_000):08d}"


PHONE_PREFIXES: Final = frozenset(_PHONES)
