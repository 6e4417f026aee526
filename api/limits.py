"""Operation limits: caps on depth, aliases, document size and page size, set from settings."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    max_depth: int = 10
    max_aliases: int = 30
    max_tokens: int = 2000
    max_page_size: int = 100
