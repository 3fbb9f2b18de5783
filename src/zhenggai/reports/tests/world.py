"""The persona world on a calendar, with a few progress reports, shared by the report tests.

Everything is built on 2026-01-10; plan A's schedule starts on 2026-01-01. a1 and a2 sit in one
category, the other problems of plan A have none. a2 is recorded completed on 2026-02-01. The one
measure of a1 gets a January report, a February report and a March report submitted on 03-20, so a
report as of 03-15 must quote February. land_open (no measures) gets a report on the whole problem.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.test import TestCase
from docx import Document

from zhenggai.ledger import actions as ledger
from zhenggai.ledger.choices import ItemStatus
from zhenggai.ledger.models import Category, Measure, Problem
from zhenggai.progress.models import PlanSchedule, ProgressReport
from zhenggai.testing import build_world
from zhenggai.testing import frozen_at as at

SHANGHAI = ZoneInfo("Asia/Shanghai")
AS_OF = date(2026, 3, 15)
BUILT_ON = date(2026, 1, 10)
CATEGORY = "一、例行督察反馈问题"
JANUARY_NOTE = "摸底排查已经结束，清单共列出加油站四十座。"
FEBRUARY_NOTE = "油气回收改造完成二十六座，其余正在施工。"
MARCH_NOTE = "改造全部结束，等待第三方检测。"
LAND_NOTE = "违规用地的清理方案已经起草完毕。"


class ReportWorldTestCase(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        with at(BUILT_ON):
            cls.world = build_world()
        w = cls.world
        cls.plan = w.plans["A"]
        PlanSchedule.objects.create(plan=cls.plan, starts_on=date(2026, 1, 1))
        category = Category.objects.create(plan=cls.plan, title=CATEGORY)
        Problem.objects.filter(pk__in=[w.problems["a1"].pk, w.problems["a2"].pk]).update(category=category)
        with at(date(2026, 2, 1)):
            a2 = w.problems["a2"]
            a2.refresh_from_db()
            ledger.update_problem(
                a2, acting_user=w.users["system"], expected_version=a2.version, changes={"status": ItemStatus.COMPLETED}
            )
        cls.measure = Measure.objects.get(problem=w.problems["a1"])
        reporter = w.users["unit_A1"]
        for start, end, submitted, note in [
            (date(2026, 1, 1), date(2026, 1, 31), date(2026, 2, 2), JANUARY_NOTE),
            (date(2026, 2, 1), date(2026, 2, 28), date(2026, 3, 2), FEBRUARY_NOTE),
            (date(2026, 3, 1), date(2026, 3, 31), date(2026, 3, 20), MARCH_NOTE),
        ]:
            ProgressReport.objects.create(
                problem=w.problems["a1"],
                measure=cls.measure,
                unit=w.units["A1"],
                period_start=start,
                period_end=end,
                narrative=note,
                reporter=reporter,
                submitted_at=datetime(submitted.year, submitted.month, submitted.day, 9, tzinfo=SHANGHAI),
            )
        ProgressReport.objects.create(
            problem=w.problems["land_open"],
            unit=w.units["Anat"],
            period_start=date(2026, 2, 1),
            period_end=date(2026, 2, 28),
            narrative=LAND_NOTE,
            reporter=w.users["unit_Anat"],
            submitted_at=datetime(2026, 3, 1, 9, tzinfo=SHANGHAI),
        )


def make_template(*paragraphs: str, table: list[list[str]] | None = None, title: str = "") -> bytes:
    """A .docx made here with python-docx: one paragraph per string, then an optional table.

    Word splits typed text into several runs; the first paragraph's placeholder is written in three
    runs (``{{ su``, ``mm``, ``ary }}`` when it is ``{{ summary }}``) so the tests see that docxtpl
    joins them."""
    document = Document()
    for index, text in enumerate(paragraphs):
        paragraph = document.add_paragraph()
        if index == 0 and len(text) > 6:
            for piece in (text[:5], text[5:7], text[7:]):
                paragraph.add_run(piece)
        else:
            paragraph.add_run(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, cells in zip(grid.rows, table, strict=True):
            for cell, text in zip(row.cells, cells, strict=True):
                cell.text = text
    if title:
        document.core_properties.title = title
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_text(data: bytes) -> str:
    """Every paragraph and table cell of a .docx, one per line."""
    document = Document(io.BytesIO(data))
    lines = [paragraph.text for paragraph in document.paragraphs]
    for grid in document.tables:
        for row in grid.rows:
            lines.extend(cell.text for cell in row.cells)
    return "\n".join(lines)
