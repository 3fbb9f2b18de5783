"""Reading a returned ledger back: the dry-run plan, applying it all or nothing, refusing bad files."""

from __future__ import annotations

import io
import zipfile
from datetime import date

from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook

from zhenggai.core.errors import ConflictError
from zhenggai.exports.ledger_import import MEASURE, PROBLEM, apply_import, plan_import, read_changes
from zhenggai.exports.ledger_xlsx import SHEET_TITLE, write_ledger
from zhenggai.ledger import actions as ledger
from zhenggai.ledger.models import Measure, Problem
from zhenggai.testing import WorldTestCase

AS_OF = date(2026, 5, 15)
ID_COLUMN, PROBLEM_COLUMN, CAUSE_COLUMN, DEADLINE_COLUMN, MEASURE_COLUMN = 15, 2, 3, 5, 11


class LedgerImportTests(WorldTestCase):
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
            changes={"description": "问题a1。河道两岸仍有排口。", "cause": "巡查不到位"},
        )
        cls.m1 = a1.measures.get()
        cls.m2 = ledger.add_measure(a1, acting_user=system, text="封堵排口", number_text="（二）", deadline="长期坚持")
        cls.m3 = ledger.add_measure(a1, acting_user=system, text="建立台账", number_text="（三）")
        # a deadline the parser does not understand survives unchanged
        cls.m4 = ledger.add_measure(
            w.problems["a2"], acting_user=system, text="开展督查", number_text="1.", deadline="视情况而定"
        )
        category = ledger.add_category(w.plans["A"], acting_user=system, title="国土资源", number_text="二、")
        for key in ("land_open", "land_done"):
            problem = w.problems[key]
            ledger.update_problem(
                problem,
                acting_user=system,
                expected_version=problem.version,
                changes={"category": category},
                historical=True,
            )

    def export(self, persona: str = "office_A") -> bytes:
        user = self.world.users[persona]
        problems = Problem.objects.visible_to(user).filter(plan=self.world.plans["A"]).order_by("position", "pk")
        out = io.BytesIO()
        write_ledger(problems, out, title="甲市整改台账", as_of=AS_OF)
        return out.getvalue()

    def edit(self, data: bytes, edits: dict[str, dict[int, str]]) -> bytes:
        """Set cells of the rows with the given IDs ({id: {column: value}}), as a person would in Excel."""
        workbook = load_workbook(io.BytesIO(data))
        sheet = workbook[SHEET_TITLE]
        rows = {sheet.cell(row, ID_COLUMN).value: row for row in range(3, sheet.max_row + 1)}
        for id_text, cells in edits.items():
            for column, value in cells.items():
                sheet.cell(rows[id_text], column).value = value
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()

    def plan(self, data: bytes, persona: str = "office_A", **kwargs):
        return plan_import(read_changes(data), user=self.world.users[persona], **kwargs)

    def measure_id(self, measure: Measure) -> str:
        return f"P{measure.problem_id}/M{measure.pk}"

    def test_unchanged_export_plans_nothing(self) -> None:
        data = self.export()
        plan = self.plan(data, plan=self.world.plans["A"])
        self.assertEqual(plan.errors, [])
        self.assertEqual(plan.changes, [])
        visible = Problem.objects.visible_to(self.world.users["office_A"]).filter(plan=self.world.plans["A"])
        self.assertEqual(plan.rows, visible.count() + 2)  # a1 has three measure rows
        self.assertEqual(apply_import(plan, acting_user=self.world.users["office_A"]), 0)

    def test_merged_problem_cells_reach_every_row(self) -> None:
        rows = read_changes(self.export())
        a1 = self.world.problems["a1"]
        mine = [row for row in rows if row.id_text.startswith(f"P{a1.pk}/")]
        self.assertEqual(len(mine), 3)
        self.assertEqual({row.cause for row in mine}, {"巡查不到位"})
        self.assertEqual(
            [row.measure_text for row in mine],
            ["（一）措施一（2026年3月底前）", "（二）封堵排口（长期坚持）", "（三）建立台账"],
        )
        heading = next(row for row in rows if row.number_text == "二、国土资源")
        self.assertFalse(heading.has_data)
        self.assertEqual(heading.id_text, "")

    def test_two_edits_give_two_changes_and_apply(self) -> None:
        a1 = self.world.problems["a1"]
        office = self.world.users["office_A"]
        data = self.edit(
            self.export(),
            {
                self.measure_id(self.m2): {MEASURE_COLUMN: "（二）封堵排口（2026年9月30日前）"},
                self.measure_id(self.m1): {CAUSE_COLUMN: "巡查不到位，整治不彻底"},  # the top cell of a1's merge
            },
        )
        plan = self.plan(data, plan=self.world.plans["A"])
        self.assertEqual(plan.errors, [])
        summary = {(c.kind, c.object_id, c.field, c.before, c.after) for c in plan.changes}
        self.assertEqual(
            summary,
            {
                (MEASURE, self.m2.pk, "deadline", "长期坚持", "2026年9月30日前"),
                (PROBLEM, a1.pk, "cause", "巡查不到位", "巡查不到位，整治不彻底"),
            },
        )
        before = Problem.objects.get(pk=a1.pk)
        self.assertEqual(apply_import(plan, acting_user=office), 2)

        problem = Problem.objects.get(pk=a1.pk)
        self.assertEqual(problem.cause, "巡查不到位，整治不彻底")
        self.assertEqual(problem.version, before.version + 1)
        self.assertEqual(problem.history.latest().history_user, office)
        measure = Measure.objects.get(pk=self.m2.pk)
        self.assertEqual(measure.due_raw, "2026年9月30日前")
        self.assertEqual(measure.due_date, date(2026, 9, 30))
        self.assertEqual(measure.text, "封堵排口")
        self.assertEqual(measure.history.latest().history_user, office)
        # The applied file now matches the ledger.
        self.assertEqual(self.plan(self.export()).changes, [])

    def test_problem_text_and_deadline(self) -> None:
        a2 = self.world.problems["a2"]
        data = self.edit(
            self.export(),
            {
                self.measure_id(self.m4): {
                    PROBLEM_COLUMN: "问题a2改。排查发现新情况。",
                    DEADLINE_COLUMN: "2026年10月31日前",
                    MEASURE_COLUMN: "1.开展专项督查（视情况而定）",
                }
            },
        )
        plan = self.plan(data)
        self.assertEqual(plan.errors, [])
        summary = {(c.kind, c.field, c.after) for c in plan.changes}
        self.assertEqual(
            summary,
            {
                (PROBLEM, "title", "问题a2改"),
                (PROBLEM, "description", "问题a2改。排查发现新情况。"),
                (PROBLEM, "deadline", "2026年10月31日前"),
                (MEASURE, "text", "开展专项督查"),  # the unparsed deadline stays as it was
            },
        )
        apply_import(plan, acting_user=self.world.users["office_A"])
        a2.refresh_from_db()
        self.assertEqual((a2.title, a2.due_date), ("问题a2改", date(2026, 10, 31)))
        self.assertEqual(Measure.objects.get(pk=self.m4.pk).due_raw, "视情况而定")

    def test_signed_off_problem_changed_is_an_error_and_nothing_applies(self) -> None:
        done = self.world.problems["land_done"]
        data = self.edit(
            self.export(),
            {
                f"P{done.pk}": {CAUSE_COLUMN: "补写的原因"},
                self.measure_id(self.m1): {CAUSE_COLUMN: "另一个原因"},
            },
        )
        plan = self.plan(data)
        self.assertEqual([e.id_text for e in plan.errors], [f"P{done.pk}"])
        self.assertEqual([c.object_id for c in plan.changes], [self.world.problems["a1"].pk])
        with self.assertRaises(ValidationError):
            apply_import(plan, acting_user=self.world.users["office_A"])
        self.assertEqual(Problem.objects.get(pk=self.world.problems["a1"].pk).cause, "巡查不到位")
        self.assertEqual(Problem.objects.get(pk=done.pk).cause, "")

    def test_row_errors(self) -> None:
        a1, b1 = self.world.problems["a1"], self.world.problems["b1"]
        workbook = load_workbook(io.BytesIO(self.export()))
        sheet = workbook[SHEET_TITLE]
        rows = {sheet.cell(row, ID_COLUMN).value: row for row in range(3, sheet.max_row + 1)}
        coll = rows[f"P{self.world.problems['coll'].pk}"]
        a2 = rows[self.measure_id(self.m4)]
        land = rows[f"P{self.world.problems['land_open'].pk}"]
        sheet.cell(coll, ID_COLUMN).value = "P999999"  # unknown
        sheet.cell(a2, ID_COLUMN).value = f"P{b1.pk}"  # another city's problem: not visible
        sheet.cell(land, ID_COLUMN).value = "X12"
        sheet.cell(rows[self.measure_id(self.m3)], MEASURE_COLUMN).value = None  # a required cell emptied
        sheet.append(["", "新增的问题", "", "", "", "", "", "", "", "", "（一）新措施"])  # no ID
        out = io.BytesIO()
        workbook.save(out)
        plan = self.plan(out.getvalue())
        errors = {error.row: error.id_text for error in plan.errors}
        self.assertEqual(
            errors,
            {
                coll: "P999999",
                a2: f"P{b1.pk}",
                land: "X12",
                rows[self.measure_id(self.m3)]: self.measure_id(self.m3),
                sheet.max_row: "",
            },
        )
        self.assertEqual(plan.changes, [])
        self.assertNotIn(a1.pk, plan.versions)

    def test_user_who_may_not_edit(self) -> None:
        # A county and a reviewer see a1 but may not edit it; the other city's office does not even see it.
        data = self.edit(self.export("unit_A1"), {self.measure_id(self.m1): {CAUSE_COLUMN: "改过的原因"}})
        for persona in ("unit_A1", "reviewer_A", "office_B"):
            with self.subTest(persona=persona):
                plan = self.plan(data, persona)
                self.assertTrue(plan.errors)
                self.assertEqual(plan.changes, [])

    def test_row_of_another_plan(self) -> None:
        plan = self.plan(self.export(), plan=self.world.plans["B"], persona="system")
        self.assertTrue(plan.errors)
        self.assertEqual(plan.changes, [])

    def test_concurrent_edit_applies_nothing(self) -> None:
        a1 = self.world.problems["a1"]
        system = self.world.users["system"]
        data = self.edit(
            self.export(),
            {
                self.measure_id(self.m1): {CAUSE_COLUMN: "表格里的原因"},
                self.measure_id(self.m2): {MEASURE_COLUMN: "（二）封堵全部排口（长期坚持）"},
            },
        )
        plan = self.plan(data)
        self.assertEqual(len(plan.changes), 2)
        current = Problem.objects.get(pk=a1.pk)
        ledger.update_problem(
            current, acting_user=system, expected_version=current.version, changes={"title": "新标题"}
        )
        with self.assertRaises(ConflictError):
            apply_import(plan, acting_user=self.world.users["office_A"])
        self.assertEqual(Measure.objects.get(pk=self.m2.pk).text, "封堵排口")
        self.assertEqual(Problem.objects.get(pk=a1.pk).cause, "巡查不到位")

    def test_concurrent_measure_edit_applies_nothing(self) -> None:
        data = self.edit(self.export(), {self.measure_id(self.m2): {MEASURE_COLUMN: "（二）封堵全部排口（长期坚持）"}})
        plan = self.plan(data)
        ledger.update_measure(self.m2, acting_user=self.world.users["system"], changes={"text": "别人改的"})
        with self.assertRaises(ConflictError):
            apply_import(plan, acting_user=self.world.users["office_A"])
        self.assertEqual(Measure.objects.get(pk=self.m2.pk).text, "别人改的")

    def test_changed_numbering_is_an_error(self) -> None:
        data = self.edit(self.export(), {self.measure_id(self.m2): {MEASURE_COLUMN: "（五）封堵排口（长期坚持）"}})
        plan = self.plan(data)
        self.assertEqual([e.id_text for e in plan.errors], [self.measure_id(self.m2)])

    def test_bad_files(self) -> None:
        foreign = Workbook()
        foreign.active.append(["姓名", "年龄"])
        foreign.active.append(["张三", 30])
        out = io.BytesIO()
        foreign.save(out)
        without_id = Workbook()
        without_id.active.append(["序号", "督察反馈问题", "整改措施"])
        out2 = io.BytesIO()
        without_id.save(out2)
        for data in (b"", b"not a workbook at all", b"PK\x03\x04broken zip", out.getvalue(), out2.getvalue()):
            with self.subTest(data=data[:12]), self.assertRaises(ValidationError):
                read_changes(data)


