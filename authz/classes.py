"""Data classes and their levels: the vocabulary that fields declare and policies grant.

Levels follow the tiers of Article 21 read with PIPL: L1 public (Art. 14 directory),
L2 internal, L3 personal, L4 sensitive personal information (PIPL Art. 28).
"""

from enum import Enum, IntEnum


class Level(IntEnum):
    L1 = 1
    L2 = 2
    L3 = 3
    L4 = 4


class DataClass(Enum):
    """Each member's value is the policy name; its level is fixed here, in one place."""

    DIVISION = "division"
    GRID = "grid"
    GRID_STATS = "grid.stats"
    STAFF_DIRECTORY = "staff.directory"
    DEPARTMENT = "department"
    BUILDING = "building"
    KEY_PLACE = "key_place"
    ORGANIZATION = "organization"
    HOUSEHOLD = "household"
    PERSON_BASIC = "person.basic"
    PERSON_IDENTITY = "person.identity"
    PERSON_CONTACT = "person.contact"
    PERSON_SENSITIVE = "person.sensitive"
    CASE_BASIC = "case.basic"
    CASE_REPORTER = "case.reporter"
    CASE_PETITION = "case.petition"
    WORK_ITEM = "work_item"
    POLICY = "policy"
    AUDIT = "audit"
    ACCESS_HISTORY = "access_history"  # who read one's own record (PIPL Art. 45): the reader's own person only
    WEBHOOK = "webhook"  # a department's registration of its back office for the case feed
    WEBHOOK_DELIVERY = "webhook.delivery"  # what was sent where and how it went (never what it said)

    @property
    def level(self) -> Level:
        return _LEVELS[self]


_LEVELS: dict[DataClass, Level] = {
    DataClass.DIVISION: Level.L1,
    DataClass.GRID: Level.L1,
    DataClass.GRID_STATS: Level.L2,
    DataClass.STAFF_DIRECTORY: Level.L1,
    DataClass.DEPARTMENT: Level.L1,
    DataClass.BUILDING: Level.L2,
    DataClass.KEY_PLACE: Level.L2,
    DataClass.ORGANIZATION: Level.L2,
    DataClass.HOUSEHOLD: Level.L2,
    DataClass.PERSON_BASIC: Level.L3,
    DataClass.PERSON_IDENTITY: Level.L4,
    DataClass.PERSON_CONTACT: Level.L3,
    DataClass.PERSON_SENSITIVE: Level.L4,
    DataClass.CASE_BASIC: Level.L2,
    DataClass.CASE_REPORTER: Level.L3,
    DataClass.CASE_PETITION: Level.L4,
    DataClass.WORK_ITEM: Level.L1,
    DataClass.POLICY: Level.L2,
    DataClass.AUDIT: Level.L3,
    DataClass.ACCESS_HISTORY: Level.L3,
    DataClass.WEBHOOK: Level.L2,
    DataClass.WEBHOOK_DELIVERY: Level.L2,
}

# The public directory of Art. 14: divisions, grids, their staff and the departments, and the
# admitted work-item list of Art. 10 (what may be reported and asked of grid staff).
# Any role may be granted them; their rows carry no jurisdiction filter.
PUBLIC_CLASSES: frozenset[DataClass] = frozenset(
    {DataClass.DIVISION, DataClass.GRID, DataClass.STAFF_DIRECTORY, DataClass.DEPARTMENT, DataClass.WORK_ITEM}
)

# Data about residents: what separation of duties keeps from security officers and auditors
# whatever else they hold. Households are in: membership says who lives with whom. So are all three
# case classes: a case says what a resident reported, about whom, and where.
PERSONAL_CLASSES: frozenset[DataClass] = frozenset(
    {
        DataClass.PERSON_BASIC,
        DataClass.PERSON_IDENTITY,
        DataClass.PERSON_CONTACT,
        DataClass.PERSON_SENSITIVE,
        DataClass.HOUSEHOLD,
        DataClass.CASE_BASIC,
        DataClass.CASE_REPORTER,
        DataClass.CASE_PETITION,
    }
)

# Classes whose fields only ever answer with the caller's own data (whoever holds the grant reads
# nothing of anyone else's): granting one widens no one's view of others, so it is never weighty.
OWN_CLASSES: frozenset[DataClass] = frozenset({DataClass.ACCESS_HISTORY})


class Action(Enum):
    READ = "read"
    READ_MASKED = "read_masked"
    WRITE = "write"
    REPORT = "report"  # file a case, rate or reopen it: what a resident does; not weighty (authz/duties.py)
    EXPORT = "export"
    ASSIGN = "assign"
    MANAGE_POLICY = "manage_policy"
    READ_AUDIT = "read_audit"


class Role(Enum):
    """Role codes as granted in the graph; department officers are refined by department kind."""

    GRID_CHIEF = "grid_chief"
    GRID_WORKER = "grid_worker"
    GRID_PART_TIME = "grid_part_time"
    GRID_INSTRUCTOR = "grid_instructor"
    CENTRE_OPERATOR = "centre_operator"
    DEPARTMENT_OFFICER = "department_officer"
    SECURITY_OFFICER = "security_officer"
    AUDITOR = "auditor"
    RESIDENT = "resident"
    OPEN311_CLIENT = "open311_client"  # an outside channel (hotline, resident app) behind an Open311 API key


# Roles that govern access itself: who holds one anywhere reads no personal data anywhere (Art. 21).
GOVERNANCE_ROLES: frozenset[str] = frozenset({Role.SECURITY_OFFICER.value, Role.AUDITOR.value})
