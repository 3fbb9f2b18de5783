"""The progress part of the demo: the city plan's reporting rhythm and a year of monthly reports.

Most open measures are reported every month on the time-proportional line, so the dashboard is not
a wall of red; a few tell the stories a rectification office meets every month: a measure falling
behind (管网改造, with its kilometres), one whose reports stopped, one past its deadline, a problem
nobody has started, a completion claimed with its evidence and one claimed without.
"""

from __future__ import annotations

import math
from datetime import date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from zhenggai.accounts.models import User
from zhenggai.core.schedule import Cadence, expected_share, period_for, periods_between
from zhenggai.ledger.models import Measure
from zhenggai.progress.actions import IndicatorInput, ReportInput, save_schedule, submit_report

if TYPE_CHECKING:
    from zhenggai.demo.data.builder import DemoBuilder

__all__ = ["DEMO_AS_OF", "build_progress"]

DEMO_AS_OF = date(2026, 11, 22)  # the reports run up to October 2026, reported in early November
START = date(2025, 9, 10)

# measure (problem key, position) → how it was reported
BEHIND = ("p2", 1)  # 管网改造: 20 points below the line, with kilometres
STOPPED = ("p2", 2)  # reports stop after August 2026
LATE = ("p5", 1)  # due 2026-09-30, stuck at 90 %
NOBODY = "p4"  # not started: no reports at all
CLAIMED_WITH_EVIDENCE = ("p2", 0)
CLAIMED_WITHOUT_EVIDENCE = ("p8-1", 1)


def _when(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour=16)))


def _demo_pdf(title: str) -> SimpleUploadedFile:
    """A tiny but real PDF (the evidence check reads the content, not the name)."""
    body = f"%PDF-1.4\n% {title}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    return SimpleUploadedFile(f"{title}.pdf", body.encode())


def build_progress(b: DemoBuilder) -> None:
    office = User.objects.get(username="office")
    plan = b.problems["p2"].plan
    save_schedule(plan, acting_user=b.admin, cadence=Cadence.MONTHLY, starts_on=START)
    periods = [p for p in periods_between(Cadence.MONTHLY, START, date(2026, 10, 31)) if p.end < DEMO_AS_OF]
    for key, problem in b.problems.items():
        if problem.plan_id != plan.pk or key == NOBODY:
            continue
        for position, measure in enumerate(Measure.objects.filter(problem=problem).order_by("position", "pk")):
            story = (key, position)
            if measure.status == "completed" and story != CLAIMED_WITH_EVIDENCE:
                _done_on_time(problem, measure, periods, office)
            elif measure.status == "in_progress" and story != LATE:
                _monthly(problem, measure, periods, office, story=story)
    _late_measure(b, office)
    _completion_claims(b, office)


def _done_on_time(problem, measure: Measure, periods, office: User) -> None:
    """A measure the ledger shows as done: monthly reports up to its deadline, then the completion report
    with its evidence, so the status on any earlier date is what it was then."""
    due = measure.due_date or periods[0].end
    for period in periods:
        done = period.end >= due
        submit_report(
            problem,
            ReportInput(
                period.start,
                period.end,
                "已全部完成，验收材料见附件。" if done else f"{period.label}：按计划推进。",
                Decimal(100) if done else _line(measure, period.end),
                claimed_status="completed" if done else "in_progress",
                files=[_demo_pdf(f"完成情况佐证{measure.pk}")] if done else [],
            ),
            acting_user=office,
            measure=measure,
            submitted_at=_when(period.window_open),
        )
        if done:
            return


def _line(measure: Measure, period_end: date) -> Decimal | None:
    if measure.due_date is None:
        return None  # long-term or recurring: a narrative, no percentage
    share = expected_share(START, measure.due_date, period_end)
    return Decimal(min(95, 5 * math.floor(20 * share)))  # an open measure never reports itself done


def _monthly(problem, measure: Measure, periods, office: User, *, story) -> None:
    for index, period in enumerate(periods):
        if story == STOPPED and period.end > date(2026, 8, 31):
            return  # the unit stopped reporting after August
        if story == CLAIMED_WITHOUT_EVIDENCE and period.start == date(2026, 10, 1):
            return  # October is the completion claim (``_completion_claims``)
        percent = _line(measure, period.end)
        indicators = []
        if story == BEHIND and percent is not None:
            percent = max(Decimal(0), percent - 20)
            done = Decimal(48) * percent / 100
            indicators = [IndicatorInput("完成雨污分流管网改造", "公里", done.quantize(Decimal("0.1")), Decimal(48))]
        submit_report(
            problem,
            ReportInput(
                period.start,
                period.end,
                f"{period.label}：按计划推进，本月完成现场核查和阶段性工作（第{index + 1}次报送）。",
                percent=percent,
                indicators=indicators,
            ),
            acting_user=office,
            measure=measure,
            submitted_at=_when(period.window_open),
        )


def _late_measure(b: DemoBuilder, office: User) -> None:
    problem = b.problems[LATE[0]]
    measure = Measure.objects.filter(problem=problem).order_by("position", "pk")[LATE[1]]
    for month, percent in ((7, 60), (8, 80), (9, 90), (10, 90)):
        period = period_for(Cadence.MONTHLY, date(2026, month + 1, 1))
        submit_report(
            problem,
            ReportInput(
                period.start, period.end, f"{period.label}：设备安装调试中，尚未通过验收监测。", Decimal(percent)
            ),
            acting_user=office,
            measure=measure,
            submitted_at=_when(period.window_open),
        )


def _completion_claims(b: DemoBuilder, office: User) -> None:
    october = period_for(Cadence.MONTHLY, date(2026, 11, 1))
    for (key, position), files in (
        (CLAIMED_WITH_EVIDENCE, [_demo_pdf("管网改造竣工验收报告")]),
        (CLAIMED_WITHOUT_EVIDENCE, []),
    ):
        problem = b.problems[key]
        measure = Measure.objects.filter(problem=problem).order_by("position", "pk")[position]
        submit_report(
            problem,
            ReportInput(
                october.start,
                october.end,
                "各项工作已按整改要求全部完成，申请验收。",
                Decimal(100),
                claimed_status="completed",
                files=files,
            ),
            acting_user=office,
            measure=measure,
            submitted_at=_when(october.window_open),
        )
