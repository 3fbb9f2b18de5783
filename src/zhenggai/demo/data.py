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
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from zhenggai.accounts.choices import Role
from zhenggai.ledger.actions import (
    ProblemChange,
    add_category,
    add_measure,
    add_target,
    amend_plan,
    assign,
    create_inspection,
    create_plan,
    create_problem,
    merge_problems,
    set_plan_status,
    update_measure,
    update_problem,
)
from zhenggai.ledger.choices import AssignmentRole, InspectionKind, InspectionLevel, ItemStatus, PlanLevel, PlanStatus
from zhenggai.ledger.models import Assignment, Inspection, Measure, Plan, PlanRevision, Problem, Target
from zhenggai.organizations.actions import (
    create_person,
    create_unit,
    hand_over_person,
    record_succession,
    set_collective_members,
)
from zhenggai.organizations.choices import UnitLevel
from zhenggai.organizations.models import Person, Unit

__all__ = ["DEMO_CITY", "DEMO_USERS", "DemoError", "DemoLogin", "DemoResult", "demo_exists", "load_demo"]

DEMO_CITY = "青岚市"

# Chinese role names for the login table; the English is the role's value.
ROLE_NAMES_ZH = {
    Role.ADMIN: "系统管理员",
    Role.OFFICE: "整改办",
    Role.UNIT: "责任单位",
    Role.SUPERVISOR: "督导单位",
    Role.REVIEWER: "验收审核",
}

# (username, password, role, unit name or "" , first name). The passwords are public:
# they are printed by ``zhenggai load_demo`` and listed in the README.
DEMO_USERS: tuple[tuple[str, str, str, str, str], ...] = (
    ("admin", "demo-admin-2026", Role.ADMIN, "", "管理员"),
    ("province", "demo-province-2026", Role.OFFICE, "云岭省", "岳衡"),
    ("office", "demo-office-2026", Role.OFFICE, "青岚市", "许清和"),
    ("xishan", "demo-xishan-2026", Role.UNIT, "溪山县人民政府", "方远"),
    ("baishi", "demo-baishi-2026", Role.UNIT, "白石县人民政府", "石磊"),
    ("ziranziyuan", "demo-ziranziyuan-2026", Role.UNIT, "青岚市自然资源局", "贺晨"),
    ("duban", "demo-duban-2026", Role.SUPERVISOR, "青岚市人民政府办公室", "严正"),
    ("reviewer", "demo-reviewer-2026", Role.REVIEWER, "青岚市", "孟青"),
)


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


def role_label(role: str) -> str:
    """The role as shown in the login table: Chinese, with the English value in brackets."""
    return f"{ROLE_NAMES_ZH.get(role, role)}（{role}）"


def demo_exists() -> bool:
    """True when the demo city is already in the database."""
    return Unit.objects.filter(name=DEMO_CITY, level=UnitLevel.CITY).exists()


def _logins() -> list[DemoLogin]:
    return [
        DemoLogin(username, password, role_label(role), unit or "—")
        for username, password, role, unit, _first in DEMO_USERS
    ]


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
        return DemoResult(created=False, logins=_logins(), counts=_counts())
    taken = sorted(
        get_user_model().objects.filter(username__in=[u[0] for u in DEMO_USERS]).values_list("username", flat=True)
    )
    if taken:
        raise DemoError(
            f"数据库中已有同名用户：{'、'.join(taken)}，无法加载演示数据，请使用新的空数据库。"
            f" (Users {', '.join(taken)} already exist: load the demo into a fresh database.)"
        )
    with transaction.atomic():
        _DemoBuilder().build()
    return DemoResult(created=True, logins=_logins(), counts=_counts())


