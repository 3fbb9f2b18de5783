"""Case statistics recounted from the rows by a plain loop: counts, fractional shares, penalties, three rates."""

from __future__ import annotations

from decimal import Decimal

from zhenggai.cases.batch_import import apply_import, check_rows, read_sheet
from zhenggai.cases.choices import CaseStatus, Findings
from zhenggai.cases.models import PENALTY_FIELDS, Case, CaseAssignment
from zhenggai.cases.stats import case_statistics
from zhenggai.cases.synthetic import batch_workbook, synthetic_cases
from zhenggai.cases.tests.world import CasesWorldTestCase


class CaseStatisticsTests(CasesWorldTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        synthetic = synthetic_cases(600, regions=["甲一县", "甲二县", "乙一县"], province="SX", seed=11, co_handled=0.2)
        plan = check_rows(read_sheet(batch_workbook(synthetic)), cls.batch)
        apply_import(plan, cls.batch, acting_user=cls.world.users["office_P"])
        # The invented outcomes are written straight to the rows: the handling actions are tested elsewhere,
        # and these tests are about counting whatever the rows hold.
        by_number = {c.number: c for c in synthetic}
        rows = list(Case.objects.filter(number__in=by_number))
        for case in rows:
            outcome = by_number[case.number]
            case.findings, case.status = outcome.findings, outcome.status
            for name, value in outcome.penalties.items():
                setattr(case, name, value)
        Case.objects.bulk_update(rows, ["findings", "status", *PENALTY_FIELDS])

    def recount(self, persona: str) -> dict:
        cases = list(Case.objects.visible_to(self.world.users[persona]).select_related("region"))
        ids = {c.pk for c in cases}
        closed = [c.pk for c in cases if c.status in (CaseStatus.CLOSED, CaseStatus.SIGNED_OFF)]
        staged = [c.pk for c in cases if c.status != CaseStatus.IN_PROGRESS]
        true = [c.pk for c in cases if c.findings in (Findings.TRUE, Findings.PARTLY)]
        units: dict[str, Decimal] = {}
        for a in CaseAssignment.objects.filter(case_id__in=ids).select_related("unit"):
            units[a.unit.name] = units.get(a.unit.name, Decimal(0)) + a.share
        status, findings, types, regions, penalties = {}, {}, {}, {}, dict.fromkeys(PENALTY_FIELDS, 0)
        for c in cases:
            status[c.status] = status.get(c.status, 0) + 1
            findings[c.findings] = findings.get(c.findings, 0) + 1
            regions[c.region.name] = regions.get(c.region.name, 0) + 1
            for t in c.pollution_types:
                types[t] = types.get(t, 0) + 1
            for name in PENALTY_FIELDS:
                penalties[name] += getattr(c, name)
        return {
            "total": len(cases),
            "key": sum(c.is_key for c in cases),
            "status": status,
            "findings": findings,
            "types": types,
            "regions": regions,
            "units": units,
            "penalties": penalties,
            "rates": {
                "all": (len(closed), len(cases)),
                "with_stage": (len(staged), len(cases)),
                "verified_true": (len(set(closed) & set(true)), len(true)),
            },
        }

    def test_statistics_match_the_rows(self):
        for persona in ("office_P", "office_A", "unit_A2"):
            with self.subTest(persona=persona):
                expected = self.recount(persona)
                cases = Case.objects.visible_to(self.world.users[persona])
                # 1 the cases' columns with their region, 2 the assignments with their unit
                with self.assertNumQueries(2):
                    stats = case_statistics(cases)
                self.assertEqual(stats.total, expected["total"])
                self.assertEqual(stats.key_cases, expected["key"])
                self.assertEqual({k: v for k, v in stats.by_status.items() if v}, expected["status"])
                self.assertEqual({k: v for k, v in stats.by_findings.items() if v}, expected["findings"])
                self.assertEqual({k: v for k, v in stats.by_pollution_type.items() if v}, expected["types"])
                self.assertEqual({name: n for (_pk, name), n in stats.by_region.items()}, expected["regions"])
                self.assertEqual({name: s for (_pk, name), s in stats.by_unit.items()}, expected["units"])
                self.assertEqual(stats.penalties, expected["penalties"])
                for key, (numerator, denominator) in expected["rates"].items():
                    rate = stats.rates[key]
                    self.assertEqual((rate.numerator, rate.denominator), (numerator, denominator), key)
                    self.assertTrue(set(rate.numerator_ids) <= set(rate.denominator_ids))

    def test_shares_add_up_to_the_cases_and_co_handled_cases_count_fractionally(self):
        stats = case_statistics(Case.objects.all())
        self.assertEqual(sum(stats.by_unit.values()), stats.total)
        self.assertTrue(any(share != share.to_integral_value() for share in stats.by_unit.values()))

    def test_untrue_share_is_realistic(self):
        stats = case_statistics(Case.objects.filter(number__contains="SX"))
        untrue = stats.by_findings[Findings.UNTRUE] / stats.total
        self.assertTrue(0.02 <= untrue <= 0.18, untrue)
        self.assertLess(stats.rates["verified_true"].denominator, stats.total)
