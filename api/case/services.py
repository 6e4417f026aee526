"""What the case API keeps per worker: the grid router, the working-time calendar, the clock, the
intake settings, and what the case feed's webhooks need (where they may send, the key sealing their
secrets). Handed to the app (`create_app(cases=...)`), so tests inject a clock."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from api.case.calendar import CHINA, WorkCalendar, load_calendar
from api.case.routing import GridRouter
from api.webhook.services import WebhookServices
from graph_model.store import GraphStore


def reopen_until(closed: datetime, reopen_days: int) -> datetime:
    """The last moment a case closed at `closed` may be reopened (回访): the API's rule, which the
    residents' page also tells in advance."""
    return closed + timedelta(days=reopen_days)


def system_clock() -> datetime:
    return datetime.now(CHINA)


@dataclass
class CaseServices:
    router: GridRouter
    calendar: WorkCalendar = field(default_factory=load_calendar)
    clock: Callable[[], datetime] = system_clock
    duplicate_radius_m: float = 50.0  # a report of the same item this close …
    duplicate_window: timedelta = timedelta(hours=24)  # … and this recent is linked to the first
    reopen_days: int = 15  # calendar days after closing during which 回访 may reopen a case
    webhooks: WebhookServices = field(default_factory=WebhookServices)

    @classmethod
    def default(cls, store: GraphStore, webhooks: WebhookServices | None = None) -> "CaseServices":
        return cls(router=GridRouter(store), webhooks=webhooks or WebhookServices())

    def now_ms(self) -> int:
        return int(self.clock().timestamp() * 1000)