class _DemoBuilder:
    """Builds the data set step by step, in the order things happened."""

    def __init__(self) -> None:
        user_model = get_user_model()
        username, password, role, _unit, first_name = DEMO_USERS[0]
        self.admin = user_model.objects.create_superuser(
            username, password=password, role=role, first_name=first_name, email=""
        )
        self.units: dict[str, Unit] = {}
        self.persons: dict[str, Person] = {}
        self.problems: dict[str, Problem] = {}

    # helpers ------------------------------------------------------------------

    def unit(self, key: str, name: str, level: str, parent: str | None = None, *, short: str = "", aliases=()) -> Unit:
        unit = create_unit(
            acting_user=self.admin,
            name=name,
            level=level,
            parent=self.units[parent] if parent else None,
            short_name=short,
            aliases=aliases,
        )
        self.units[key] = unit
        return unit

    def person(self, name: str, unit: str, title: str) -> Person:
        person = create_person(acting_user=self.admin, name=name, unit=self.units[unit], title=title)
        self.persons[name] = person
        return person

    def _assign(self, problem: Problem, roles: dict[str, list[Any]], **where: Any) -> None:
        for role, holders in roles.items():
            for holder in holders:
                if isinstance(holder, Raw):
                    assign(problem, role, acting_user=self.admin, raw_text=holder.text, **where)
                elif role in (AssignmentRole.LEADER, AssignmentRole.PERSON):
                    assign(problem, role, acting_user=self.admin, person=self.persons[holder], **where)
                else:
                    assign(problem, role, acting_user=self.admin, unit=self.units[holder], **where)

    def problem(self, plan: Plan, spec: dict[str, Any], *, category=None, parent: Problem | None = None) -> Problem:
        """Create a problem with its targets, measures and assignments from a spec dict."""
        problem = create_problem(
            plan,
            acting_user=self.admin,
            title=spec["title"],
            description=spec.get("description", ""),
            cause=spec.get("cause", ""),
            deadline=spec.get("deadline", ""),
            number=spec.get("number"),
            number_text=spec["number_text"],
            category=category,
            parent=parent,
        )
        self.problems[spec["key"]] = problem
        for number_text, text, deadline in spec.get("targets", ()):
            add_target(problem, acting_user=self.admin, text=text, number_text=number_text, deadline=deadline)
        self._assign(problem, spec.get("roles", {}))
        for number_text, text, deadline, status, roles in spec.get("measures", ()):
            measure = add_measure(
                problem, acting_user=self.admin, text=text, number_text=number_text, deadline=deadline
            )
            self._assign(problem, roles, measure=measure)
            if status != ItemStatus.NOT_STARTED:
                update_measure(measure, acting_user=self.admin, changes={"status": status})
        for child in spec.get("aspects", ()):
            self.problem(plan, child, category=category, parent=problem)
        return problem

    def set_status(self, key: str, status: str) -> None:
        problem = Problem.objects.get(pk=self.problems[key].pk)
        if problem.status != status:
            self.problems[key] = update_problem(
                problem,
                acting_user=self.admin,
                expected_version=problem.version,
                changes={"status": status},
                reason="progress update",
            )

    # the data set ---------------------------------------------------------------

    def build(self) -> None:
        self.build_units()
        self.build_persons()
        self.build_first_round()
        record_succession(
            self.units["市国土资源局"],
            self.units["市自然资源局"],
            on=date(2019, 2, 15),
            reason=(
                "按照青岚市机构改革方案，组建青岚市自然资源局，不再保留青岚市国土资源局，"
                "原国土资源局的职责和未完成的督察整改任务整体划入新组建的自然资源局。"
            ),
            acting_user=self.admin,
        )
        self.build_third_round()
        # 副市长林书远调任，由周启明接任分管工作：未完成的任务随之移交，已完成的仍记在原责任领导名下。
        hand_over_person(self.persons["林书远"], self.persons["周启明"], on=date(2026, 5, 12), acting_user=self.admin)
        self.build_users()

    def build_units(self) -> None:
        u = self.unit
        u("云岭省", "云岭省", UnitLevel.PROVINCE)
        u("省委办公厅", "中共云岭省委办公厅", UnitLevel.DEPARTMENT, "云岭省", short="省委办公厅")
        u("省政府办公厅", "云岭省人民政府办公厅", UnitLevel.DEPARTMENT, "云岭省", short="省政府办公厅")
        u("省生态环境厅", "云岭省生态环境厅", UnitLevel.DEPARTMENT, "云岭省", short="省生态环境厅")
        u("省自然资源厅", "云岭省自然资源厅", UnitLevel.DEPARTMENT, "云岭省", short="省自然资源厅")

        u("青岚市", DEMO_CITY, UnitLevel.CITY, "云岭省")
        # A government is its jurisdiction's executive; the registry has no level of its own for it.
        u("市政府", "青岚市人民政府", UnitLevel.OTHER, "青岚市", short="市政府", aliases=["青岚市政府"])
        u("市委办公室", "中共青岚市委办公室", UnitLevel.DEPARTMENT, "青岚市", short="市委办公室")
        u("市委组织部", "中共青岚市委组织部", UnitLevel.DEPARTMENT, "青岚市", short="市委组织部")
        u("市政府办公室", "青岚市人民政府办公室", UnitLevel.DEPARTMENT, "青岚市", short="市政府办公室")
        u("市生态环境局", "青岚市生态环境局", UnitLevel.DEPARTMENT, "青岚市", short="市生态环境局")
        u(
            "市发展改革委",
            "青岚市发展和改革委员会",
            UnitLevel.DEPARTMENT,
            "青岚市",
            short="市发展改革委",
            aliases=["市发改委"],
        )
        u("市住建局", "青岚市住房和城乡建设局", UnitLevel.DEPARTMENT, "青岚市", short="市住建局")
        u("市国土资源局", "青岚市国土资源局", UnitLevel.DEPARTMENT, "青岚市", short="市国土资源局")
        u("市自然资源局", "青岚市自然资源局", UnitLevel.DEPARTMENT, "青岚市", short="市自然资源局")
        u("市农业农村局", "青岚市农业农村局", UnitLevel.DEPARTMENT, "青岚市", short="市农业农村局")
        u("市市场监管局", "青岚市市场监督管理局", UnitLevel.DEPARTMENT, "青岚市", short="市市场监管局")
        u("市水务局", "青岚市水务局", UnitLevel.DEPARTMENT, "青岚市", short="市水务局")

        u("溪山县", "溪山县", UnitLevel.COUNTY, "青岚市")
        u("溪山县政府", "溪山县人民政府", UnitLevel.OTHER, "溪山县", short="溪山县政府")
        u("溪山县生态环境分局", "溪山县生态环境分局", UnitLevel.DEPARTMENT, "溪山县")
        u("溪山县住建局", "溪山县住房和城乡建设局", UnitLevel.DEPARTMENT, "溪山县", short="溪山县住建局")
        u("溪山县农业农村局", "溪山县农业农村局", UnitLevel.DEPARTMENT, "溪山县")
        u("柳塘镇", "柳塘镇", UnitLevel.TOWNSHIP, "溪山县")
        u("柳塘镇政府", "柳塘镇人民政府", UnitLevel.OTHER, "柳塘镇", short="柳塘镇政府")

        u("松原区", "松原区", UnitLevel.COUNTY, "青岚市")
        u("松原区政府", "松原区人民政府", UnitLevel.OTHER, "松原区", short="松原区政府")
        u("松原区生态环境分局", "松原区生态环境分局", UnitLevel.DEPARTMENT, "松原区")
        u(
            "松原工业园区管委会",
            "青岚松原工业园区管理委员会",
            UnitLevel.OTHER,
            "松原区",
            short="松原工业园区管委会",
        )

        u("白石县", "白石县", UnitLevel.COUNTY, "青岚市")
        u("白石县政府", "白石县人民政府", UnitLevel.OTHER, "白石县", short="白石县政府")
        u("白石县生态环境分局", "白石县生态环境分局", UnitLevel.DEPARTMENT, "白石县")
        u("白石县自然资源局", "白石县自然资源局", UnitLevel.DEPARTMENT, "白石县")

        counties = u("各县区政府", "各县区政府", UnitLevel.COLLECTIVE, "青岚市", aliases=["各县（区）人民政府"])
        set_collective_members(
            counties,
            [self.units["溪山县政府"], self.units["松原区政府"], self.units["白石县政府"]],
            acting_user=self.admin,
        )
        water = u(
            "水污染防治领导小组成员单位",
            "青岚市水污染防治工作领导小组成员单位",
            UnitLevel.COLLECTIVE,
            "青岚市",
            short="市水污染防治工作领导小组成员单位",
        )
        set_collective_members(
            water,
            [self.units[k] for k in ("市生态环境局", "市住建局", "市水务局", "市农业农村局", "市发展改革委")],
            acting_user=self.admin,
        )

    def build_persons(self) -> None:
        p = self.person
        p("林书远", "市政府", "副市长")
        p("周启明", "市政府", "副市长")
        p("乔振华", "市政府", "副市长")
        p("韩雪松", "市生态环境局", "局长")
        p("唐立群", "市住建局", "局长")
        p("钱守一", "市国土资源局", "局长")
        p("顾明哲", "市自然资源局", "局长")
        p("邵禾青", "市农业农村局", "局长")
        p("陶景行", "溪山县政府", "县长")
        p("贝文涛", "溪山县政府", "副县长")
        p("余海波", "柳塘镇政府", "镇长")
        p("程一帆", "松原区政府", "区长")
        p("骆承安", "松原区政府", "副区长")
        p("宋知远", "白石县政府", "县长")
        p("柯雨桐", "白石县政府", "副县长")

    def build_users(self) -> None:
        user_model = get_user_model()
        for username, password, role, unit_name, first_name in DEMO_USERS[1:]:
            unit = Unit.objects.get(name=unit_name)
            user_model.objects.create_user(username, password=password, role=role, unit=unit, first_name=first_name)

    # first round (2017): the task that passes from 国土资源局 to 自然资源局 ----------------------

    def build_first_round(self) -> None:
        inspection = create_inspection(
            acting_user=self.admin,
            team="中央第六环境保护督察组",
            inspected_unit=self.units["云岭省"],
            level=InspectionLevel.CENTRAL,
            kind=InspectionKind.ROUTINE,
            round_label="第一轮",
            stationed_from=date(2017, 8, 10),
            stationed_to=date(2017, 9, 10),
            feedback_date=date(2017, 12, 28),
        )
        plan = create_plan(
            acting_user=self.admin,
            inspection=inspection,
            title="青岚市贯彻落实中央环境保护督察反馈意见整改方案",
            jurisdiction=self.units["青岚市"],
            level=PlanLevel.CITY,
            issuing_units=[self.units["市委办公室"], self.units["市政府办公室"]],
            doc_number="青办发〔2018〕12号",
            issue_date=date(2018, 3, 20),
            declared_problem_count=2,
        )
        for spec in FIRST_ROUND_PROBLEMS:
            self.problem(plan, spec)
        set_plan_status(plan, PlanStatus.PUBLISHED, acting_user=self.admin)
        self.set_status("r1-mines", ItemStatus.IN_PROGRESS)
        self.set_status("r1-boilers", ItemStatus.COMPLETED)

    # third round (2025): the province plan and the city plan ------------------------------------

    def build_third_round(self) -> None:
        inspection = create_inspection(
            acting_user=self.admin,
            team="中央第三生态环境保护督察组",
            inspected_unit=self.units["云岭省"],
            level=InspectionLevel.CENTRAL,
            kind=InspectionKind.ROUTINE,
            round_label="第三轮",
            stationed_from=date(2025, 4, 8),
            stationed_to=date(2025, 5, 8),
            feedback_date=date(2025, 7, 20),
        )
        province_plan = create_plan(
            acting_user=self.admin,
            inspection=inspection,
            title="云岭省贯彻落实中央第三生态环境保护督察组督察报告整改方案",
            jurisdiction=self.units["云岭省"],
            level=PlanLevel.PROVINCE,
            issuing_units=[self.units["省委办公厅"], self.units["省政府办公厅"]],
            doc_number="云办发〔2025〕18号",
            issue_date=date(2025, 8, 28),
        )
        for spec in PROVINCE_PROBLEMS:
            self.problem(province_plan, spec)
        set_plan_status(province_plan, PlanStatus.PUBLISHED, acting_user=self.admin)

        plan = create_plan(
            acting_user=self.admin,
            inspection=inspection,
            parent_plan=province_plan,
            title="青岚市贯彻落实中央生态环境保护督察反馈问题整改实施方案",
            jurisdiction=self.units["青岚市"],
            level=PlanLevel.CITY,
            issuing_units=[self.units["市委办公室"], self.units["市政府办公室"]],
            doc_number="青办字〔2025〕31号",
            issue_date=date(2025, 9, 10),
            declared_problem_count=len(ROUTINE_PROBLEMS) + len(SPECIAL_PROBLEMS),
        )
        routine = add_category(
            plan,
            acting_user=self.admin,
            number_text="一",
            title=f"一、例行督察反馈问题整改措施清单（{len(ROUTINE_PROBLEMS)}项）",
            declared_count=len(ROUTINE_PROBLEMS),
        )
        special = add_category(
            plan,
            acting_user=self.admin,
            number_text="二",
            title=f"二、专项督察反馈问题整改措施清单（{len(SPECIAL_PROBLEMS)}项）",
            declared_count=len(SPECIAL_PROBLEMS),
        )
        for spec in ROUTINE_PROBLEMS:
            self.problem(plan, spec, category=routine)
        for spec in SPECIAL_PROBLEMS:
            self.problem(plan, spec, category=special)
        # 第九、十两项合并整改.
        merge_problems(self.problems["p10"], self.problems["p9"], acting_user=self.admin)
        set_plan_status(plan, PlanStatus.PUBLISHED, acting_user=self.admin)

        amend_plan(
            plan,
            acting_user=self.admin,
            title="关于调整完善青岚市督察反馈问题整改实施方案有关内容的通知",
            doc_number="青办字〔2025〕45号",
            issue_date=date(2025, 11, 18),
            review_reference="云整改函〔2025〕9号",
            summary=(
                "根据省整改办对我市整改实施方案的审核意见，对第二项的整改时限和第六项的问题表述作了调整，其余内容不变。"
            ),
            changes=[
                ProblemChange(
                    self.problems["p2"],
                    "deadline",
                    "2026年年底前完成管网改造，2027年6月30日前实现断面水质稳定达标",
                    opinion="整改时限方面，管网改造和断面水质达标是两个阶段，应当分别明确完成时间。",
                ),
                ProblemChange(
                    self.problems["p6"],
                    "description",
                    P6_DESCRIPTION_AMENDED,
                    opinion="问题描述方面，应当写明渗滤液积存数量和整治范围，便于验收时逐项对照核查。",
                ),
            ],
        )

        for key, status in THIRD_ROUND_STATUSES.items():
            self.set_status(key, status)


