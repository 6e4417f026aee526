"""The shape of the codes that name places: a code extends the code of the division it lies in.

City 3308, county 330802, township 330802001, village or community 330802001001, and a grid's
15-digit code extends its village's. Row scope relies on it: a division's code is a prefix of
the code of every grid inside it, and of no grid outside.
"""

from typing import Final

DIVISION_CODE_LENGTHS: Final = (4, 6, 9, 12)  # city, county, township, village or community
