"""Names shared across the demo data modules: the result types, the error, and the spec shorthands."""

from __future__ import annotations

from dataclasses import dataclass, field

from zhenggai.ledger.choices import AssignmentRole, ItemStatus

__all__ = [
    "ACCEPT",
    "COMPLETED",
    "COOP",
    "DEMO_CITY",
    "IN_PROGRESS",
    "LEAD",
    "LEADER",
    "NOT_STARTED",
    "PERSON",
    "SUPERVISE",
    "DemoError",
    "DemoLogin",
    "DemoResult",
    "Raw",
]

DEMO_CITY = "青岚市"


class DemoError(Exception):
    """The demo cannot be loaded into this database as it is."""


@dataclass(frozen=True)
class DemoLogin:
    """One demo login as printed for the people trying the system."""

    username: str
    password: str
    role: str  # e.g. "整改办（office）"
    unit: str


@dataclass
class DemoResult:
    """What ``load_demo`` did: whether it created anything, the logins, and row counts in the database."""

    created: bool
    logins: list[DemoLogin]
    counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Raw:
    """A responsibility the plan names in words rather than as one registered unit or person."""

    text: str


# Shorthands for the problem specs.
LEAD, COOP, SUPERVISE, ACCEPT = (
    AssignmentRole.LEAD,
    AssignmentRole.COOPERATING,
    AssignmentRole.SUPERVISING,
    AssignmentRole.ACCEPTANCE,
)
LEADER, PERSON = AssignmentRole.LEADER, AssignmentRole.PERSON
NOT_STARTED, IN_PROGRESS, COMPLETED = ItemStatus.NOT_STARTED, ItemStatus.IN_PROGRESS, ItemStatus.COMPLETED