# Content ---------------------------------------------------------------------------------------
#
# Specs: key, number, number_text, title, description, cause, deadline, targets
# [(number_text, text, deadline)], roles {role: [unit key | person name | Raw]}, measures
# [(number_text, text, deadline, status, roles)], aspects [child specs].

LEAD, COOP, SUPERVISE, ACCEPT = (
    AssignmentRole.LEAD,
    AssignmentRole.COOPERATING,
    AssignmentRole.SUPERVISING,
    AssignmentRole.ACCEPTANCE,
)
LEADER, PERSON = AssignmentRole.LEADER, AssignmentRole.PERSON
NOT_STARTED, IN_PROGRESS, COMPLETED = ItemStatus.NOT_STARTED, ItemStatus.IN_PROGRESS, ItemStatus.COMPLETED

FIRST_ROUND_PROBLEMS: list[dict[str, Any]] = [
    {
        "key": "r1-mines",
        "number": 1,
        "number_text": "第一项",
        "title": "青岚河沿岸小矿山开发无序，生态修复欠账较多",
        "description": (
            "青岚河中游沿岸分布着数十家小型采石、采砂企业，矿权分散、规模小、开采方式粗放，"
            "部分矿山越界开采，闭坑后未按方案复垦，河岸山体破损明显。"
        ),
        "deadline": "2018年年底前完成矿权整合，生态修复长期坚持",
        "targets": [("", "沿岸小矿山完成整合重组，闭坑矿山全部落实复垦和生态修复责任。", "")],
        "roles": {
            LEAD: ["市国土资源局"],
            COOP: ["各县区政府", "市生态环境局"],
            LEADER: ["乔振华"],
            PERSON: ["钱守一"],
        },
        "measures": [
            (
                "（一）",
                "编制青岚河沿岸矿产资源整合方案，关停整合规模以下矿山，不再新设零星采矿权。",
                "2018年年底前",
                COMPLETED,
                {LEAD: ["市国土资源局"]},
            ),
            (
                "（二）",
                "逐矿落实闭坑矿山复垦和生态修复责任主体，按年度下达修复计划并组织验收。",
                "长期坚持",
                IN_PROGRESS,
                {LEAD: ["市国土资源局"], COOP: ["各县区政府"]},
            ),
        ],
    },
    {
        "key": "r1-boilers",
        "number": 2,
        "number_text": "第二项",
        "title": "城区燃煤小锅炉淘汰进度滞后",
        "description": "青岚市建成区内仍有一批10蒸吨以下燃煤锅炉在用，采暖季城区颗粒物浓度明显上升。",
        "deadline": "2018年10月31日前",
        "targets": [("", "建成区10蒸吨以下燃煤锅炉全部淘汰或完成清洁能源改造。", "")],
        "roles": {LEAD: ["市住建局"], COOP: ["市市场监管局"], LEADER: ["林书远"], PERSON: ["唐立群"]},
        "measures": [
            (
                "",
                "对建成区燃煤锅炉建立清单，分批实施拆除或煤改气、煤改电，完成一台销号一台。",
                "2018年10月31日前",
                COMPLETED,
                {},
            )
        ],
    },
]

