"""Who is asking: the subject a validated token names, and the client app it came through.

A principal carries identity only. What it may do comes from role grants in the
graph (the gate's business), never from claims in the token.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Principal:
    subject: str
    client_id: str | None = None
    token_id: str | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)
    expires_at: int | None = None  # the token's `exp` (epoch seconds): a long-lived connection ends there
