"""What the webhooks of one worker need besides the graph: where they may send, and the key their
secrets are sealed with. Registration (`api/webhook/mutations.py`) and the dispatcher
(`api/webhook/dispatch.py`) must share one of each, so `ops` builds it once per worker from the
settings and the data directory, and tests hand the same one to both."""

from dataclasses import dataclass, field

from api.webhook.destinations import Destinations
from api.webhook.secrets import SecretBox


@dataclass(frozen=True)
class WebhookServices:
    destinations: Destinations = field(default_factory=Destinations)
    secrets: SecretBox = field(default_factory=SecretBox.ephemeral)
