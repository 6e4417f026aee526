"""What a principal who holds `read_masked` but not `read` sees of each personal field: one table.

The forms are chosen against combination, not field by field. A masked reader of one
class sees the other classes of the same person too: gender, birth date, residency and
relation (person.basic), the grid, whose code begins with the 6-digit county code, a
phone. So a mask hides what those fields do not already say, and never what they say
plus the rest. The former ID mask kept region, sequence and check character and hid
exactly the birth date that person.basic serves raw to the same roles: together they
were the whole number.

- ID number (GB 11643: region 6, birth date 8, sequence 3 whose parity is the gender,
  check 1): only the region is kept. A reader who knows region, birth date and gender
  still has 500 candidates (every sequence of that parity; the check character follows
  from each), 1,000 without the gender and far more without the birth date.
- Name: the first character (the surname, which the household's other members share);
  each other character is a `*`, and no other field holds a given name.
- Phone: carrier prefix and last four digits; the four hidden digits are in no other field.
- Birth date and special-group tags: withheld (null).

A raw value can spell out another class's values: a raw ID number carries the birth date
and the gender. `SPELLS_OUT` names such classes; a value is raw only where every class
it spells out is raw too, otherwise its masked form is served.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from authz.classes import DataClass

Mask = Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class Keep:
    """Keep the first `head` and last `tail` characters; every other one becomes `*`.

    A value too short to hide anything under that rule is hidden whole, so that no mask
    ever serves a value unchanged."""

    head: int
    tail: int = 0

    def __call__(self, value: str) -> str:
        hidden = len(value) - self.head - self.tail
        if hidden < 1:
            return "*" * len(value)
        return value[: self.head] + "*" * hidden + value[len(value) - self.tail :]


def withheld(value: object) -> None:
    """Nothing of the value: a date or a list has no positions to star."""
    return None


def shown(value: object) -> object:
    """Served as stored: the field says nothing that completes a masked one (see the table's reasons)."""
    return value


# Data class → Person field → its masked form. Every field of a class appears, shown ones too,
# so that the table is the whole answer to "what does a masked reader see".
MASKS: Final[Mapping[DataClass, Mapping[str, Mask]]] = {
    DataClass.PERSON_BASIC: {
        "name": Keep(1),
        "gender": shown,
        "birth_date": withheld,
        "residency": shown,
        "relation": shown,
    },
    DataClass.PERSON_IDENTITY: {"id_number": Keep(6)},
    DataClass.PERSON_CONTACT: {"phone": Keep(3, 4)},
    DataClass.PERSON_SENSITIVE: {"tags": withheld},
}

# A raw value of the key class spells out values of these classes (GB 11643 holds the birth date
# and, in the sequence's parity, the gender), so it is raw only where they are raw too.
SPELLS_OUT: Final[Mapping[DataClass, tuple[DataClass, ...]]] = {
    DataClass.PERSON_IDENTITY: (DataClass.PERSON_BASIC,),
}


def served_raw(is_raw: Callable[[DataClass], bool]) -> dict[DataClass, bool]:
    """For each class of `MASKS`, whether its values are served raw: where the class is raw and so is
    every class its values spell out. The one place that rule is decided, for every path that masks."""
    return {c: is_raw(c) and all(is_raw(spelled) for spelled in SPELLS_OUT.get(c, ())) for c in MASKS}


def mask_row(values: dict[str, Any], is_raw: Callable[[DataClass], bool]) -> dict[str, Any]:
    """Replace, in place, the values of every class not raw for this row by their masked forms.

    `is_raw` answers for the row's grid; `values` holds the fields of `MASKS` by name."""
    raw = served_raw(is_raw)
    for data_class, fields in MASKS.items():
        if raw[data_class]:
            continue
        for name, mask in fields.items():
            values[name] = mask(values[name])
    return values
