"""The demo data set: a fictional province, city and counties with their inspection rectification plans.

Everything here is invented for the demo — 云岭省, 青岚市 and its counties, the persons,
the problems and the measures — and written for this project. The data is created
only through the organisation and ledger actions, with the demo administrator as
the acting user, so every row has its history (who, when, why) like real data.

``load_demo()`` is idempotent: when the demo city already exists it changes nothing
and returns the documented logins. It never deletes anything; to start over, use a
fresh database (``make demo`` creates one under ``var/``).

What the set demonstrates:

* units on four levels (province ⊃ city ⊃ county ⊃ township) with departments,
  aliases, two collectives (各县区政府, 市水污染防治工作领导小组成员单位) and one
  institutional-reform succession (青岚市国土资源局 → 青岚市自然资源局, 2019-02-15) whose
  open first-round task passes to the successor;
* a leader hand-over (副市长 林书远 → 周启明): open tasks move, closed ones stay;
* the first-round inspection (2017) and the third-round one (2025) with a province
  plan and the city plan implementing it: two categories, ten problems, one split
  into two aspects, two rectified together, every kind of deadline, an amendment
  with review opinions, and problem statuses from not started to completed;
* logins for every role, each seeing a different part of the ledger.

The package: ``common`` (result types, error, spec shorthands), ``users`` (logins),
``units`` (units, collectives, persons, succession, hand-over), ``plans`` (inspections,
plans, categories, amendment), ``problems`` with ``problems_routine`` and
``problems_special`` (the problem specs), and ``builder`` (the builder driving it all).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from zhenggai.demo.data.builder import DemoBuilder
from zhenggai.demo.data.common import DEMO_CITY, DemoError, DemoLogin, DemoResult
from zhenggai.demo.data.users import DEMO_USERS, logins
from zhenggai.ledger.models import Assignment, Inspection, Measure, Plan, PlanRevision, Problem, Target
from zhenggai.organizations.choices import UnitLevel
from zhenggai.organizations.models import Person, Unit

__all__ = ["DEMO_CITY", "DEMO_USERS", "DemoError", "DemoLogin", "DemoResult", "demo_exists", "load_demo"]


def demo_exists() -> bool:
    """True when the demo city is already in the database."""
    return Unit.objects.filter(name=DEMO_CITY, level=UnitLevel.CITY).exists()


def _counts() -> dict[str, int]:
    return {
        "units": Unit.objects.count(),
        "persons": Person.objects.count(),
        "users": get_user_model().objects.count(),
        "inspections": Inspection.objects.count(),
        "plans": Plan.objects.count(),
        "problems": Problem.objects.count(),
        "targets": Target.objects.count(),
        "measures": Measure.objects.count(),
        "assignments": Assignment.objects.count(),
        "revisions": PlanRevision.objects.count(),
    }


def load_demo(*, reset: bool = False) -> DemoResult:
    """Create the demo data set in one transaction and return the logins and row counts.

    If the demo city already exists nothing is changed and the documented logins are
    returned (``created`` is False). ``reset=True`` asks for a fresh load; since the
    loader never deletes data, it then raises ``DemoError`` telling the caller to use
    a fresh database. A database holding a non-demo user with a demo username is
    refused the same way rather than mixed with demo data.
    """
    if demo_exists():
        if reset:
            raise DemoError(
                "演示数据已存在；加载器不删除任何数据，请使用新的空数据库后重新加载。"
                " (Demo data already exists; the loader never deletes data: start from a fresh database.)"
            )
        return DemoResult(created=False, logins=logins(), counts=_counts())
    _refuse_taken_usernames()
    with transaction.atomic():
        DemoBuilder().build()
    return DemoResult(created=True, logins=logins(), counts=_counts())


def _refuse_taken_usernames() -> None:
    """Raise ``DemoError`` when a user with a demo username already exists."""
    taken = sorted(
        get_user_model().objects.filter(username__in=[u[0] for u in DEMO_USERS]).values_list("username", flat=True)
    )
    if taken:
        raise DemoError(
            f"数据库中已有同名用户：{'、'.join(taken)}，无法加载演示数据，请使用新的空数据库。"
            f" (Users {', '.join(taken)} already exist: load the demo into a fresh database.)"
        )
