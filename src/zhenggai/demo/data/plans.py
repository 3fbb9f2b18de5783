"""The ledger part of the demo: the two inspections, their plans, categories, problems and the amendment."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from zhenggai.demo.data.problems import (
    FIRST_ROUND_PROBLEMS,
    P6_DESCRIPTION_AMENDED,
    PROVINCE_PROBLEMS,
    ROUTINE_PROBLEMS,
    SPECIAL_PROBLEMS,
    THIRD_ROUND_STATUSES,
)
from zhenggai.ledger.actions import (
    add_category,
    create_inspection,
    create_plan,
    merge_problems,
    set_plan_status,
)
from zhenggai.ledger.amendments import ProblemChange, amend_plan
from zhenggai.ledger.choices import InspectionKind, InspectionLevel, ItemStatus, PlanLevel, PlanStatus
from zhenggai.ledger.models import Inspection, Plan

if TYPE_CHECKING:
    from zhenggai.demo.data.builder import DemoBuilder

__all__ = ["build_first_round", "build_third_round"]


# first round (2017): the task that passes from 国土资源局 to 自然资源局 ----------------------


def build_first_round(b: DemoBuilder) -> None:
    """The first-round inspection and the city plan, published, with one task still open."""
    inspection = create_inspection(
        acting_user=b.admin,
        team="中央第六环境保护督察组",
        inspected_unit=b.units["云岭省"],
        level=InspectionLevel.CENTRAL,
        kind=InspectionKind.ROUTINE,
        round_label="第一轮",
        stationed_from=date(2017, 8, 10),
        stationed_to=date(2017, 9, 10),
        feedback_date=date(2017, 12, 28),
    )
    plan = create_plan(
        acting_user=b.admin,
        inspection=inspection,
        title="青岚市贯彻落实中央环境保护督察反馈意见整改方案",
        jurisdiction=b.units["青岚市"],
        level=PlanLevel.CITY,
        issuing_units=[b.units["市委办公室"], b.units["市政府办公室"]],
        doc_number="青办发〔2018〕12号",
        issue_date=date(2018, 3, 20),
        declared_problem_count=2,
    )
    for spec in FIRST_ROUND_PROBLEMS:
        b.problem(plan, spec)
    set_plan_status(plan, PlanStatus.PUBLISHED, acting_user=b.admin)
    b.set_status("r1-mines", ItemStatus.IN_PROGRESS)
    b.set_status("r1-boilers", ItemStatus.COMPLETED)


# third round (2025): the province plan and the city plan ------------------------------------


def build_third_round(b: DemoBuilder) -> None:
    """The third-round inspection, the province plan, the city plan implementing it and its amendment."""
    inspection = _third_round_inspection(b)
    province_plan = _province_plan(b, inspection)
    plan = _city_plan(b, inspection, province_plan)
    _amend_city_plan(b, plan)
    for key, status in THIRD_ROUND_STATUSES.items():
        b.set_status(key, status)


def _third_round_inspection(b: DemoBuilder) -> Inspection:
    return create_inspection(
        acting_user=b.admin,
        team="中央第三生态环境保护督察组",
        inspected_unit=b.units["云岭省"],
        level=InspectionLevel.CENTRAL,
        kind=InspectionKind.ROUTINE,
        round_label="第三轮",
        stationed_from=date(2025, 4, 8),
        stationed_to=date(2025, 5, 8),
        feedback_date=date(2025, 7, 20),
    )


def _province_plan(b: DemoBuilder, inspection: Inspection) -> Plan:
    province_plan = create_plan(
        acting_user=b.admin,
        inspection=inspection,
        title="云岭省贯彻落实中央第三生态环境保护督察组督察报告整改方案",
        jurisdiction=b.units["云岭省"],
        level=PlanLevel.PROVINCE,
        issuing_units=[b.units["省委办公厅"], b.units["省政府办公厅"]],
        doc_number="云办发〔2025〕18号",
        issue_date=date(2025, 8, 28),
    )
    for spec in PROVINCE_PROBLEMS:
        b.problem(province_plan, spec)
    set_plan_status(province_plan, PlanStatus.PUBLISHED, acting_user=b.admin)
    return province_plan


def _city_plan(b: DemoBuilder, inspection: Inspection, province_plan: Plan) -> Plan:
    plan = create_plan(
        acting_user=b.admin,
        inspection=inspection,
        parent_plan=province_plan,
        title="青岚市贯彻落实中央生态环境保护督察反馈问题整改实施方案",
        jurisdiction=b.units["青岚市"],
        level=PlanLevel.CITY,
        issuing_units=[b.units["市委办公室"], b.units["市政府办公室"]],
        doc_number="青办字〔2025〕31号",
        issue_date=date(2025, 9, 10),
        declared_problem_count=len(ROUTINE_PROBLEMS) + len(SPECIAL_PROBLEMS),
    )
    _city_problems(b, plan)
    # 第九、十两项合并整改.
    merge_problems(b.problems["p10"], b.problems["p9"], acting_user=b.admin)
    set_plan_status(plan, PlanStatus.PUBLISHED, acting_user=b.admin)
    return plan


def _city_problems(b: DemoBuilder, plan: Plan) -> None:
    """The city plan's two categories and their problems."""
    routine = add_category(
        plan,
        acting_user=b.admin,
        number_text="一",
        title=f"一、例行督察反馈问题整改措施清单（{len(ROUTINE_PROBLEMS)}项）",
        declared_count=len(ROUTINE_PROBLEMS),
    )
    special = add_category(
        plan,
        acting_user=b.admin,
        number_text="二",
        title=f"二、专项督察反馈问题整改措施清单（{len(SPECIAL_PROBLEMS)}项）",
        declared_count=len(SPECIAL_PROBLEMS),
    )
    for spec in ROUTINE_PROBLEMS:
        b.problem(plan, spec, category=routine)
    for spec in SPECIAL_PROBLEMS:
        b.problem(plan, spec, category=special)


def _amend_city_plan(b: DemoBuilder, plan: Plan) -> None:
    """The amendment after the province office's review: 第二项's deadline and 第六项's description."""
    amend_plan(
        plan,
        acting_user=b.admin,
        title="关于调整完善青岚市督察反馈问题整改实施方案有关内容的通知",
        doc_number="青办字〔2025〕45号",
        issue_date=date(2025, 11, 18),
        review_reference="云整改函〔2025〕9号",
        summary=(
            "根据省整改办对我市整改实施方案的审核意见，对第二项的整改时限和第六项的问题表述作了调整，其余内容不变。"
        ),
        changes=[
            ProblemChange(
                b.problems["p2"],
                "deadline",
                "2026年年底前完成管网改造，2027年6月30日前实现断面水质稳定达标",
                opinion="整改时限方面，管网改造和断面水质达标是两个阶段，应当分别明确完成时间。",
            ),
            ProblemChange(
                b.problems["p6"],
                "description",
                P6_DESCRIPTION_AMENDED,
                opinion="问题描述方面，应当写明渗滤液积存数量和整治范围，便于验收时逐项对照核查。",
            ),
        ],
    )
