"""Schema extensions strawberry does not ship: what every operation must leave behind (telemetry)."""
