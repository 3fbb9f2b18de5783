"""Batch import checks found in review: names resolved in the batch's jurisdiction, share precision, column
lengths, dates after the hand-over, the unpacked size, reading only as far as needed, serials and races."""

from __future__ import annotations

from datetime import date, timedelta
from unittest import mock

from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from zhenggai.cases import actions, batch_import
from zhenggai.cases.batch_import import apply_import, check_rows, read_sheet
from zhenggai.cases.models import Case
from zhenggai.cases.synthetic import batch_workbook, synthetic_cases
from zhenggai.cases.tests.test_batch_import import good_row, workbook
from zhenggai.cases.tests.world import CasesWorldTestCase
from zhenggai.organizations import actions as org
from zhenggai.organizations.choices import UnitLevel


class ImportCheckTestCase(CasesWorldTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.enterContext(translation.override("en"))  # the row errors below are compared in English

    def batch_of(self, key: str, number: int, handed_over_on: date = date(2025, 5, 29)):
        return actions.create_batch(
            acting_user=self.world.users["office_P"],
            inspection=self.inspection,
            number=number,
            handed_over_on=handed_over_on,
            jurisdiction=self.world.units[key],
        )

    def messages(self, rows: list[list], batch=None) -> list[str]:
        return [e.message for e in check_rows(read_sheet(workbook(rows)), batch or self.batch).errors]


class JurisdictionResolutionTests(ImportCheckTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        system, u = cls.world.users["system"], cls.world.units

        def unit(name, parent, level=UnitLevel.COUNTY, **kw):
            return org.create_unit(acting_user=system, name=name, level=level, parent=parent, **kw)

        # 乙市's 城区 first: the lowest primary key, which a country-wide lookup would pick.
        cls.b_district = unit("城区", u["B"])
        cls.a_district = unit("城区", u["A"])
        cls.zones = [unit("开发区", u["A"]), unit("开发区", u["A"])]
        cls.b_eco = unit("乙市生态环境局", u["B"], UnitLevel.DEPARTMENT, short_name="市生态环境局")

    def test_a_common_name_resolves_within_the_batch_jurisdiction(self):
        batch = self.batch_of("A", 2)
        plan = check_rows(read_sheet(workbook([good_row("D3HE202505270001", region="城区", units="城区")])), batch)
        self.assertEqual(plan.errors, [])
        apply_import(plan, batch, acting_user=self.world.users["office_P"])
        case = Case.objects.get(number="D3HE202505270001")
        self.assertEqual(case.region, self.a_district)
        self.assertEqual([a.unit for a in case.assignments.all()], [self.a_district])

    def test_a_short_name_resolves_to_the_unit_of_the_jurisdiction(self):
        batch = self.batch_of("B", 2)
        plan = check_rows(
            read_sheet(workbook([good_row("D3HE202505270001", region="乙一县", units="市生态环境局")])), batch
        )
        self.assertEqual(plan.errors, [])
        self.assertEqual([unit for unit, _share in plan.units[0]], [self.b_eco])

    def test_a_name_of_several_units_in_the_jurisdiction_is_a_row_error(self):
        self.assertEqual(
            self.messages([good_row("D3HE202505270001", region="开发区", units="开发区")], self.batch_of("A", 2)),
            [
                "Region 开发区 names several units in the batch's jurisdiction.",
                "Responsible unit 开发区 names several units in the batch's jurisdiction.",
            ],
        )

    def test_a_responsible_unit_outside_the_jurisdiction_is_a_row_error(self):
        self.assertEqual(
            self.messages(
                [good_row("D3HE202505270001", region="甲一县", units="甲一县、乙一县")], self.batch_of("A", 2)
            ),
            ["Responsible unit 乙一县 is outside the batch's jurisdiction."],
        )


class RowCheckTests(ImportCheckTestCase):
    def test_a_share_with_more_than_four_decimal_places_is_a_row_error(self):
        # Each adds up to 1 as written, but 0.33333 is stored as 0.3333.
        for units in ("甲一县（0.33333）、甲二县（0.66667）", "甲一县 33.333%、甲二县 66.667%"):
            with self.subTest(units=units):
                self.assertEqual(
                    self.messages([good_row("D3HE202505270001", units=units)]),
                    ["A share has at most 4 decimal places."],
                )
        self.assertEqual(self.messages([good_row("D3HE202505270001", units="甲一县（0.3334）、甲二县（0.6666）")]), [])

    def test_texts_longer_than_their_column_are_row_errors(self):
        long_number = "第一批" + "9" * 62  # another format, kept as text: 65 characters
        rows = [
            good_row(long_number),
            [2, "D3HE202505270002", "甲一县", "废气", "大气", "来电", "", "某" * 301, "甲一县"],
            good_row("D3HE202505270003", region="甲" * 101),
        ]
        plan = check_rows(read_sheet(workbook(rows)), self.batch)
        by_row = {}
        for error in plan.errors:
            by_row.setdefault(error.row, []).append(error.message)
        self.assertEqual(by_row[2], ["Case number is too long (65 characters; at most 64)."])
        self.assertEqual(by_row[3], ["Reported party is too long (301 characters; at most 300)."])
        self.assertIn("Region as written is too long (101 characters; at most 100).", by_row[4])
        self.assertEqual(plan.cases, [])

    def test_a_number_dated_after_the_hand_over_is_a_row_error(self):
        self.assertEqual(  # the world's batch was handed over on 2025-05-29
            self.messages([good_row("D3HE202505300001"), good_row("D3HE202505290002")]),
            ["The case number's date 2025-05-30 is after the batch was handed over (2025-05-29)."],
        )

    def test_a_number_dated_in_the_future_is_a_row_error(self):
        today = timezone.localdate()
        batch = self.batch_of("P", 2, handed_over_on=today + timedelta(days=10))
        tomorrow = today + timedelta(days=1)
        self.assertEqual(
            self.messages([good_row(f"D3HE{tomorrow:%Y%m%d}0001"), good_row(f"D3HE{today:%Y%m%d}0002")], batch),
            [f"The case number's date {tomorrow.isoformat()} is in the future."],
        )


class ReadingTests(ImportCheckTestCase):
    def test_a_workbook_too_large_once_unpacked_is_refused(self):
        data = batch_workbook(synthetic_cases(5, regions=["甲一县"]))
        self.assertEqual(len(read_sheet(data)), 5)
        with mock.patch.object(batch_import, "MAX_UNCOMPRESSED_BYTES", 1000), self.assertRaises(ValidationError) as c:
            read_sheet(data)
        self.assertIn("too large once unpacked", c.exception.messages[0])

    def test_reading_stops_at_the_limit(self):
        data = batch_workbook(synthetic_cases(40, regions=["甲一县"]))
        rows = read_sheet(data, limit=6)
        self.assertEqual([r.row for r in rows], [3, 4, 5, 6, 7, 8])  # a title row, then the header
        self.assertEqual(len(read_sheet(data, limit=100)), 40)


class ApplyTests(ImportCheckTestCase):
    def test_serial_numbers_follow_the_cases_added_since_the_dry_run(self):
        plan = check_rows(
            read_sheet(workbook([good_row("D3HE202505270001"), good_row("D3HE202505270002")])), self.batch
        )
        added = actions.add_case(
            self.batch,
            acting_user=self.world.users["office_P"],
            number="D3HE202505270003",
            content="废水",
            units=[self.world.units["A1"]],
        )
        apply_import(plan, self.batch, acting_user=self.world.users["office_P"])
        positions = list(Case.objects.filter(batch=self.batch).values_list("position", flat=True))
        self.assertEqual(len(positions), len(set(positions)))
        imported = Case.objects.filter(number__in=["D3HE202505270001", "D3HE202505270002"]).order_by("position")
        self.assertEqual([c.position for c in imported], [added.position + 1, added.position + 2])

    def test_a_number_taken_in_another_batch_at_the_last_moment_is_a_clear_error(self):
        other = self.batch_of("P", 2)
        plan = check_rows(read_sheet(workbook([good_row("D3HE202505270001")])), self.batch)
        real = batch_import._existing_numbers
        calls = []

        def taken_meanwhile(batch, numbers):
            # Another import into batch 2 commits right after this check (the race the database settles).
            if not calls:
                Case.objects.create(
                    inspection=self.inspection,
                    batch=other,
                    number="D3HE202505270001",
                    content="x",
                    due_date=date.today(),
                )
            calls.append(numbers)
            return set() if len(calls) == 1 else real(batch, numbers)

        with (
            mock.patch.object(batch_import, "_existing_numbers", taken_meanwhile),
            self.assertRaises(ValidationError) as c,
        ):
            apply_import(plan, self.batch, acting_user=self.world.users["office_P"])
        self.assertIn("D3HE202505270001", c.exception.messages[0])
        self.assertFalse(Case.objects.filter(batch=self.batch, number="D3HE202505270001").exists())
