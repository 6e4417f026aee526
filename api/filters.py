"""Turns a client's grid/division filter into the jurisdiction prefix the page statements take."""

import re

from api import global_id
from api.errors import bad_input

CITY = "3308"
# ASCII digits only, matched in full: `\d` takes any Unicode digit and `$` a trailing newline.
_DIVISION_CODE = re.compile(r"3308([0-9]{2}){0,4}([0-9]{3}){0,2}")


def within(grid: str | None, division: str | None) -> str:
    """Grid codes extend their village code, so one prefix serves both kinds of filter."""
    if grid is not None and division is not None:
        raise bad_input("filter by grid or by division, not both")
    if grid is not None:
        return global_id.decode(grid, "Grid")[1]
    if division is not None:
        if not _DIVISION_CODE.fullmatch(division):
            raise bad_input("division must be a 衢州 division code such as 330802")
        return division
    return CITY
