"""Batch import: 3 000 synthetic rows in one transaction; bad files give row errors and import nothing."""

from __future__ import annotations

import io
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import translation
from openpyxl import Workbook

from zhenggai.cases.batch_import import apply_import, check_rows, read_sheet
from zhenggai.cases.models import Case, CaseAssignment
from zhenggai.cases.synthetic import HEADER, batch_workbook, synthetic_cases
from zhenggai.cases.tests.world import CasesWorldTestCase

REGIONS = ["甲一县", "甲二县", "乙一县"]


def workbook(rows: list[list], header=HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def good_row(number: str, region: str = "甲一县", units: str = "甲一县") -> list:
    return [1, number, region, "反映某厂夜间排放废气", "大气", "来电", "", "某厂", units]


class SyntheticBatchImportTests(CasesWorldTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.enterContext(translation.override("en"))  # the row errors below are compared in English

    def test_three_thousand_rows_import_in_one_transaction_with_their_shares(self):
        cases = synthetic_cases(3000, regions=REGIONS, province="SX")
        rows = read_sheet(batch_workbook(cases))
        self.assertEqual(len(rows), 3000)
        plan = check_rows(rows, self.batch)
        self.assertEqual(plan.errors, [])
        before = Case.objects.count()
        # SAVEPOINT and RELEASE (the test's transaction), 2 lock the inspection and the batch, 6 "already
        # there?" chunks of 500 numbers, 1 the batch's last serial number, SAVEPOINT and RELEASE around the
        # cases, then per 500 rows one INSERT of cases and one of their history (6 + 6), the same for the
        # ~3 200 assignments (7 + 7): a constant per thousand rows.
        with self.assertNumQueries(2 + 2 + 6 + 1 + 2 + 6 * 2 + 7 * 2):
            count = apply_import(plan, self.batch, acting_user=self.world.users["office_P"])
        self.assertEqual(count, 3000)
        self.assertEqual(Case.objects.count() - before, 3000)
        imported = Case.objects.filter(number__in=[c.number for c in cases])
        self.assertEqual(imported.count(), 3000)
        co_handled = [c for c in cases if len(c.units) > 1]
        self.assertTrue(co_handled)
        shares = {}
        for a in CaseAssignment.objects.filter(case__in=imported).select_related("case", "unit"):
            shares.setdefault(a.case.number, {})[a.unit.name] = a.share
        expected = {
            case.number: {
                name: share if share is not None else Decimal(1) / len(case.units) for name, share in case.units
            }
            for case in cases
        }
        self.assertEqual(shares, expected)
        self.assertTrue(all(sum(by_unit.values()) == 1 for by_unit in shares.values()))
        first = imported.get(number=cases[0].number)
        self.assertEqual(sorted(first.pollution_types), sorted(_codes(cases[0].types)))
        self.assertTrue(first.number_valid)
        self.assertEqual(first.due_date, self.batch.due_date)
        self.assertEqual(first.history.count(), 1)

    def test_importing_the_same_file_twice_is_refused_row_by_row(self):
        data = batch_workbook(synthetic_cases(20, regions=REGIONS, province="SX"))
        apply_import(check_rows(read_sheet(data), self.batch), self.batch, acting_user=self.world.users["office_P"])
        plan = check_rows(read_sheet(data), self.batch)
        self.assertEqual(len(plan.errors), 20)
        self.assertEqual({e.message for e in plan.errors}, {"Case number already in this inspection."})


def _codes(labels):
    from zhenggai.cases.choices import POLLUTION_LABELS

    return [str(POLLUTION_LABELS[label]) for label in labels]


class BadFileTests(CasesWorldTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.enterContext(translation.override("en"))  # the row errors below are compared in English

    def plan(self, data: bytes):
        return check_rows(read_sheet(data), self.batch)

    def test_row_errors_and_nothing_imported(self):
        data = workbook(
            [
                good_row("D3HE202505270001"),
                good_row("D3HE202505270001"),  # repeated in the file
                good_row("D3HE202505280001"),  # already in the inspection (world case a1)
                good_row("D3HE202505270003", region="丙县"),  # unknown region
                good_row("D3HE202502300004"),  # 30 February
                good_row("D3HE202505270005", units="甲一县（0.6）、甲二县（0.6）"),  # shares sum to 1.2
                good_row("D3HE202505270006", units="不存在局"),  # unknown unit
                [7, "D3HE202505270007", "甲一县", "", "大气", "来电", "", "", "甲一县"],  # no complaint
                [8, "D3HE202505270008", "甲一县", "废气", "光污染", "飞鸽", "", "", "甲一县"],  # type, channel
                good_row("第五批-0009"),  # another format: kept as text, not an error
            ]
        )
        plan = self.plan(data)
        by_row = {}
        for error in plan.errors:
            by_row.setdefault(error.row, []).append(error.message)
        self.assertEqual(
            by_row,
            {
                3: ["Case number repeated (also in row 2)."],
                4: ["Case number already in this inspection."],
                5: ["Unknown region: 丙县"],
                6: ["Impossible date in the case number (impossible date 20250230)."],
                7: ["The shares of a case must add up to 1 (they add up to 1.2)."],
                8: ["Unknown responsible unit: 不存在局"],
                9: ["No complaint text."],
                10: ["Unknown pollution type: 光污染", "Unknown channel: 飞鸽"],
            },
        )
        self.assertFalse(plan.ok)
        self.assertEqual(plan.cases, [])
        before = Case.objects.count()
        with self.assertRaises(ValidationError):
            apply_import(plan, self.batch, acting_user=self.world.users["office_P"])
        self.assertEqual(Case.objects.count(), before)

    def test_missing_column_is_a_clear_message(self):
        header = [h for h in HEADER if h != "行政区域"]
        with self.assertRaises(ValidationError) as caught:
            read_sheet(workbook([["x"] * len(header)], header=header))
        self.assertIn("行政区域", caught.exception.messages[0])

    def test_not_a_workbook(self):
        with self.assertRaises(ValidationError):
            read_sheet(b"not a zip file")

    def test_region_outside_the_batch_jurisdiction(self):
        from datetime import date

        from zhenggai.cases import actions

        batch = actions.create_batch(
            acting_user=self.world.users["office_A"],
            inspection=self.inspection,
            number=2,
            handed_over_on=date(2025, 5, 30),
            jurisdiction=self.world.units["A"],
        )
        plan = check_rows(read_sheet(workbook([good_row("D3HE202505270001", region="乙一县", units="乙一县")])), batch)
        self.assertEqual(
            [e.message for e in plan.errors],
            [
                "Region 乙一县 is outside the batch's jurisdiction.",
                "Responsible unit 乙一县 is outside the batch's jurisdiction.",
            ],
        )

    def test_labels_in_another_order_with_suffixes_and_percent_shares(self):
        header = ["责任单位", "举报内容摘要", "交办编号", "行政区域*", "是否重点"]
        data = workbook([["甲一县 60%、甲二县 40%", "噪声扰民", "X3HE202505270001", "甲二县", "是"]], header=header)
        plan = self.plan(data)
        self.assertEqual(plan.errors, [])
        apply_import(plan, self.batch, acting_user=self.world.users["office_P"])
        case = Case.objects.get(number="X3HE202505270001")
        self.assertTrue(case.is_key)
        self.assertEqual(case.channel, "letter")  # from the number's letter
        self.assertEqual(
            sorted((a.unit.name, a.share) for a in case.assignments.select_related("unit")),
            [("甲一县", Decimal("0.6")), ("甲二县", Decimal("0.4"))],
        )
