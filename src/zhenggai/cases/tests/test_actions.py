"""Case actions: deadlines by rule, shares, handling, race-safe transitions, sign-off with its hash."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from unittest import mock

from django.core.exceptions import PermissionDenied, ValidationError

from zhenggai.cases import actions
from zhenggai.cases.choices import CaseStatus, Findings
from zhenggai.cases.models import Case, CaseBatch
from zhenggai.cases.shares import equal_shares
from zhenggai.cases.tests.world import CasesWorldTestCase
from zhenggai.core.errors import ConflictError


class DeadlineAndShareTests(CasesWorldTestCase):
    def test_default_rule_is_ten_days_and_the_inspection_can_change_it(self):
        self.assertEqual(self.batch.due_date, date(2025, 6, 8))
        self.assertEqual(self.cases["a1"].due_date, date(2025, 6, 8))
        actions.set_case_rule(
            self.inspection, acting_user=self.world.users["office_P"], deadline_days=5, working_days=True
        )
        batch = actions.create_batch(
            acting_user=self.world.users["office_P"],
            inspection=self.inspection,
            number=2,
            handed_over_on=date(2025, 5, 29),  # Thursday; 5-31..6-2 is the Dragon Boat holiday
            jurisdiction=self.world.units["P"],
        )
        self.assertEqual(batch.due_date, date(2025, 6, 6))
        own = actions.create_batch(
            acting_user=self.world.users["office_P"],
            inspection=self.inspection,
            number=3,
            handed_over_on=date(2025, 5, 29),
            deadline_days=7,
            jurisdiction=self.world.units["P"],
        )
        self.assertEqual(own.due_date, date(2025, 6, 10))  # 7 working days

    def test_batch_numbers_are_unique_per_inspection_and_units_cannot_create(self):
        with self.assertRaises(ValidationError):
            actions.create_batch(
                acting_user=self.world.users["office_P"],
                inspection=self.inspection,
                number=1,
                handed_over_on=date(2025, 6, 1),
                jurisdiction=self.world.units["P"],
            )
        with self.assertRaises(PermissionDenied):
            actions.create_batch(
                acting_user=self.world.users["unit_A1"],
                inspection=self.inspection,
                number=9,
                handed_over_on=date(2025, 6, 1),
                jurisdiction=self.world.units["A1"],
            )

    def test_equal_shares_sum_to_one(self):
        for n in range(1, 8):
            shares = equal_shares(n)
            self.assertEqual(sum(shares), 1)
            self.assertEqual(len(shares), n)
        self.assertEqual(equal_shares(3), [Decimal("0.3334"), Decimal("0.3333"), Decimal("0.3333")])

    def test_shares_that_do_not_add_up_are_refused(self):
        u = self.world.units
        with self.assertRaises(ValidationError):
            actions.add_case(
                self.batch,
                acting_user=self.world.users["office_P"],
                number="D3HE202506010001",
                content="废水",
                units=[(u["A1"], Decimal("0.5")), (u["A2"], Decimal("0.4"))],
            )

    def test_case_numbers_are_unique_in_the_inspection(self):
        with self.assertRaises(ValidationError):
            actions.add_case(
                self.batch,
                acting_user=self.world.users["office_P"],
                number="d3he 2025 0528 0001",
                content="x",
                units=[self.world.units["A1"]],
            )


class HandlingTests(CasesWorldTestCase):
    def handle(self, persona: str, key: str = "co", **changes):
        case = self.cases[key]
        case.refresh_from_db()
        return actions.record_handling(
            case, acting_user=self.world.users[persona], expected_version=case.version, changes=changes
        )

    def test_assigned_unit_records_handling_with_history(self):
        case = self.handle(
            "unit_A2",
            findings=Findings.PARTLY,
            status=CaseStatus.CLOSED,
            handling="已责令停产",
            suspended=1,
            fine_amount=Decimal("12.5"),
        )
        self.assertEqual((case.status, case.suspended, case.fine_amount), (CaseStatus.CLOSED, 1, Decimal("12.5")))
        latest = case.history.latest()
        self.assertEqual(
            (latest.history_user, latest.history_change_reason), (self.world.users["unit_A2"], "record handling")
        )

    def test_others_may_not_record(self):
        for persona in ("unit_B1", "reviewer_A", "supervisor_Aeco"):
            with self.subTest(persona=persona), self.assertRaises(PermissionDenied):
                self.handle(persona, status=CaseStatus.STAGE_CLOSED)

    def test_closing_needs_findings_and_sign_off_is_not_a_handling_status(self):
        with self.assertRaises(ValidationError):
            self.handle("unit_A1", status=CaseStatus.CLOSED)
        with self.assertRaises(ValidationError):
            self.handle("office_A", findings=Findings.TRUE, status=CaseStatus.SIGNED_OFF)

    def test_a_stale_version_is_a_conflict(self):
        case = self.cases["a1"]
        case.refresh_from_db()
        stale = case.version
        self.handle("unit_A1", "a1", status=CaseStatus.STAGE_CLOSED)
        with self.assertRaises(ConflictError):
            actions.record_handling(
                case, acting_user=self.world.users["office_A"], expected_version=stale, changes={"status": "closed"}
            )

    def test_sign_off_only_after_closed(self):
        """``sign_off_case`` is the acceptance chain's last step (``acceptance.tests.test_case_acceptance``)."""
        case = self.cases["co"]
        with self.assertRaises(ValidationError):
            actions.sign_off_case(case, acting_user=self.world.users["office_A"], reason="acceptance 1")
        self.handle("unit_A1", findings=Findings.TRUE, status=CaseStatus.CLOSED, handling="已整改")
        actions.sign_off_case(case, acting_user=self.world.users["office_A"], reason="acceptance 1")
        case.refresh_from_db()
        self.assertEqual(case.status, CaseStatus.SIGNED_OFF)
        self.assertEqual(case.history.first().history_change_reason, "acceptance 1")
        with self.assertRaises(ValidationError):  # frozen
            self.handle("office_A", handling="改")
        with self.assertRaises(ValidationError):  # twice
            actions.sign_off_case(case, acting_user=self.world.users["office_P"], reason="acceptance 2")

    def test_repeat_link_stays_in_the_inspection(self):
        actions.mark_repeat(self.cases["co"], self.cases["a1"], acting_user=self.world.users["office_A"])
        self.cases["co"].refresh_from_db()
        self.assertEqual(self.cases["co"].repeat_of, self.cases["a1"])
        with self.assertRaises(ValidationError):
            actions.mark_repeat(self.cases["a1"], self.cases["a1"], acting_user=self.world.users["office_A"])