PROVINCE_PROBLEMS: list[dict[str, Any]] = [
    {
        "key": "prov-river",
        "number": 6,
        "number_text": "第六项",
        "title": "青岚河流域水环境质量改善不力",
        "description": (
            "青岚河流域城镇污水收集处理能力不足，沿河养殖污染未得到有效控制，"
            "干流部分断面水质在汛期反复超标，流域治理缺少统筹。"
        ),
        "deadline": "2027年6月30日前",
        "targets": [("", "青岚河干流国控、省控断面水质稳定达到考核目标。", "")],
        "roles": {LEAD: ["市政府"], SUPERVISE: ["省生态环境厅"], LEADER: [Raw("青岚市人民政府主要负责同志")]},
        "measures": [],
    },
    {
        "key": "prov-reserve",
        "number": 9,
        "number_text": "第九项",
        "title": "部分自然保护区历史遗留问题整改迟缓",
        "description": "白石山等省级自然保护区内采石、小水电等历史遗留问题清理进度慢，保护区边界与实际管理范围不符。",
        "deadline": "2026年年底前",
        "targets": [("", "保护区内历史遗留问题全部完成清理整治。", "")],
        "roles": {LEAD: ["市政府"], SUPERVISE: ["省自然资源厅", "省生态环境厅"]},
        "measures": [],
    },
]

