"""Who lives together: household sizes and the relation, age and sex of each member.

Sizes follow a Zhejiang-like table (mean about 2.9). A household is built as one
of a few family shapes (alone, couple, single parent, nuclear, three
generations, grandparents raising grandchildren) so that relations and ages
agree: a child is younger than the head by at least the age of a parent, a
parent older by as much. Grandparents with grandchildren and no parent in the
home is where left-behind children (留守儿童) are found.

Returns plain tuples; naming, ID numbers and tags are `population`'s job.
"""

from typing import Final, NamedTuple

from ops.datagen.names import Draw

MAX_AGE: Final = 95

# 100 slots: 17% one person, 27% two, 24% three, 17% four, 9% five, 6% six; mean 2.92
_SIZES: Final = (1,) * 17 + (2,) * 27 + (3,) * 24 + (4,) * 17 + (5,) * 9 + (6,) * 6


class Member(NamedTuple):
    relation: str  # head | spouse | child | parent | grandchild | other
    age: int
    male: bool


class Shape(NamedTuple):
    members: list[Member]
    skip_generation: bool  # grandparents and grandchildren only


def _between(draw: Draw, lo: int, hi: int) -> int:
    lo, hi = max(0, lo), min(MAX_AGE, hi)
    return lo + int(draw() * (hi - lo + 1)) if hi > lo else max(0, hi)


def household_size(draw: Draw) -> int:
    return _SIZES[int(draw() * len(_SIZES))]


def _couple(draw: Draw, lo: int, hi: int) -> list[Member]:
    head_age = _between(draw, lo, hi)
    male = draw() < 0.72  # most registered heads of household are men
    return [Member("head", head_age, male), Member("spouse", _between(draw, head_age - 4, head_age + 2), not male)]


def _children(draw: Draw, relation: str, parent_age: int, count: int) -> list[Member]:
    return [Member(relation, _between(draw, 0, min(parent_age - 21, 30)), draw() < 0.52) for _ in range(count)]


def family(draw: Draw, size: int, rural: bool) -> Shape:
    """One family household of `size` members whose ages fit their relations."""
    r = draw()
    if size == 1:
        age = _between(draw, 20, 39) if r < 0.35 else _between(draw, 40, 59) if r < 0.55 else None
        if age is None:
            age = 60 + int(35 * draw() ** 1.5)
        return Shape([Member("head", age, draw() < 0.5)], False)
    if size == 2:
        if r < 0.65:
            return Shape(_couple(draw, 22, 88), False)
        head = Member("head", _between(draw, 38, 80), draw() < 0.5)
        if r < 0.85:
            return Shape([head, *_children(draw, "child", head.age, 1)], False)
        head = Member("head", _between(draw, 25, 55), head.male)
        return Shape([head, Member("parent", _between(draw, head.age + 22, head.age + 35), draw() < 0.4)], False)
    skip = 0.04 if rural else 0.01
    if r < skip:
        members = _couple(draw, 52, 75)
        return Shape(members + _grandchildren(draw, members[0].age, size - 2), True)
    if r < skip + 0.62:
        members = _couple(draw, 26, 58)
        return Shape(members + _children(draw, "child", members[0].age, size - 2), False)
    if r < skip + 0.85:
        members = _couple(draw, 30, 55)
        head = members[0]
        parents = 1 if size <= 4 else 2
        first = draw() < 0.5
        members += [
            Member("parent", _between(draw, head.age + 22, head.age + 35), first != bool(i)) for i in range(parents)
        ]
        return Shape(members + _children(draw, "child", head.age, size - 2 - parents), False)
    members = _couple(draw, 55, 78)
    child = Member("child", _between(draw, members[0].age - 32, members[0].age - 22), draw() < 0.55)
    members.append(child)
    if size >= 5:
        members.append(Member("other", _between(draw, child.age - 3, child.age + 3), not child.male))
    return Shape(members + _children(draw, "grandchild", child.age, size - len(members)), False)


def _grandchildren(draw: Draw, head_age: int, count: int) -> list[Member]:
    return [Member("grandchild", _between(draw, 0, min(15, head_age - 42)), draw() < 0.52) for _ in range(count)]


def collective(draw: Draw, size: int) -> list[Member]:
    """A dormitory or shared rental (集体户): unrelated working-age adults under one registered head."""
    return [Member("head" if i == 0 else "other", _between(draw, 18, 55), draw() < 0.6) for i in range(size)]