class ReviewFixTests(CasesWorldTestCase):
    """Found in review: foreign units, dates after the hand-over, races on unique numbers, repeat cycles."""

    def add(self, batch=None, **kw):
        fields = {"number": "D3HE202505270001", "content": "废水", "units": [self.world.units["A1"]]} | kw
        return actions.add_case(batch or self.batch, acting_user=self.world.users["office_P"], **fields)

    def batch_of(self, key: str, number: int):
        return actions.create_batch(
            acting_user=self.world.users["office_P"],
            inspection=self.inspection,
            number=number,
            handed_over_on=date(2025, 5, 29),
            jurisdiction=self.world.units[key],
        )

    def test_a_unit_or_region_outside_the_batch_jurisdiction_is_refused(self):
        u, batch = self.world.units, self.batch_of("A", 2)
        with self.assertRaises(ValidationError) as caught:
            self.add(batch, units=[u["A1"], u["B1"]])
        self.assertIn("units", caught.exception.message_dict)
        with self.assertRaises(ValidationError) as caught:
            self.add(batch, region=u["B1"])
        self.assertIn("region", caught.exception.message_dict)
        self.assertEqual(self.add(batch, region=u["A2"], units=[u["A2"]]).batch, batch)

    def test_a_number_dated_after_the_hand_over_is_refused(self):
        with self.assertRaises(ValidationError) as caught:
            self.add(number="D3HE202505300001")
        self.assertIn("number", caught.exception.message_dict)

    def test_a_share_with_five_decimal_places_is_refused(self):
        u = self.world.units
        with self.assertRaises(ValidationError):
            self.add(units=[(u["A1"], Decimal("0.33333")), (u["A2"], Decimal("0.66667"))])

    def test_a_number_taken_at_the_last_moment_is_a_validation_error(self):
        other = self.batch_of("P", 2)

        def taken_meanwhile(case, *args, **kwargs):  # another request commits the same number now
            Case.objects.create(
                inspection=self.inspection, batch=other, number=case.number, content="x", due_date=date(2025, 6, 8)
            )

        with mock.patch.object(Case, "full_clean", autospec=True, side_effect=taken_meanwhile):
            with self.assertRaises(ValidationError) as caught:
                self.add()
        self.assertIn("number", caught.exception.message_dict)

    def test_a_batch_number_taken_at_the_last_moment_is_a_validation_error(self):
        def taken_meanwhile(batch, *args, **kwargs):
            CaseBatch.objects.create(
                inspection=batch.inspection,
                number=batch.number,
                handed_over_on=batch.handed_over_on,
                due_date=batch.due_date,
                jurisdiction=batch.jurisdiction,
            )

        with mock.patch.object(CaseBatch, "full_clean", autospec=True, side_effect=taken_meanwhile):
            with self.assertRaises(ValidationError) as caught:
                self.batch_of("P", 7)
        self.assertIn("number", caught.exception.message_dict)

    def test_repeat_links_cannot_go_round(self):
        office = self.world.users["office_P"]
        actions.mark_repeat(self.cases["co"], self.cases["a1"], acting_user=office)  # co → a1
        with self.assertRaises(ValidationError):
            actions.mark_repeat(self.cases["a1"], self.cases["co"], acting_user=office)  # a1 → co → a1
        actions.mark_repeat(self.cases["b1"], self.cases["co"], acting_user=office)  # b1 → co → a1
        with self.assertRaises(ValidationError):
            actions.mark_repeat(self.cases["a1"], self.cases["b1"], acting_user=office)  # a1 → b1 → co → a1
        actions.mark_repeat(self.cases["land"], self.cases["b1"], acting_user=office)  # not a cycle
        self.cases["land"].refresh_from_db()
        self.assertEqual(self.cases["land"].repeat_of, self.cases["b1"])