ROUTINE_PROBLEMS: list[dict[str, Any]] = [
    {
        "key": "p1",
        "number": 1,
        "number_text": "第一项",
        "title": "部分县区生态环境保护责任压得不实",
        "description": (
            "督察发现，青岚市一些县区党委和政府研究生态环境保护工作的次数偏少，"
            "部署多、跟踪少；部分部门仍把生态环境保护看作生态环境部门一家的事，"
            "生态环境保护责任清单多年未修订，县区综合考核中生态环境指标权重偏低。"
        ),
        "cause": (
            "一些领导干部抓经济增长的劲头大于抓生态保护的劲头；机构改革后部门职能调整，"
            "责任清单未同步更新，考核督促手段偏软。"
        ),
        "deadline": "立行立改，长期坚持",
        "targets": [("", "各级党委、政府和有关部门生态环境保护责任全面压实，责任清单完成修订并向社会公开。", "")],
        "roles": {
            LEAD: ["市生态环境局", "各县区政府"],
            SUPERVISE: ["市委办公室", "市政府办公室"],
            LEADER: ["林书远", Raw("各县区政府主要负责同志")],
            PERSON: ["韩雪松", Raw("各县区政府分管负责同志")],
        },
        "measures": [
            (
                "（一）",
                "市委常委会、市政府常务会每半年至少专题研究一次生态环境保护工作；"
                "各县区党委、政府每季度至少研究一次，研究事项列入台账、逐项跟踪。",
                "每季度",
                IN_PROGRESS,
                {LEAD: ["各县区政府"]},
            ),
            (
                "（二）",
                "对照机构改革后各部门的职能配置，修订市、县两级部门生态环境保护责任清单并印发实施。",
                "2025年12月31日前",
                COMPLETED,
                {LEAD: ["市生态环境局"], COOP: ["市委办公室"]},
            ),
            (
                "（三）",
                "提高生态环境保护指标在县区高质量发展综合考核中的权重，考核结果作为干部评先评优的重要依据。",
                "长期坚持",
                IN_PROGRESS,
                {LEAD: ["市委组织部"]},
            ),
        ],
    },
    {
        "key": "p2",
        "number": 2,
        "number_text": "第二项",
        "title": "青岚河流域城镇生活污水收集处理短板突出",
        "description": (
            "青岚河是全市主要纳污河流。溪山县城区、松原区老城片区污水管网建设滞后，"
            "雨污合流、错接混接点位多，雨季大量污水经溢流口直排入河；全市城镇污水处理厂"
            "进水化学需氧量平均浓度不足每升一百毫克。2024年，青岚河石门桥断面有5个月水质劣于Ⅲ类。"
        ),
        "cause": (
            "城市建设中长期“重厂轻网”，地下管网底数不清；老旧小区和城中村改造未同步实施雨污分流，排水户监管缺位。"
        ),
        "deadline": "2026年年底前",
        "targets": [
            ("1.", "溪山县城区、松原区老城片区完成雨污分流改造不少于60公里，消除生活污水直排口。", "2026年年底前"),
            (
                "2.",
                "城镇污水处理厂进水化学需氧量平均浓度较2024年提高20%以上，石门桥断面水质稳定达到Ⅲ类。",
                "2027年6月30日前",
            ),
        ],
        "roles": {
            LEAD: ["市住建局"],
            COOP: ["水污染防治领导小组成员单位"],
            SUPERVISE: ["市生态环境局"],
            ACCEPT: ["市生态环境局"],
            LEADER: ["林书远"],
            PERSON: ["唐立群"],
        },
        "measures": [
            (
                "（一）",
                "开展城区排水管网普查，建立管网地理信息系统和问题点位清单。",
                "2026年3月底前",
                COMPLETED,
                {LEAD: ["市住建局"]},
            ),
            (
                "（二）",
                "实施溪山县城区雨污分流改造工程，完成老城区主次干道管网改造和沿河截污干管建设。",
                "2026年年底前",
                IN_PROGRESS,
                {LEAD: ["溪山县政府"], COOP: ["溪山县住建局"]},
            ),
            (
                "（三）",
                "实施松原区老城片区管网提质增效工程，集中整治错接混接点位和破损管段。",
                "2026年年底前",
                IN_PROGRESS,
                {LEAD: ["松原区政府"]},
            ),
            (
                "（四）",
                "对青岚河干支流入河排污口开展巡查监测，发现问题当即交办相关县区。",
                "每季度",
                IN_PROGRESS,
                {LEAD: ["市生态环境局"]},
            ),
        ],
    },
    {
        "key": "p3",
        "number": 3,
        "number_text": "第三项",
        "title": "松原工业园区部分化工企业废气无组织排放问题突出",
        "description": (
            "松原工业园区内12家精细化工企业在原料储存、投料和废水收集环节密闭不严，"
            "挥发性有机物收集效率偏低，周边居民多次反映夜间异味扰民。"
            "督察组现场检查时，有3家企业的废气治理设施未正常运行。"
        ),
        "cause": "园区管委会重招商、轻监管，环境管理力量薄弱；企业治污主体责任不落实，设施运行台账流于形式。",
        "deadline": "2026年6月30日前",
        "targets": [("", "园区企业挥发性有机物无组织排放得到有效管控，厂界浓度稳定达标，异味投诉明显下降。", "")],
        "roles": {
            LEAD: ["松原区政府"],
            COOP: ["松原工业园区管委会", "松原区生态环境分局"],
            SUPERVISE: ["市生态环境局"],
            ACCEPT: ["市生态环境局"],
            LEADER: ["程一帆"],
            PERSON: ["骆承安"],
        },
        "measures": [
            (
                "1.",
                "对园区涉挥发性有机物企业逐家排查，建立“一企一策”治理清单。",
                "2025年12月31日前",
                COMPLETED,
                {},
            ),
            (
                "2.",
                "督促企业完成储罐、投料口和污水池密闭改造，配套建设高效治理设施。",
                "2026年6月30日前",
                COMPLETED,
                {LEAD: ["松原工业园区管委会"]},
            ),
            (
                "3.",
                "依法查处治理设施不正常运行等违法行为，对3家企业立案处罚并公开曝光。",
                "立行立改",
                COMPLETED,
                {LEAD: ["松原区生态环境分局"]},
            ),
            (
                "4.",
                "建成园区特征污染物自动监测站，数据接入市生态环境局监控平台。",
                "2026年6月30日前",
                COMPLETED,
                {},
            ),
        ],
    },
    {
        "key": "p4",
        "number": 4,
        "number_text": "第四项",
        "title": "白石山自然保护区内采石场和小水电清理不到位",
        "description": (
            "白石山省级自然保护区实验区内仍有2处采石场未关闭退出，4座小水电站未按要求下泄生态流量，"
            "个别河段出现季节性断流。保护区范围和功能区划与实际管理边界不一致，"
            "部分村庄和耕地被划入核心区，群众生产生活受到影响。"
        ),
        "cause": "白石县对保护区内历史遗留问题底数掌握不清，清理整治推进迟缓；勘界定标工作滞后，范围调整论证准备不足。",
        "deadline": "根据省级批复时间确定，其余事项2026年年底前完成",
        "targets": [
            (
                "（一）",
                "保护区内采石场全部关闭并完成生态修复，小水电站全部落实生态流量下泄并安装在线监控。",
                "2026年年底前",
            ),
            ("（二）", "完成保护区范围和功能区调整论证并上报，按批复结果落实分区管控要求。", "根据省级批复时间确定"),
        ],
        "roles": {
            LEAD: ["白石县政府"],
            COOP: ["白石县自然资源局", "白石县生态环境分局"],
            SUPERVISE: ["市自然资源局", "市生态环境局"],
            ACCEPT: ["市自然资源局"],
            LEADER: ["宋知远"],
            PERSON: ["柯雨桐"],
        },
        "measures": [
            (
                "（一）",
                "关闭保护区内2处采石场，拆除生产设施，完成矿坑回填和植被恢复。",
                "2026年年底前",
                NOT_STARTED,
                {LEAD: ["白石县政府"]},
            ),
            (
                "（二）",
                "逐站核定4座小水电站的生态流量，完成泄流设施改造和在线监控安装。",
                "2026年年底前",
                NOT_STARTED,
                {LEAD: ["白石县政府"], COOP: ["市水务局"]},
            ),
            (
                "（三）",
                "委托技术单位开展保护区范围和功能区调整论证，经县政府审定后按程序报省级主管部门。",
                "根据省级批复时间确定",
                NOT_STARTED,
                {LEAD: ["白石县自然资源局"]},
            ),
        ],
    },
    {
        "key": "p5",
        "number": 5,
        "number_text": "第五项",
        "title": "溪山县畜禽养殖粪污资源化利用水平偏低",
        "description": (
            "溪山县生猪存栏量近年快速增长，部分规模养殖场粪污贮存设施容量不足，雨季满溢外流；"
            "柳塘镇沿河散养户粪污直接排入沟渠，经澄溪汇入青岚河，澄溪入河口氨氮浓度长期偏高。"
        ),
        "cause": "养殖业发展布局缺乏环境承载力论证，禁养区划定后监管跟进不足；粪污收运体系不健全，散养户处理成本高。",
        "deadline": "2026年9月底前",
        "targets": [
            ("", "规模养殖场粪污处理设施装备配套率达到100%，畜禽粪污综合利用率达到85%以上。", ""),
            ("", "澄溪入河口氨氮浓度稳定达标。", ""),
        ],
        "roles": {
            LEAD: ["溪山县政府"],
            COOP: ["市农业农村局", "柳塘镇政府"],
            SUPERVISE: ["市政府办公室", "市农业农村局"],
            ACCEPT: ["市农业农村局"],
            LEADER: ["陶景行"],
            PERSON: ["贝文涛", "余海波"],
        },
        "measures": [
            (
                "（一）",
                "对全县规模养殖场粪污处理设施逐场核查，容量不足的限期扩容改造。",
                "2026年3月底前",
                COMPLETED,
                {LEAD: ["溪山县农业农村局"]},
            ),
            (
                "（二）",
                "在柳塘镇建设畜禽粪污集中收集处理中心，建立散养户粪污收运台账。",
                "2026年9月底前",
                IN_PROGRESS,
                {LEAD: ["柳塘镇政府"]},
            ),
            (
                "（三）",
                "县农业农村、生态环境部门联合开展沿河养殖巡查，发现直排行为依法处置。",
                "每月开展一次，长期坚持",
                IN_PROGRESS,
                {LEAD: ["溪山县农业农村局", "溪山县生态环境分局"]},
            ),
        ],
    },
    {
        "key": "p6",
        "number": 6,
        "number_text": "第六项",
        "title": "市生活垃圾填埋场渗滤液积存问题未有效解决",
        "description": (
            "青岚市生活垃圾卫生填埋场超设计库容运行，渗滤液处理能力不足，调节池长期高液位运行，存在外溢风险。"
        ),
        "cause": "垃圾焚烧发电项目建设滞后，填埋场超期服役；渗滤液处理设施提标改造资金迟迟未落实。",
        "deadline": "2026年3月底前",
        "targets": [("", "积存渗滤液全部处理达标，渗滤液处理能力满足日产生量需要。", "")],
        "roles": {
            LEAD: ["市住建局"],
            COOP: ["市生态环境局", "市发展改革委"],
            SUPERVISE: ["市生态环境局"],
            ACCEPT: ["市生态环境局"],
            LEADER: ["林书远"],
            PERSON: ["唐立群"],
        },
        "measures": [
            (
                "1.",
                "增设应急渗滤液处理设备，将调节池液位降至安全水位以下。",
                "2025年12月31日前",
                COMPLETED,
                {},
            ),
            ("2.", "完成渗滤液处理站提标扩能改造并稳定运行。", "2026年3月底前", COMPLETED, {}),
            (
                "3.",
                "加强填埋作业管理，落实每日覆盖和场区雨污分流，从源头减少渗滤液产生量。",
                "长期坚持",
                IN_PROGRESS,
                {},
            ),
        ],
    },
    {
        "key": "p7",
        "number": 7,
        "number_text": "第七项",
        "title": "第一轮中央环境保护督察整改尾项未按期完成",
        "description": (
            "第一轮中央环境保护督察反馈涉及青岚市的整改任务中，本轮督察进驻时仍有尾项未完成，"
            "青岚河沿岸矿山整合后的生态修复进度明显滞后，个别已销号问题出现反弹。"
        ),
        "cause": "部分单位认为第一轮整改时限已过，思想上有所松懈；机构改革后部分任务交接不清，跟踪督办出现断档。",
        "deadline": "2025年12月31日前完成，长期坚持",
        "targets": [("", "第一轮督察整改尾项全部完成，已销号问题不反弹。", "")],
        "roles": {
            LEAD: [Raw("第一轮整改方案确定的各责任单位（机构改革中撤并或调整的，由承接其职能的单位负责）")],
            SUPERVISE: ["市政府办公室"],
            ACCEPT: ["市生态环境局"],
            LEADER: [Raw("第一轮整改方案确定的责任领导，人员变动的由接任领导负责")],
            PERSON: [Raw("第一轮整改方案确定的责任人员，人员变动的由接任人员负责")],
        },
        "measures": [
            (
                "（一）",
                "逐项梳理第一轮督察整改尾项，列出清单，明确完成时限和责任人，由市整改办按月调度。",
                "2025年10月底前建立清单，此后每月调度",
                IN_PROGRESS,
                {LEAD: ["市生态环境局"]},
            ),
            (
                "（二）",
                "对已销号问题组织“回头看”，发现反弹的重新纳入台账整改。",
                "长期坚持",
                IN_PROGRESS,
                {LEAD: ["各县区政府", "市自然资源局"]},
            ),
        ],
    },
]

