"""Rules for text a client chooses: what is refused, and what may only be recorded hashed.

The audit trail and telemetry keep ids, codes and classes. Wherever a client's own words
would land there (an operation name, a purpose note) a careless or hostile client can type
an ID number or a phone instead, so such text is checked here, in one place.

Digits are judged after NFKC normalization, so fullwidth digits count like ASCII ones,
and across the separators people type inside numbers (`138-1234-5678`, `3308 0219…`).
"""

import hashlib
import re
import unicodedata

# C0 controls and DEL, except tab and newline. NUL in particular cuts text short in C code
# (FalkorDB reads its query text as a C string).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_RAW_RUN = re.compile(r"\d{7,}")  # a long digit run: part of a phone, an ID number, a birth date
_SEPARATED_RUN = re.compile(r"\d(?:[\s._-]?\d){10,}")  # 11+ digits, separators allowed: a phone or an ID number
_GRAPHQL_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,63}")
HASH_PREFIX = "sha256:"


def has_control_characters(text: str) -> bool:
    return _CONTROL.search(text) is not None


def holds_personal_number(text: str) -> bool:
    """True if the text holds a run of digits that could be an ID number, a phone or a birth date."""
    normalized = unicodedata.normalize("NFKC", text)
    return _RAW_RUN.search(normalized) is not None or _SEPARATED_RUN.search(normalized) is not None


def hashed(text: str) -> str:
    """A stable stand-in for text that may not be kept: the same in every span and audit record."""
    return HASH_PREFIX + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def recordable_name(name: str) -> str:
    """An operation name as telemetry and the audit trail keep it.

    A GraphQL name of at most 64 characters without a personal-looking number is kept as is;
    anything else the client sent is kept only as its hash, so records of the same name still
    group together.
    """
    if _GRAPHQL_NAME.fullmatch(name) and not holds_personal_number(name):
        return name
    return hashed(name)
