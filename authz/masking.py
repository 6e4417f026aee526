"""Masked forms of personal values, for principals who hold `read_masked` but not `read`.

Masks keep what a caller needs to match a record by eye (a surname, the region and
check digits of an ID number, a phone's carrier prefix and last digits) and nothing
that identifies a person on its own.
"""


def mask_name(name: str) -> str:
    return name[:1] + "*" * max(len(name) - 1, 1)


def mask_id_number(id_number: str) -> str:
    """GB 11643: keep the 6-digit region and the last 4 (sequence and check), hide the birth date."""
    return id_number[:6] + "*" * (len(id_number) - 10) + id_number[-4:]


def mask_phone(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:]
