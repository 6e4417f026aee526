"""Operation limits: caps on depth, aliases, document size, page size and request body, set from settings."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    max_depth: int = 10
    max_aliases: int = 30
    max_tokens: int = 2000
    max_page_size: int = 100
    max_body_bytes: int = 1_048_576  # a request body past this is refused (413) before it is parsed