class MalformedFileTests(WorldTestCase):
    """A file that is not a ledger export: one clear message (``ValidationError`` with a code), never a crash."""

    def export(self) -> bytes:
        problems = Problem.objects.filter(plan=self.world.plans["A"]).order_by("position", "pk")
        out = io.BytesIO()
        write_ledger(problems, out, title="甲市整改台账", as_of=AS_OF)
        return out.getvalue()

    def code(self, data: bytes) -> str:
        with self.assertRaises(ValidationError) as caught:
            read_changes(data)
        self.assertEqual(len(caught.exception.messages), 1)
        self.assertTrue(caught.exception.messages[0].strip())
        return caught.exception.code

    def test_a_zip_that_is_not_a_workbook(self) -> None:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr("readme.txt", "not a workbook")
            archive.writestr("data/table.csv", "序号,督察反馈问题\n1,问题\n")
        self.assertEqual(self.code(out.getvalue()), "not_xlsx")

    def test_a_truncated_export(self) -> None:
        data = self.export()
        for size in (len(data) // 2, len(data) - 40, 100):
            with self.subTest(size=size):
                self.assertEqual(self.code(data[:size]), "not_xlsx")

    def test_a_workbook_of_another_shape(self) -> None:
        other = Workbook()
        other.active.title = "汇总"
        other.active.append(["单位", "问题数", "已完成"])
        other.active.append(["甲一县", 3, 1])
        out = io.BytesIO()
        other.save(out)
        self.assertEqual(self.code(out.getvalue()), "no_ledger")
        # the ledger header, but the ID column removed: the message names what is missing
        sheet_only = load_workbook(io.BytesIO(self.export()))
        sheet = sheet_only[SHEET_TITLE]
        sheet.delete_cols(ID_COLUMN)
        out = io.BytesIO()
        sheet_only.save(out)
        with self.assertRaises(ValidationError) as caught:
            read_changes(out.getvalue())
        self.assertEqual(caught.exception.code, "columns")
        self.assertIn("ID", caught.exception.messages[0])
