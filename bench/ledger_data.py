"""The benchmark data set: a national unit tree and a ledger, written with bulk_create in seconds.

Medium: 1 root → 31 provinces → 10 cities → 8 counties (12 departments per province and city, 6 per
county, one collective 各县区政府 per city with its counties as members) ≈ 22 000 units; one inspection
per province, a province plan and one plan per city; 10 000 problems (≈ 30 per plan) with 3 problem-level
assignments (lead, cooperating, supervising) and 3 measures each, every measure with its own lead.
Import only after django.setup(); bench/ledger_list.py does.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, transaction
from rest_framework.authtoken.models import Token

from zhenggai.accounts.models import User
from zhenggai.core.numerals import format_chinese_int
from zhenggai.core.text import match_key
from zhenggai.ledger.models import Assignment, Category, Inspection, Measure, Plan, Problem
from zhenggai.organizations.models import PATH_SEGMENT_WIDTH, Unit, UnitMembership, path_segment

CITIES, COUNTIES = 10, 8
PLACE_CHARS = "云岭青岚溪山白石江河湖海安平宁远华兴丰泰隆昌明光嘉德永和新康临沧武威金川"
PROVINCE_DEPTS = (
    "人民政府办公厅 生态环境厅 自然资源厅 住房和城乡建设厅 水利厅 农业农村厅 "
    "林业和草原局 工业和信息化厅 发展和改革委员会 交通运输厅 公安厅 财政厅"
).split()
CITY_DEPTS = (
    "人民政府办公室 生态环境局 自然资源局 住房和城乡建设局 水务局 农业农村局 "
    "林业和草原局 工业和信息化局 发展和改革委员会 交通运输局 公安局 财政局"
).split()
COUNTY_DEPTS = "生态环境分局 自然资源局 住房和城乡建设局 水务局 农业农村局 林业和草原局".split()
CATEGORIES = [("一、", "例行督察反馈问题"), ("二、", "专项督察反馈问题")]
ISSUES = (
    "饮用水水源地保护区内违规建设问题突出|工业园区污水集中处理设施建设滞后|城市黑臭水体整治不彻底、存在反弹|"
    "自然保护区核心区内仍有采矿活动|畜禽养殖废弃物资源化利用率偏低|生活垃圾填埋场渗滤液长期超标排放|"
    "历史遗留矿山生态修复进展缓慢|建筑工地扬尘管控措施落实不到位|河道非法采砂屡禁不止|重点排污单位自动监测数据弄虚作假"
).split("|")
DEADLINES = (
    "2026年12月31日前|2026年6月底前|立行立改，长期坚持|2025年年底前|每季度开展一次专项检查|"
    "根据项目批复时间确定|2027年6月30日前完成，长期坚持"
).split("|")
DUE_FIELDS = ("raw", "date", "precision", "immediate", "long_term", "conditional", "recurrence", "ambiguous")
STATUSES = (["not_started", "in_progress", "completed", "signed_off"], [2, 5, 2, 1])


@dataclass
class City:
    unit: Any
    province: Any
    province_depts: list[Any]
    depts: list[Any]
    collective: Any
    counties: list[Any] = field(default_factory=list)
    county_depts: dict[int, list[Any]] = field(default_factory=dict)


def generate(provinces: int, n_problems: int, rng: random.Random) -> City:
    """Units, collectives, inspections, plans, problems, measures and assignments, all by bulk_create.

    Primary keys are explicit so each unit's tree path (parent path + path_segment(pk)) is known up
    front, exactly as Unit.save() computes it. Returns the first city, where the personas work.
    """
    units: list[Unit] = []

    def unit(name: str, level: str, parent: Unit | None) -> Unit:
        path = (parent.path if parent else "") + path_segment(len(units) + 1)
        obj = Unit(pk=len(units) + 1, name=name, level=level, parent=parent, path=path, name_key=match_key(name))
        obj.depth = len(path) // PATH_SEGMENT_WIDTH - 1
        units.append(obj)
        return obj

    def place() -> str:
        return "".join(rng.sample(PLACE_CHARS, 2))

    root = unit("全国", "other", None)  # UnitLevel has no country level
    cities: list[City] = []
    memberships: list[UnitMembership] = []
    for _ in range(provinces):
        prov = unit(place() + "省", "province", root)
        prov_depts = [unit(prov.name + d, "department", prov) for d in PROVINCE_DEPTS]
        for _ in range(CITIES):
            town = unit(place() + "市", "city", prov)
            depts = [unit(town.name + d, "department", town) for d in CITY_DEPTS]
            city = City(town, prov, prov_depts, depts, unit("各县区政府", "collective", town))
            for _ in range(COUNTIES):
                county = unit(place() + "县", "county", town)
                city.counties.append(county)
                city.county_depts[county.pk] = [unit(county.name + d, "department", county) for d in COUNTY_DEPTS]
                memberships.append(UnitMembership(pk=len(memberships) + 1, collective=city.collective, member=county))
            cities.append(city)

    inspections: list[Inspection] = []
    plans: list[tuple[Plan, list[City]]] = []  # a plan and the cities its problems are assigned in
    for i in range(provinces):
        mine = cities[i * CITIES : (i + 1) * CITIES]
        prov = mine[0].province
        team = f"中央第{format_chinese_int(i % 8 + 1)}生态环境保护督察组"
        inspections.append(Inspection(pk=i + 1, team=team, inspected_unit=prov, feedback_date=date(2025, 6, 30)))
        common = {"inspection_id": i + 1, "status": "published"}
        top = Plan(pk=len(plans) + 1, title=f"{prov.name}贯彻落实中央生态环境保护督察报告整改方案", **common)
        top.level, top.jurisdiction, top.issue_date = "province", prov, date(2025, 8, 15)
        top.doc_number = f"{prov.name[0]}办字〔2025〕{i + 1}号"
        plans.append((top, mine))
        for city in mine:
            plan = Plan(pk=len(plans) + 1, title=f"{city.unit.name}贯彻落实{prov.name}整改方案的实施方案", **common)
            plan.parent_plan, plan.level, plan.jurisdiction = top, "city", city.unit
            plan.doc_number = f"{city.unit.name[0]}办字〔2025〕{rng.randrange(10, 99)}号"
            plan.issue_date = date(2025, 9, 1) + timedelta(days=rng.randrange(90))
            plans.append((plan, [city]))
    categories = [
        Category(pk=2 * (plan.pk - 1) + pos + 1, plan=plan, position=pos, number_text=num, title=title)
        for plan, _ in plans
        for pos, (num, title) in enumerate(CATEGORIES)
    ]

    deadlines = []
    for raw in DEADLINES:
        parsed = Problem()
        parsed.set_deadline(raw)
        deadlines.append({f"due_{n}": getattr(parsed, f"due_{n}") for n in DUE_FIELDS})
    problems: list[Problem] = []
    measures: list[Measure] = []
    assignments: list[Assignment] = []
    positions: Counter[int] = Counter()

    def assign(problem: Problem, role: str, holder: Unit, measure: Measure | None = None) -> None:
        pk = len(assignments) + 1
        assignments.append(Assignment(pk=pk, problem=problem, measure=measure, role=role, unit=holder))

    for i in range(n_problems):
        plan, plan_cities = plans[i % len(plans)]
        city = rng.choice(plan_cities)
        positions[plan.pk] += 1
        pos = positions[plan.pk]
        title = f"{city.unit.name}{rng.choice(ISSUES)}"
        problem = Problem(pk=i + 1, plan=plan, position=pos, number=pos, number_text=f"第{format_chinese_int(pos)}项")
        problem.category_id = 2 * (plan.pk - 1) + (1 if pos % 4 else 2)
        problem.title, problem.description = title, f"督察发现，{title}，群众反映强烈。" * 3
        problem.cause, problem.status = "属地责任落实不到位，部门监管存在薄弱环节。", rng.choices(*STATUSES)[0]
        for name, value in rng.choice(deadlines).items():
            setattr(problem, name, value)
        problems.append(problem)
        county_depts = [d for ds in city.county_depts.values() for d in ds]
        dept_pool = city.depts + (city.province_depts if plan.level == "province" else [])
        r = rng.random()  # 10 % to the collective, then counties, county departments, city/province departments
        lead = (
            city.collective
            if r < 0.10
            else rng.choice(city.counties if r < 0.55 else county_depts if r < 0.80 else dept_pool)
        )
        assign(problem, "lead", lead)
        assign(problem, "cooperating", city.depts[1] if rng.random() < 0.4 else rng.choice(dept_pool + county_depts))
        assign(problem, "supervising", city.depts[0] if rng.random() < 0.6 else rng.choice(city.depts))
        holders = city.counties if lead is city.collective else [lead, *city.county_depts.get(lead.pk, [])]
        for k in range(1, 4):
            measure = Measure(pk=len(measures) + 1, problem=problem, position=k, number_text=f"{k}.")
            measure.text, measure.status = f"{rng.choice(ISSUES)}：开展专项整治，建立长效机制。", problem.status
            for name, value in rng.choice(deadlines).items():
                setattr(measure, name, value)
            measures.append(measure)
            assign(problem, "lead", rng.choice(holders), measure)

    batches = [units, memberships, inspections, [p for p, _ in plans], categories, problems, measures, assignments]
    with transaction.atomic():
        for rows in batches:
            type(rows[0]).objects.bulk_create(rows, batch_size=2000)
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [type(rows[0]) for rows in batches]):
                cursor.execute(sql)
    return cities[0]


def create_users(city: City) -> dict[str, Any]:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # before the first user
    county = city.counties[0]
    spec = {
        "province_office": ("office", city.province),
        "city_office": ("office", city.unit),
        "county_office": ("office", county),
        "county_unit": ("unit", county),
        "dept_unit": ("unit", city.depts[1]),  # the city's 生态环境局
        "supervisor": ("supervisor", city.depts[0]),  # the city's 人民政府办公室
        "admin": ("admin", None),
    }
    for name, (role, unit) in spec.items():
        admin = role == "admin"
        user = User.objects.create_user(name, password="bench-pw-1", role=role, unit=unit, is_superuser=admin)
        Token.objects.create(user=user)
    return {u.username: u for u in User.objects.select_related("unit")}
