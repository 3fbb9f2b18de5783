"""The .xlsx ledger export: layout, visibility, query count, and a round trip through the importer."""

from __future__ import annotations

import io
import math
from datetime import date

from openpyxl import load_workbook

from zhenggai.exports.ledger_xlsx import COLUMNS, SHEET_TITLE, count_rows, write_ledger
from zhenggai.importer.xlsx_reader import parse_xlsx
from zhenggai.ledger import actions as ledger
from zhenggai.ledger.choices import AssignmentRole
from zhenggai.ledger.models import Measure, Problem
from zhenggai.progress.models import ProgressReport
from zhenggai.testing import WorldTestCase

AS_OF = date(2026, 5, 15)
HEADER = [label for label, _, _ in COLUMNS]


class LedgerXlsxTests(WorldTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        w = cls.world
        system = w.users["system"]
        a1 = w.problems["a1"]
        ledger.update_problem(
            a1,
            acting_user=system,
            expected_version=a1.version,
            changes={"description": "问题a1。县城污水直排，管网未覆盖。", "cause": "重视不够"},
        )
        cls.m1 = a1.measures.get()
        cls.m2 = ledger.add_measure(
            a1, acting_user=system, text="措施二，建成管网", number_text="（二）", deadline="2026年12月31日前"
        )
        cls.m3 = ledger.add_measure(a1, acting_user=system, text="措施三长期坚持", number_text="（三）")
        ledger.add_target(a1, acting_user=system, text="目标二", number_text="2.")
        ledger.assign(a1, AssignmentRole.COOPERATING, unit=w.units["Aeco"], acting_user=system)
        ledger.assign(a1, AssignmentRole.COOPERATING, raw_text="县财政局", acting_user=system)
        ledger.assign(a1, AssignmentRole.LEAD, raw_text="县水务局", measure=cls.m2, acting_user=system)
        ledger.add_measure(w.problems["a2"], acting_user=system, text="措施甲", number_text="1.", deadline="立行立改")
        category = ledger.add_category(w.plans["A"], acting_user=system, title="国土资源", number_text="二、")
        for key in ("land_open", "land_done"):  # the last two problems of plan A
            problem = w.problems[key]
            ledger.update_problem(
                problem,
                acting_user=system,
                expected_version=problem.version,
                changes={"category": category},
                historical=True,  # land_done is signed off: only an import of history may change it
            )
        reporter = w.users["unit_A1"]
        for start, end, text in (
            (date(2026, 3, 1), date(2026, 3, 31), "三月：完成排查"),
            (date(2026, 4, 1), date(2026, 4, 30), "四月：完成60%"),
            (date(2026, 6, 1), date(2026, 6, 30), "六月：以后的报告"),  # after AS_OF
        ):
            ProgressReport.objects.create(
                problem=a1, measure=cls.m1, period_start=start, period_end=end, narrative=text, reporter=reporter
            )

    def selection(self, persona: str, plan: str = "A"):
        user = self.world.users[persona]
        return Problem.objects.visible_to(user).filter(plan=self.world.plans[plan]).order_by("position", "pk")

    def export(self, persona: str = "office_A", plan: str = "A", problems=None) -> tuple[bytes, int]:
        problems = self.selection(persona, plan) if problems is None else problems
        out = io.BytesIO()
        rows = write_ledger(problems, out, title="甲市整改台账", as_of=AS_OF)
        return out.getvalue(), rows

    def sheet(self, data: bytes):
        workbook = load_workbook(io.BytesIO(data))
        self.assertEqual(workbook.sheetnames, [SHEET_TITLE])
        return workbook[SHEET_TITLE]

    def plan_a(self, persona: str = "office_A") -> list[Problem]:
        user = self.world.users[persona]
        return list(Problem.objects.visible_to(user).filter(plan=self.world.plans["A"]).order_by("position", "pk"))

    def test_layout(self) -> None:
        data, rows = self.export()
        ws = self.sheet(data)
        problems = self.plan_a()
        # a1 has three measures, a2 one, the others none: one row each.
        self.assertEqual(rows, len(problems) + 2)
        self.assertEqual(ws.max_row, 2 + rows + 1)  # one category heading
        self.assertEqual(ws["A1"].value, "甲市整改台账")
        self.assertEqual([c.value for c in ws[2]], HEADER)
        self.assertIn("A1:N1", {str(r) for r in ws.merged_cells.ranges})
        self.assertTrue(ws.column_dimensions["O"].hidden)
        self.assertFalse(ws.column_dimensions["K"].hidden)
        self.assertEqual(ws.freeze_panes, "A3")
        self.assertEqual(ws.auto_filter.ref, f"A2:N{ws.max_row}")
        self.assertEqual(ws.page_setup.orientation, "landscape")
        self.assertEqual(ws.page_setup.fitToWidth, 1)
        self.assertTrue(ws.sheet_properties.pageSetUpPr.fitToPage)
        self.assertEqual(ws.print_title_rows, "$2:$2")

        a1 = self.world.problems["a1"]
        ids = [ws.cell(row, 15).value for row in range(3, ws.max_row + 1)]
        self.assertEqual(ids[:3], [f"P{a1.pk}/M{self.m1.pk}", f"P{a1.pk}/M{self.m2.pk}", f"P{a1.pk}/M{self.m3.pk}"])
        self.assertIn(f"P{self.world.problems['coll'].pk}", ids)
        self.assertEqual(len(ids), len(set(ids)))  # the heading row's None included once
        # a1's problem cells merged over its three measure rows; measure and progress cells are not.
        merged = {str(r) for r in ws.merged_cells.ranges}
        for column in "ABCDEFGHIJMN":
            self.assertIn(f"{column}3:{column}5", merged)
        self.assertNotIn("K3:K5", merged)
        self.assertNotIn("L3:L5", merged)
        self.assertNotIn("O3:O5", merged)
        self.assertEqual(ws["K3"].value, "（一）措施一（2026年3月底前）")
        self.assertEqual(ws["K5"].value, "（三）措施三长期坚持")
        self.assertEqual(ws["L3"].value, "四月：完成60%")  # the latest report begun by AS_OF
        self.assertIsNone(ws["L4"].value)
        self.assertEqual(ws["B3"].value, "问题a1。县城污水直排，管网未覆盖。")
        self.assertEqual(ws["D3"].value, "1.目标一\n2.目标二")
        self.assertEqual(ws["F3"].value, "甲一县")
        self.assertEqual(ws["G3"].value, "甲市生态环境局、县财政局")
        self.assertEqual(ws["J3"].value, "甲市生态环境局")
        self.assertEqual(ws["M3"].value, "整改中")
        self.assertIsNone(ws["N3"].value)
        heading = ids.index(None) + 3
        self.assertEqual(ws.cell(heading, 1).value, "二、国土资源")
        self.assertIn(f"A{heading}:N{heading}", merged)
        done_row = ids.index(f"P{self.world.problems['land_done'].pk}") + 3
        self.assertEqual(ws.cell(done_row, 13).value, "完成交账销号")
        self.assertEqual(ws.cell(done_row, 14).value, "已销号")

    def test_unit_sees_only_its_rows(self) -> None:
        office, _ = self.export("office_A")
        unit, _ = self.export("unit_A1")
        office_titles = {p.title for p in parse_xlsx(office).problems}
        unit_titles = {p.title for p in parse_xlsx(unit).problems}
        self.assertEqual(unit_titles, {p.title for p in self.plan_a("unit_A1")})
        self.assertIn("问题a1", unit_titles)
        for other in ("问题a2", "问题land_open", "问题land_done", "问题b1"):
            self.assertNotIn(other, unit_titles)
        self.assertLess(unit_titles, office_titles)

    def test_query_count_does_not_depend_on_rows(self) -> None:
        # The scope behind visible_to() is read when the selection is built, before the export.
        office, unit, other = self.selection("office_A"), self.selection("unit_A1"), self.selection("unit_B1")
        # problems (+category); measures; latest report per measure; targets; problem-level assignments
        # (the selection is smaller than one chunk)
        with self.assertNumQueries(5):
            _, many = self.export(problems=office)
        with self.assertNumQueries(5):
            _, few = self.export(problems=unit)
        self.assertGreater(many, few)
        with self.assertNumQueries(1):  # nothing visible: the prefetches do not run
            _, none = self.export(problems=other)
        self.assertEqual(none, 0)

    def test_chunks_give_the_same_workbook_and_report_progress(self) -> None:
        problems = self.selection("office_A")
        ids = list(problems.values_list("pk", flat=True))
        chunks = [ids[i : i + 2] for i in range(0, len(ids), 2)]
        with_measures = sum(Measure.objects.filter(problem_id__in=chunk).exists() for chunk in chunks)
        self.assertEqual((len(chunks), with_measures), (math.ceil(len(ids) / 2), 2))
        seen: list[int] = []
        out = io.BytesIO()
        # the problems once (read chunk by chunk from one statement); per chunk of 2: measures, targets,
        # assignments, and the latest reports when the chunk has measures
        with self.assertNumQueries(1 + 3 * len(chunks) + with_measures):
            rows = write_ledger(problems, out, title="甲市整改台账", as_of=AS_OF, progress=seen.append, chunk_size=2)
        whole, whole_rows = self.export()
        self.assertEqual(rows, whole_rows)
        self.assertEqual(parse_xlsx(out.getvalue()), parse_xlsx(whole))
        self.assertEqual(len(seen), len(ids))  # once per problem
        self.assertEqual(seen, sorted(seen))
        self.assertEqual(seen[-1], rows)
        with self.assertNumQueries(1):
            self.assertEqual(count_rows(problems), rows)
        self.assertEqual(count_rows(self.selection("unit_B1")), 0)

    def test_round_trip_through_importer(self) -> None:
        data, _ = self.export()
        parsed = parse_xlsx(data)
        problems = self.plan_a()
        self.assertEqual(parsed.document.kind, "report")
        self.assertEqual([p.title for p in parsed.problems], [p.title for p in problems])
        for problem, back in zip(problems, parsed.problems, strict=True):
            with self.subTest(problem=problem.title):
                self.assertEqual(back.number_text, problem.number_text)
                self.assertEqual(back.category, problem.category.title if problem.category else None)
                self.assertEqual(back.description, _expected_description(problem))
                self.assertEqual(back.cause, problem.cause or None)
                self.assertEqual(back.deadline.raw if back.deadline else "", problem.due_raw)
                self.assertEqual(back.progress_status, str(_zh_status(problem)))
                self.assertEqual([t.text for t in back.targets], [t.text for t in problem.targets.all()])
                measures = list(problem.measures.order_by("position", "pk"))
                self.assertEqual(
                    [(m.number_text, m.text, m.deadline.raw if m.deadline else "") for m in back.measures],
                    [(m.number_text or None, m.text, m.due_raw) for m in measures],
                )
                for role, field in (
                    (AssignmentRole.LEAD, "responsible_units"),
                    (AssignmentRole.COOPERATING, "cooperating_units"),
                    (AssignmentRole.SUPERVISING, "supervising_units"),
                ):
                    held = problem.assignments.filter(role=role, measure__isnull=True, target__isnull=True)
                    names = [a.unit.name if a.unit_id else a.raw_text for a in held.order_by("position", "pk")]
                    self.assertEqual(getattr(back, field), names, field)
        a1 = parsed.problems[[p.title for p in problems].index("问题a1")]
        self.assertEqual([m.progress for m in a1.measures], ["四月：完成60%", None, None])
        # What does not survive: a unit held on one measure only (县水务局 on （二）).
        self.assertEqual([m.responsible_units for m in a1.measures], [[], [], []])
        # Target deadlines are not exported: the importer gives targets the problem's 整改时限.
        self.assertEqual([t.deadline.raw for t in a1.targets], ["2026年12月31日前"] * 2)


def _expected_description(problem: Problem) -> str:
    return problem.description or problem.title


def _zh_status(problem: Problem) -> str:
    from django.utils import translation

    with translation.override("zh-hans"):
        return str(problem.get_status_display())
