"""Check characters of the national identifier codes the demo data carries.

Generated ID numbers and USCCs must pass the same validation a real intake form
applies, otherwise tests of masking, search and import exercise data no real
system would ever hold. This module only computes and checks codes; choosing
which person or organization gets which code is the generator's business.

- GB 11643 citizen ID number: 6-digit region, 8-digit birth date, 3-digit
  sequence (odd for men, even for women), ISO 7064 MOD 11-2 check character.
- GB 11714 organization code: 8 body characters and a MOD 11 check character.
- GB 32100 unified social credit code (USCC): registration authority, type,
  6-digit region, 9-character organization code, MOD 31 check character over an
  alphabet without I, O, S, V and Z.
"""

from typing import Final

ID_WEIGHTS: Final = tuple(pow(2, 17 - i, 11) for i in range(17))
ID_CHECK: Final = "10X98765432"

USCC_ALPHABET: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_VALUES: Final = {c: i for i, c in enumerate(USCC_ALPHABET)}
USCC_WEIGHTS: Final = tuple(pow(3, i, 31) for i in range(17))

ORG_WEIGHTS: Final = (3, 7, 9, 10, 5, 8, 4, 2)


def weighted_digit_sum(digits: str, offset: int) -> int:
    """The MOD 11-2 partial sum of `digits` placed at `offset` in the 17-digit body.

    The generator precomputes these sums for the region, each birth date and each
    sequence, so that a person's check character costs one addition and a lookup.
    """
    return sum(int(d) * ID_WEIGHTS[offset + i] for i, d in enumerate(digits))


def id_check_char(body: str) -> str:
    if len(body) != 17 or not body.isdigit():
        raise ValueError(f"an ID number body has 17 digits, got {body!r}")
    return ID_CHECK[weighted_digit_sum(body, 0) % 11]


def is_valid_id_number(value: str) -> bool:
    return len(value) == 18 and value[:17].isdigit() and id_check_char(value[:17]) == value[17]


def _org_value(char: str) -> int:
    return int(char) if char.isdigit() else ord(char) - ord("A") + 10


def org_code_check_char(body: str) -> str:
    if len(body) != 8:
        raise ValueError(f"an organization code body has 8 characters, got {body!r}")
    c = 11 - sum(_org_value(ch) * w for ch, w in zip(body, ORG_WEIGHTS, strict=True)) % 11
    return {10: "X", 11: "0"}.get(c, str(c))


def uscc_check_char(body: str) -> str:
    if len(body) != 17 or any(ch not in USCC_VALUES for ch in body):
        raise ValueError(f"a USCC body has 17 characters of {USCC_ALPHABET}, got {body!r}")
    total = sum(USCC_VALUES[ch] * w for ch, w in zip(body, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def make_uscc(authority: str, org_type: str, region: str, org_body: str) -> str:
    """Assemble a USCC whose embedded organization code and final character both check."""
    body = f"{authority}{org_type}{region}{org_body}{org_code_check_char(org_body)}"
    return body + uscc_check_char(body)


def is_valid_uscc(value: str) -> bool:
    if len(value) != 18 or any(ch not in USCC_VALUES for ch in value):
        return False
    return uscc_check_char(value[:17]) == value[17] and org_code_check_char(value[8:16]) == value[16]