SPECIAL_PROBLEMS: list[dict[str, Any]] = [
    {
        "key": "p8",
        "number": 8,
        "number_text": "第八项",
        "title": "历史遗留矿山生态修复和河道采砂监管不到位",
        "description": (
            "全市登记在册的历史遗留废弃矿山中仍有较大面积未完成修复，部分矿坑积水、边坡裸露；"
            "溪山县澄溪河段多次发生夜间盗采河砂，有关部门发现后未及时移交查处。"
            "本项问题分（一）（二）两个方面整改。"
        ),
        "deadline": "",
        "roles": {SUPERVISE: ["市生态环境局"]},
        "aspects": [
            {
                "key": "p8-1",
                "number": 1,
                "number_text": "（一）",
                "title": "历史遗留废弃矿山生态修复进度滞后",
                "description": (
                    "全市仍有37处、约2100亩历史遗留废弃矿山未完成生态修复，部分矿坑积水、边坡裸露，存在地质灾害隐患。"
                ),
                "deadline": "2027年年底前",
                "targets": [("", "全部历史遗留废弃矿山完成生态修复，修复后的土地因地制宜用作林地、耕地或景观。", "")],
                "roles": {
                    LEAD: ["市自然资源局", "各县区政府"],
                    COOP: ["市发展改革委"],
                    SUPERVISE: ["市生态环境局"],
                    ACCEPT: ["市自然资源局"],
                    LEADER: ["乔振华"],
                    PERSON: ["顾明哲"],
                },
                "measures": [
                    (
                        "1.",
                        "逐点核查废弃矿山图斑，建立修复台账，明确修复方式、责任主体和资金来源。",
                        "2025年12月31日前",
                        COMPLETED,
                        {LEAD: ["市自然资源局"]},
                    ),
                    (
                        "2.",
                        "按照宜林则林、宜耕则耕的原则分年度实施修复工程，各县区向市整改办报告进展。",
                        "每半年报告一次，2027年年底前全部完成",
                        IN_PROGRESS,
                        {LEAD: ["各县区政府"]},
                    ),
                ],
            },
            {
                "key": "p8-2",
                "number": 2,
                "number_text": "（二）",
                "title": "溪山县澄溪河段非法采砂问题",
                "description": (
                    "溪山县澄溪柳塘至下坝河段多次发生夜间盗采河砂，河床下切、堤岸受损，有关部门发现后未及时移交查处。"
                ),
                "deadline": "立即启动，2025年11月底前完成",
                "targets": [("", "澄溪河段非法采砂行为得到彻底遏制，受损堤岸完成修复。", "")],
                "roles": {
                    LEAD: ["溪山县政府"],
                    COOP: ["柳塘镇政府", "市水务局"],
                    SUPERVISE: ["市水务局"],
                    LEADER: ["陶景行"],
                    PERSON: ["贝文涛"],
                },
                "measures": [
                    (
                        "（一）",
                        "组织水务、公安、自然资源等部门开展联合执法，依法查处盗采河砂行为。",
                        "立行立改",
                        COMPLETED,
                        {},
                    ),
                    (
                        "（二）",
                        "在重点河段安装视频监控，建立河道采砂日常巡查和案件移交机制。",
                        "2025年11月底前",
                        COMPLETED,
                        {LEAD: ["柳塘镇政府"]},
                    ),
                ],
            },
        ],
    },
    {
        "key": "p9",
        "number": 9,
        "number_text": "第九项",
        "title": "县级饮用水水源保护区内违规建设问题清理不彻底",
        "description": (
            "全市部分县级集中式饮用水水源地一级保护区内仍有与供水设施无关的建筑物，"
            "二级保护区内存在农家乐、垂钓点等经营活动，生活污水未经收集直接排放。"
        ),
        "deadline": "2026年6月30日前",
        "targets": [("", "县级饮用水水源保护区内违规建筑和经营活动全部清理，水源地水质稳定达标。", "")],
        "roles": {
            LEAD: ["各县区政府"],
            COOP: ["市生态环境局", "市水务局"],
            SUPERVISE: ["市政府办公室"],
            ACCEPT: ["市生态环境局"],
            LEADER: [Raw("各县区政府分管负责同志")],
            PERSON: [Raw("水源地所在乡镇主要负责同志")],
        },
        "measures": [
            (
                "（一）",
                "开展水源保护区环境问题排查整治，拆除一级保护区内违规建筑。",
                "2026年3月底前",
                COMPLETED,
                {},
            ),
            ("（二）", "规范设置保护区界标、警示牌和隔离防护设施。", "2026年6月30日前", COMPLETED, {}),
            (
                "（三）",
                "开展水源地水质全指标监测并向社会公开结果。",
                "每季度",
                IN_PROGRESS,
                {LEAD: ["市生态环境局"]},
            ),
        ],
    },
    {
        "key": "p10",
        "number": 10,
        "number_text": "第十项",
        "title": "溪山县翠屏水库一级保护区内网箱养殖未清理",
        "description": (
            "溪山县翠屏水库是县城主要饮用水水源，一级保护区水域内仍有网箱养殖约40亩，投饵养殖导致库区总磷浓度上升。"
        ),
        "deadline": "2026年6月30日前",
        "roles": {LEAD: ["溪山县政府"], COOP: ["市农业农村局"], LEADER: ["陶景行"], PERSON: ["贝文涛"]},
        "measures": [
            (
                "",
                "全部拆除保护区内养殖网箱，依法对养殖户给予补偿并引导转产转业。",
                "2026年3月底前",
                COMPLETED,
                {},
            ),
        ],
    },
]

P6_DESCRIPTION_AMENDED = (
    "青岚市生活垃圾卫生填埋场超设计库容运行，渗滤液处理设施日处理能力仅为日产生量的六成左右，"
    "调节池积存渗滤液约3.2万立方米，长期高液位运行，雨季存在外溢风险。整治范围包括填埋场本体、"
    "调节池及下游500米排洪沟。"
)

# Where the third-round problems stand on the demo's "today" (late 2026).
THIRD_ROUND_STATUSES: dict[str, str] = {
    "prov-river": IN_PROGRESS,
    "prov-reserve": IN_PROGRESS,
    "p1": IN_PROGRESS,
    "p2": IN_PROGRESS,
    "p3": COMPLETED,
    "p4": NOT_STARTED,
    "p5": IN_PROGRESS,  # due 2026年9月底前: overdue
    "p6": COMPLETED,
    "p7": IN_PROGRESS,
    "p8": IN_PROGRESS,
    "p8-1": IN_PROGRESS,
    "p8-2": COMPLETED,
    "p9": COMPLETED,
    "p10": COMPLETED,
}
