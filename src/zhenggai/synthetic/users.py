"""Users of the synthetic data set: one for every role, all with the same known password.

* ``admin`` — administrator (superuser);
* ``office-<code>`` — the rectification office (整改办) of every province, city and county;
* ``reviewer-<code>`` — the acceptance reviewer (验收审核) of every province and city;
* ``supervisor-<code>`` — the supervising unit (督导单位) of every province and city: its government's
  general office (办公厅/办公室);
* ``unit-<code>`` — a responsible-unit user (责任单位) for every government and active department.

``<code>`` is the unit's code (``units.py``): ``p01`` the first province, ``p01c02`` its second city,
``p01c02x03`` a county, ``…g`` a government, ``…d05`` a department. The password is hashed once and
the hash shared (hashing 50 000 times would take longer than the rest of the run).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth.hashers import make_password

from zhenggai.accounts.models import User
from zhenggai.synthetic.dates import local
from zhenggai.synthetic.texts import person_name
from zhenggai.synthetic.units import Tree, U
from zhenggai.synthetic.writer import Loader

__all__ = ["DEFAULT_PASSWORD", "Users", "build_users", "taken_usernames"]

DEFAULT_PASSWORD = "zhenggai-synthetic-2026"


@dataclass
class Users:
    """User primary keys by what they act for."""

    admin: int = 0
    office: dict[int, int] = field(default_factory=dict)  # jurisdiction unit pk → office user
    reviewer: dict[int, int] = field(default_factory=dict)  # province/city unit pk → reviewer
    supervisor: dict[int, int] = field(default_factory=dict)  # province/city unit pk → supervisor
    unit: dict[int, int] = field(default_factory=dict)  # government/department pk → unit user
    names: dict[int, str] = field(default_factory=dict)  # user pk → username
    count: int = 0


def taken_usernames(candidates: list[str]) -> list[str]:
    return list(User.objects.filter(username__in=candidates).values_list("username", flat=True))


def build_users(loader: Loader, tree: Tree, rng: random.Random, *, password: str, joined) -> Users:
    """Queue every user; ``joined`` is the date the accounts were created (the system's go-live)."""
    table = loader.table(User)
    hashed = make_password(password)
    when = local(joined, 9)
    users = Users()

    def add(username: str, role: str, unit: U | None, **extra) -> int:
        pk = table.add(
            {
                "password": hashed,
                "username": username,
                "first_name": person_name(rng),
                "last_name": "",
                "email": "",
                "is_superuser": extra.get("is_superuser", False),
                "is_staff": extra.get("is_staff", False),
                "is_active": True,
                "date_joined": when + timedelta(minutes=users.count % 600),
                "role": role,
                "unit_id": unit.pk if unit else None,
            }
        )
        users.names[pk] = username
        users.count += 1
        return pk

    users.admin = add("admin", "admin", None, is_superuser=True, is_staff=True)
    for province in tree.provinces:
        _jurisdiction(add, users, province.unit, province.government, province.depts, reviewer=True)
        for city in province.cities:
            _jurisdiction(add, users, city.unit, city.government, city.depts, reviewer=True)
            for county in city.counties:
                _jurisdiction(add, users, county.unit, county.government, county.depts, reviewer=False)
    return users


def _jurisdiction(add, users: Users, place: U, government: U, depts: list[U], *, reviewer: bool) -> None:
    users.office[place.pk] = add(f"office-{place.code}", "office", place)
    if reviewer:
        users.reviewer[place.pk] = add(f"reviewer-{place.code}", "reviewer", place)
        users.supervisor[place.pk] = add(f"supervisor-{place.code}", "supervisor", depts[0])
    for unit in (government, *depts):
        users.unit[unit.pk] = add(f"unit-{unit.code}", "unit", unit)
