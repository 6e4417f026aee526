"""The attacker's side of masking: every value consistent with what a reader saw.

Shared by the property test (every access, drawn persons, no graph) and the end-to-end
attack (a grid worker over the real API), so both count candidates the same way. Each
function enumerates, rather than reasoning about which positions a mask hides, so a
mask that shows one character too many shows up as fewer candidates.
"""

from datetime import date
from math import prod

from ops.datagen import names
from ops.datagen.codes import ID_CHECK, weighted_digit_sum

GENDERS = {"male": True, "female": False}
OLD_AGE = 45  # the generator's older given-name pool starts here (ops.datagen.population)


def agrees(masked: str, value: str) -> bool:
    """`value` has the masked value's length and every character the mask shows."""
    return len(masked) == len(value) and all(m in ("*", v) for m, v in zip(masked, value, strict=True))


# Every 3-digit sequence with its MOD 11-2 partial sum at positions 15-17, computed once.
SEQUENCES = tuple((f"{n:03d}", weighted_digit_sum(f"{n:03d}", 14)) for n in range(1000))


def id_candidates(masked: str, region: str, born: date, male: bool | None) -> list[str]:
    """Valid GB 11643 numbers with this region and birth date, a sequence of the gender's parity
    (odd for men; any when the gender is unknown), that agree with `masked`.

    Region and birth date are taken as known even when the reader did not see them: the
    count is then a lower bound of what the reader faces."""
    head = f"{region}{born:%Y%m%d}"
    if len(masked) != 18 or not agrees(masked[:14], head):
        return []
    head_sum = weighted_digit_sum(head, 0)
    shown = [(i, c) for i, c in enumerate(masked[14:]) if c != "*"]
    found = []
    for n, (sequence, sequence_sum) in enumerate(SEQUENCES):
        if male is not None and n % 2 != male:
            continue
        tail = sequence + ID_CHECK[(head_sum + sequence_sum) % 11]
        if all(tail[i] == c for i, c in shown):
            found.append(head + tail)
    return found


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def name_alphabets(masked: str, male: bool | None, old: bool | None) -> list[set[str]]:
    """Per position of a masked name, the characters it can hold: the shown one, or for a `*`
    any surname (first position) or given-name character of the generator's pools that the
    visible gender and age leave possible."""
    given = {
        char
        for (pool_male, pool_old), pool in names._GIVEN.items()
        if (male is None or male == pool_male) and (old is None or old == pool_old)
        for char in pool
    }
    surnames = set(names.SURNAMES)
    return [{shown} if shown != "*" else surnames if i == 0 else given for i, shown in enumerate(masked)]


def count(alphabets: list[set[str]]) -> int:
    return prod(len(a) for a in alphabets)


def fits(alphabets: list[set[str]], value: str) -> bool:
    return len(alphabets) == len(value) and all(c in a for c, a in zip(value, alphabets, strict=True))
