"""Enumerations of the case API; their values are what the graph stores."""

from enum import Enum

import strawberry


@strawberry.enum(description="Where a case stands in its lifecycle (api/case/lifecycle.py has the transitions).")
class CaseStatus(Enum):
    REPORTED = "REPORTED"
    ACCEPTED = "ACCEPTED"
    REJECTED = "REJECTED"
    ASSIGNED = "ASSIGNED"
    SIGNED = "SIGNED"
    SUSPENDED = "SUSPENDED"
    RESOLVED = "RESOLVED"
    VERIFIED = "VERIFIED"
    CLOSED = "CLOSED"


@strawberry.enum(description="一般 or 紧急: picks the catalogue's time limits.")
class CasePriority(Enum):
    NORMAL = "normal"
    URGENT = "urgent"


@strawberry.enum(description="The channel a case came in through.")
class CaseSource(Enum):
    GRID = "grid"
    RESIDENT = "resident"
    HOTLINE = "hotline"
    DEPARTMENT = "department"
    CENTRE = "centre"


@strawberry.enum(description="Who handles a case: the grid itself, a township or county centre (上报 moves it up).")
class CaseLevel(Enum):
    GRID = "grid"
    TOWNSHIP = "township"
    COUNTY = "county"
