"""The declared purpose of a request: why the caller needs what it asks for (Art. 21, PIPL Art. 28).

Two headers, both optional:

- `Wangge-Purpose: case:<id>` (the case the request serves) or `Wangge-Purpose: reason:<code>`
  (a code from the configured list, `WANGGE_PURPOSE_CODES`).
- `Wangge-Purpose-Note: <text>`: a short note, percent-encoded UTF-8, kept with the purpose in
  the audit trail. A note is refused if it holds anything that could be an ID number or a phone,
  or a control character.

The purpose is structured so that the audit trail never keeps free text a client typed into it
(an ID number pasted as the "purpose" would otherwise land in the trail). A malformed purpose is
refused as a whole; its value is neither echoed in the error nor recorded.
"""

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from api.client_text import has_control_characters, holds_personal_number

PURPOSE_HEADER = "wangge-purpose"
NOTE_HEADER = "wangge-purpose-note"
MAX_NOTE = 200
DEFAULT_REASON_CODES = frozenset({
    "base-data", "safety-check", "dispute", "proxy-service", "public-service", "special-care", "law-enforcement",
    "emergency",
})  # fmt: skip
REASON_CODE = re.compile(r"[a-z][a-z0-9-]{0,31}")
# Here only the form of a case id is checked: `<year>-<serial>`, which cannot hold a phone or an ID
# number (a serial has six digits, seven once a year passes 999,999 cases). That the case exists,
# lies in the caller's scope and concerns the persons read is checked when the operation runs
# (api/extensions/case_purpose.py).
CASE_ID = re.compile(r"[0-9]{4}-[0-9]{1,7}")


class InvalidPurpose(ValueError):
    """The purpose headers do not follow the grammar; the message never quotes them."""


@dataclass(frozen=True)
class Purpose:
    kind: str  # case | reason
    value: str  # the case id or the reason code
    note: str | None = None

    @property
    def declared(self) -> str:
        """The canonical `kind:value` form: what the gate checks and the audit trail indexes."""
        return f"{self.kind}:{self.value}"

    def record(self) -> dict[str, Any]:
        key = "ref" if self.kind == "case" else "code"
        return {"kind": self.kind, key: self.value, "note": self.note}


def parse_purpose(header: str | None, note: str | None, reason_codes: frozenset[str]) -> Purpose | None:
    """The purpose of a request's headers, or None if none was declared; InvalidPurpose if malformed."""
    header = (header or "").strip(" \t")  # HTTP optional whitespace, nothing else
    if not header:
        if note:
            raise InvalidPurpose("A purpose note needs a purpose: send Wangge-Purpose as well.")
        return None
    kind, _, value = header.partition(":")
    if kind == "case":
        if not CASE_ID.fullmatch(value):
            raise InvalidPurpose("Wangge-Purpose: a case reference has the form case:<year>-<serial>.")
    elif kind == "reason":
        if value not in reason_codes:
            raise InvalidPurpose("Wangge-Purpose: unknown reason code; allowed: " + ", ".join(sorted(reason_codes)))
    else:
        raise InvalidPurpose("Wangge-Purpose must be case:<id> or reason:<code>.")
    return Purpose(kind, value, _note(note))


def _note(raw: str | None) -> str | None:
    if raw is None or not raw.strip(" \t"):
        return None
    if not raw.isascii():
        raise InvalidPurpose("Wangge-Purpose-Note must be percent-encoded UTF-8.")
    try:
        text = unquote(raw.strip(" \t"), errors="strict")
    except UnicodeDecodeError:
        raise InvalidPurpose("Wangge-Purpose-Note must be percent-encoded UTF-8.") from None
    if len(text) > MAX_NOTE:
        raise InvalidPurpose(f"Wangge-Purpose-Note is limited to {MAX_NOTE} characters.")
    if has_control_characters(text) or "\n" in text or "\t" in text:
        raise InvalidPurpose("Wangge-Purpose-Note may not contain control characters.")
    if holds_personal_number(text):
        raise InvalidPurpose("Wangge-Purpose-Note may not contain an ID number, a phone or another long number.")
    return text


def reason_codes(configured: str | None) -> frozenset[str]:
    """The reason codes of a comma-separated setting; the defaults when unset."""
    if configured is None or not configured.strip():
        return DEFAULT_REASON_CODES
    codes = frozenset(code.strip() for code in configured.split(",") if code.strip())
    malformed = sorted(code for code in codes if not REASON_CODE.fullmatch(code))
    if malformed:
        raise ValueError(f"WANGGE_PURPOSE_CODES: codes are lower-case words joined by '-': {malformed}")
    return codes
