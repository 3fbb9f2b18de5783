"""The benchmark data set of bench/ledger_list.py and bench/warnings_job.py, built by the product's generator.

``zhenggai.synthetic`` (``zhenggai generate``) writes the registry and the ledger; this module only fixes the
shape these two benchmarks were measured on: per province 12 departments and 10 cities, each with 12
departments, a collective 各县区政府 and 8 counties of 6 departments (≈ 25 000 units with the governments);
``n_problems`` problems with 3 measures each over the province-round and city plans; no users, reports,
cases or acceptance (the benchmarks add what they measure). ``create_users`` then adds the seven personas.
Import only after django.setup(); bench/ledger_list.py does.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from rest_framework.authtoken.models import Token

from zhenggai.accounts.models import User
from zhenggai.organizations.models import Unit
from zhenggai.synthetic.runner import generate as generate_synthetic
from zhenggai.synthetic.scales import Scale


@dataclass
class City:
    """The first city, where the personas work (Unit rows)."""

    unit: Any
    province: Any
    province_depts: list[Any]
    depts: list[Any]
    collective: Any
    counties: list[Any] = field(default_factory=list)  # the counties' governments, which hold the county tasks
    county_units: list[Any] = field(default_factory=list)  # the counties themselves (jurisdictions)


def bench_scale(provinces: int, n_problems: int) -> Scale:
    return Scale(
        name="bench",
        provinces=provinces,
        cities=(10, 10),
        counties=(8, 8),
        province_depts=12,
        city_depts=12,
        county_depts=6,
        rounds=("r1", "r1b", "r2", "r3"),
        problems=n_problems,
        measures=3 * n_problems,
        measures_per_problem=(3, 3),
        acceptance=False,
        users=False,
        successions=False,
    )


def generate(provinces: int, n_problems: int, rng: random.Random) -> City:
    """Units and ledger through ``zhenggai.synthetic``, seeded from ``rng``; returns the first city."""
    result = generate_synthetic(
        bench_scale(provinces, n_problems), seed=rng.randrange(2**31), progress_stream=False, tokens=False
    )
    province = result.tree.provinces[0]
    city = province.cities[0]
    wanted = [province.unit, city.unit, city.collective, *province.depts, *city.depts]
    wanted += [c.government for c in city.counties] + [c.unit for c in city.counties]
    rows = Unit.objects.in_bulk([u.pk for u in wanted])
    return City(
        unit=rows[city.unit.pk],
        province=rows[province.unit.pk],
        province_depts=[rows[d.pk] for d in province.depts],
        depts=[rows[d.pk] for d in city.depts],
        collective=rows[city.collective.pk],
        counties=[rows[c.government.pk] for c in city.counties],
        county_units=[rows[c.unit.pk] for c in city.counties],
    )


def create_users(city: City) -> dict[str, Any]:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # before the first user
    spec = {
        "province_office": ("office", city.province),
        "city_office": ("office", city.unit),
        "county_office": ("office", city.county_units[0]),
        "county_unit": ("unit", city.counties[0]),  # the county government
        "dept_unit": ("unit", city.depts[1]),  # the city's 生态环境局
        "supervisor": ("supervisor", city.depts[0]),  # the city's 人民政府办公室
        "admin": ("admin", None),
    }
    for name, (role, unit) in spec.items():
        admin = role == "admin"
        user = User.objects.create_user(name, password="bench-pw-1", role=role, unit=unit, is_superuser=admin)
        Token.objects.create(user=user)
    return {u.username: u for u in User.objects.select_related("unit")}
