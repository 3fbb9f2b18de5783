"""Look-back campaigns (回头看): which signed-off items a campaign covers, recording findings, reopening."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase

from zhenggai.acceptance import actions
from zhenggai.acceptance.campaigns import campaign_counts, create_campaign, record_finding
from zhenggai.acceptance.choices import FindingResult, ReopenKind
from zhenggai.acceptance.models import LookbackFinding, Reopening
from zhenggai.core.errors import ConflictError
from zhenggai.ledger import actions as ledger
from zhenggai.ledger.choices import AssignmentRole, ItemStatus
from zhenggai.testing import build_world

NOW = datetime(2026, 3, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


@time_machine.travel(NOW, tick=False)
class CampaignTestCase(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()
        w = cls.world
        system = w.users["system"]
        plan_a = w.plans["A"]
        cls.category = ledger.add_category(plan_a, acting_user=system, title="专项督察反馈问题")
        cls.extra = {}
        for key in ("cat1", "cat2"):
            problem = ledger.create_problem(plan_a, acting_user=system, title=f"问题{key}", category=cls.category)
            ledger.assign(problem, AssignmentRole.LEAD, unit=w.units["A2"], acting_user=system)
            cls.extra[key] = problem
        for problem in [*cls.extra.values(), *(w.problems[k] for k in ("a1dept", "a2", "coll", "b1"))]:
            ledger.sign_off_problem(problem, acting_user=system, reason="setup")
        cls.ids = {key: problem.pk for key, problem in {**w.problems, **cls.extra}.items()}

    def user(self, key):
        return self.world.users[key]

    def campaign(self, persona="office_A", jurisdiction="A", **filters):
        return create_campaign(
            acting_user=self.user(persona),
            name="2026年回头看",
            jurisdiction=self.world.units[jurisdiction],
            **filters,
        )

    def covered(self, campaign) -> set[str]:
        ids = set(campaign.findings.values_list("problem_id", flat=True))
        return {key for key, pk in self.ids.items() if pk in ids}


class SelectionTestCase(CampaignTestCase):
    def test_a_jurisdiction_covers_the_signed_off_problems_of_its_plans(self):
        campaign = self.campaign()
        self.assertEqual(self.covered(campaign), {"land_done", "a1dept", "a2", "coll", "cat1", "cat2"})
        self.assertEqual(set(campaign.findings.values_list("result", flat=True)), {FindingResult.PENDING})
        self.assertEqual(campaign.selection, {})
        self.assertEqual(self.covered(self.campaign("office_P", "P")), self.covered(campaign) | {"b1"})

    def test_by_plan(self):
        campaign = self.campaign("office_P", "P", plan=self.world.plans["B"])
        self.assertEqual(self.covered(campaign), {"b1"})
        self.assertEqual(campaign.selection, {"plan": self.world.plans["B"].pk})

    def test_by_unit_includes_the_units_under_it(self):
        self.assertEqual(self.covered(self.campaign(unit=self.world.units["A1"])), {"a1dept"})
        self.assertEqual(self.covered(self.campaign(unit=self.world.units["A2"])), {"a2", "cat1", "cat2"})
        self.assertEqual(
            self.covered(self.campaign(unit=self.world.units["Aland"])), {"land_done"}
        )  # the reform's successor did not inherit the closed item

    def test_by_category(self):
        campaign = self.campaign(category=self.category)
        self.assertEqual(self.covered(campaign), {"cat1", "cat2"})
        self.assertEqual(campaign.selection, {"category": self.category.pk})

    def test_a_sample_is_drawn_again_from_its_seed(self):
        first = self.campaign(sample=3, seed=20260302)
        second = self.campaign(sample=3, seed=20260302)
        self.assertEqual(len(self.covered(first)), 3)
        self.assertEqual(self.covered(first), self.covered(second))
        self.assertEqual(first.selection, {"sample": 3, "seed": 20260302})
        draws = {frozenset(self.covered(self.campaign(sample=3, seed=seed))) for seed in range(8)}
        self.assertGreater(len(draws), 1)  # the seed matters

    def test_a_sample_without_a_seed_stores_the_seed_it_used(self):
        drawn = self.campaign(sample=2)
        seed = drawn.selection["seed"]
        self.assertIsInstance(seed, int)
        self.assertEqual(self.covered(self.campaign(sample=2, seed=seed)), self.covered(drawn))

    def test_a_sample_larger_than_the_selection_takes_everything(self):
        self.assertEqual(self.covered(self.campaign(category=self.category, sample=10, seed=1)), {"cat1", "cat2"})

    def test_an_empty_selection_is_refused(self):
        with self.assertRaises(ValidationError):
            self.campaign(jurisdiction="A1")  # no plan of the county's own
        with self.assertRaises(ValidationError):
            self.campaign(plan=self.world.plans["B"])  # not a plan under city A
        for bad in (0, -1, "3"):
            with self.subTest(sample=bad), self.assertRaises(ValidationError) as caught:
                self.campaign(sample=bad)
            self.assertIn("sample", caught.exception.message_dict)
        self.assertFalse(LookbackFinding.objects.exists())


class PermissionTestCase(CampaignTestCase):
    def test_only_the_jurisdictions_office_or_an_administrator_starts_a_campaign(self):
        for persona in ("unit_A1", "reviewer_A", "supervisor_Aeco", "office_B", "no_unit"):
            with self.subTest(persona=persona), self.assertRaises(PermissionDenied):
                self.campaign(persona)
        with self.assertRaises(PermissionDenied):
            self.campaign("office_A", "P")  # above the office's own jurisdiction
        for persona in ("office_A", "office_P", "system"):
            with self.subTest(persona=persona):
                self.assertEqual(len(self.covered(self.campaign(persona))), 6)

    def test_only_that_office_records_findings(self):
        finding = self.campaign().findings.first()
        for persona in ("unit_A2", "reviewer_A", "office_B"):
            with self.subTest(persona=persona), self.assertRaises(PermissionDenied):
                record_finding(finding, acting_user=self.user(persona), result=FindingResult.PASSED, text="")
        record_finding(finding, acting_user=self.user("system"), result=FindingResult.PASSED, text="")
        finding.refresh_from_db()
        self.assertEqual(finding.checked_by, self.user("system"))

    def test_a_higher_office_checks_and_reopens_the_plans_under_it(self):
        finding = self.campaign("office_P", "P").findings.get(problem_id=self.ids["a2"])
        record_finding(finding, acting_user=self.user("office_P"), result=FindingResult.FAILED, text="反弹")
        self.assertEqual(Reopening.objects.get().reopened_by, self.user("office_P"))


class FindingTestCase(CampaignTestCase):
    def finding(self, campaign, key) -> LookbackFinding:
        return campaign.findings.get(problem_id=self.ids[key])

    def test_a_failed_finding_reopens_the_problem_and_names_the_finding(self):
        campaign = self.campaign()
        finding = self.finding(campaign, "a2")
        recorded = record_finding(
            finding, acting_user=self.user("office_A"), result=FindingResult.FAILED, text="现场复查发现问题反弹"
        )
        self.assertEqual((recorded.result, recorded.finding), (FindingResult.FAILED, "现场复查发现问题反弹"))
        self.assertEqual((recorded.checked_by, recorded.checked_at), (self.user("office_A"), NOW))
        problem = self.world.problems["a2"]
        problem.refresh_from_db()
        self.assertEqual(problem.status, ItemStatus.IN_PROGRESS)
        reopening = Reopening.objects.get(problem=problem)
        self.assertEqual(
            (reopening.kind, reopening.finding, reopening.reason),
            (ReopenKind.LOOKBACK, finding, "现场复查发现问题反弹"),
        )
        self.assertTrue(problem.history.filter(status=ItemStatus.SIGNED_OFF).exists())

    def test_a_finding_that_holds_leaves_the_problem_signed_off(self):
        finding = self.finding(self.campaign(), "coll")
        record_finding(finding, acting_user=self.user("office_A"), result=FindingResult.PASSED, text="成效巩固")
        self.world.problems["coll"].refresh_from_db()
        self.assertEqual(self.world.problems["coll"].status, ItemStatus.SIGNED_OFF)
        self.assertFalse(Reopening.objects.exists())

    def test_refusals(self):
        finding = self.finding(self.campaign(), "cat1")
        office = self.user("office_A")
        with self.assertRaises(ValidationError) as caught:
            record_finding(finding, acting_user=office, result=FindingResult.FAILED, text="  ")
        self.assertIn("finding", caught.exception.message_dict)
        with self.assertRaises(ValidationError) as caught:
            record_finding(finding, acting_user=office, result=FindingResult.PENDING, text="")
        self.assertIn("result", caught.exception.message_dict)
        record_finding(finding, acting_user=office, result=FindingResult.PASSED, text="")
        with self.assertRaises(ConflictError):  # recorded once
            record_finding(finding, acting_user=office, result=FindingResult.FAILED, text="再查发现反弹")
        finding.refresh_from_db()
        self.assertEqual(finding.result, FindingResult.PASSED)

    def test_a_problem_already_reopened_keeps_its_failed_finding_without_a_second_reopening(self):
        campaign = self.campaign()
        problem = self.world.problems["a1dept"]
        actions.reopen(problem, acting_user=self.user("office_A"), reason="群众举报")
        finding = self.finding(campaign, "a1dept")
        record_finding(finding, acting_user=self.user("office_A"), result=FindingResult.FAILED, text="仍未整改到位")
        self.assertEqual(list(Reopening.objects.values_list("kind", flat=True)), [ReopenKind.REBOUND])

    def test_counts_in_one_query(self):
        campaign = self.campaign()
        office = self.user("office_A")
        record_finding(self.finding(campaign, "a2"), acting_user=office, result=FindingResult.FAILED, text="反弹")
        record_finding(self.finding(campaign, "cat1"), acting_user=office, result=FindingResult.FAILED, text="未到位")
        record_finding(self.finding(campaign, "cat2"), acting_user=office, result=FindingResult.PASSED, text="")
        with self.assertNumQueries(1):
            counts = campaign_counts(campaign)
        self.assertEqual(counts, {"checked": 3, "passed": 1, "failed": 2, "pending": 3, "reopened": 2})
        other = self.campaign(unit=self.world.units["A2"])  # a2 and cat1 are open again: only cat2 is left
        self.assertEqual(campaign_counts(other), {"checked": 0, "passed": 0, "failed": 0, "pending": 1, "reopened": 0})
