"""Overdue cases (逾期未办结): the rule (due before today and still 正在办理), its count with basis and ids,
per responsible unit by share, and the statistics page showing it — all on a frozen clock.

On 2025-06-10 (``TODAY``) the cases of ``cases.tests.world`` plus two more stand so:

* ``a1``     due yesterday, 正在办理                        → overdue
* ``co``     due yesterday, 正在办理, 甲一县 0.5 + 甲二县 0.5 → overdue (half for each)
* ``b1``     due today, 正在办理                            → not yet (on time until the day is over)
* ``coll``   due tomorrow, 正在办理                         → no
* ``land``   due yesterday, 阶段性办结                      → no: reported back
* ``closed`` due yesterday, 已办结 (甲一县)                 → no
* ``signed`` due a month ago, 已验收销号 (甲二县)           → no

The statuses are written straight to the rows: the handling actions are tested elsewhere, and these tests
are about counting whatever the rows hold.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from zhenggai.cases import actions
from zhenggai.cases.choices import CaseStatus
from zhenggai.cases.models import Case
from zhenggai.cases.querysets import OVERDUE_STATUSES, is_overdue
from zhenggai.cases.stats import OVERDUE_BASIS, case_counts, case_statistics
from zhenggai.cases.tests.world import CasesWorldTestCase
from zhenggai.testing import frozen_at

TODAY = date(2025, 6, 10)
YESTERDAY, TOMORROW = TODAY - timedelta(days=1), TODAY + timedelta(days=1)
OVERDUE = ["a1", "co"]


class OverdueWorld(CasesWorldTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        u, office = cls.world.units, cls.world.users["office_P"]
        for key, number, unit in (("closed", "D3HE202505280006", "A1"), ("signed", "D3HE202505280007", "A2")):
            cls.cases[key] = actions.add_case(
                cls.batch, acting_user=office, number=number, content=f"反映{key}", units=[u[unit]], region=u[unit]
            )
        rows = {
            "a1": (YESTERDAY, CaseStatus.IN_PROGRESS),
            "co": (YESTERDAY, CaseStatus.IN_PROGRESS),
            "b1": (TODAY, CaseStatus.IN_PROGRESS),
            "coll": (TOMORROW, CaseStatus.IN_PROGRESS),
            "land": (YESTERDAY, CaseStatus.STAGE_CLOSED),
            "closed": (YESTERDAY, CaseStatus.CLOSED),
            "signed": (TODAY - timedelta(days=30), CaseStatus.SIGNED_OFF),
        }
        for key, (due, status) in rows.items():
            Case.objects.filter(pk=cls.cases[key].pk).update(due_date=due, status=status)

    def setUp(self) -> None:
        super().setUp()
        traveller = frozen_at(TODAY)
        traveller.start()
        self.addCleanup(traveller.stop)

    def pks(self, *keys: str) -> list[int]:
        return [self.cases[key].pk for key in keys]

    def keys(self, pks) -> set[str]:
        names = {case.pk: key for key, case in self.cases.items()}
        return {names[pk] for pk in pks}


class OverdueRuleTests(OverdueWorld):
    def test_the_clock_is_frozen(self):
        self.assertEqual(timezone.localdate(), TODAY)

    def test_due_before_today_and_still_in_progress(self):
        self.assertEqual(self.keys(Case.objects.overdue(TODAY).values_list("pk", flat=True)), set(OVERDUE))

    def test_a_case_due_today_is_overdue_from_tomorrow(self):
        self.assertEqual(self.keys(Case.objects.overdue(TOMORROW).values_list("pk", flat=True)), {"a1", "co", "b1"})
        self.assertEqual(self.keys(Case.objects.overdue(YESTERDAY).values_list("pk", flat=True)), set())

    def test_closed_for_this_stage_closed_and_signed_off_are_never_overdue(self):
        self.assertEqual(OVERDUE_STATUSES, (CaseStatus.IN_PROGRESS,))
        later = TODAY + timedelta(days=365)
        overdue = self.keys(Case.objects.overdue(later).values_list("pk", flat=True))
        self.assertEqual(overdue, {"a1", "co", "b1", "coll"})

    def test_the_row_rule_agrees_with_the_filter_on_every_day(self):
        for day in (YESTERDAY, TODAY, TOMORROW, TODAY + timedelta(days=40)):
            with self.subTest(day=day):
                filtered = set(Case.objects.overdue(day).values_list("pk", flat=True))
                by_rows = {c.pk for c in Case.objects.all() if is_overdue(c.status, c.due_date, day)}
                self.assertEqual(filtered, by_rows)

    def test_overdue_keeps_the_callers_selection(self):
        user = self.world.users["unit_A2"]  # sees co, coll and signed
        visible = Case.objects.visible_to(user)
        self.assertEqual(self.keys(visible.overdue(TODAY).values_list("pk", flat=True)), {"co"})


class OverdueStatisticsTests(OverdueWorld):
    def test_the_count_with_its_basis_and_ids(self):
        stats = case_statistics(Case.objects.all())  # as_of: today on the frozen clock
        overdue = stats.overdue
        self.assertEqual(stats.as_of, TODAY)
        self.assertEqual((overdue.numerator, overdue.denominator), (2, 7))
        self.assertEqual(overdue.numerator_ids, self.pks(*OVERDUE))  # in the cases' order
        self.assertEqual(sorted(overdue.denominator_ids), sorted(self.pks(*self.cases)))
        self.assertEqual(overdue.basis, OVERDUE_BASIS)
        self.assertEqual(overdue.as_of, TODAY)
        self.assertEqual(stats.to_dict()["overdue"]["numerator_ids"], self.pks(*OVERDUE))

    def test_as_of_is_the_day_judged_against(self):
        self.assertEqual(case_statistics(Case.objects.all(), TOMORROW).overdue.numerator, 3)
        self.assertEqual(case_counts(Case.objects.all(), YESTERDAY).overdue.numerator, 0)

    def test_per_unit_by_share_co_handled_cases_count_half(self):
        stats = case_statistics(Case.objects.all())
        u = self.world.units
        self.assertEqual(
            list(stats.overdue_by_unit.items()),
            [((u["A1"].pk, "甲一县"), Decimal("1.5")), ((u["A2"].pk, "甲二县"), Decimal("0.5"))],
        )
        # the shares add up to the overdue count, as ``by_unit`` adds up to the total
        self.assertEqual(sum(stats.overdue_by_unit.values()), stats.overdue.numerator)
        self.assertEqual(sum(stats.by_unit.values()), stats.total)

    def test_per_persona(self):
        u = self.world.units
        expected = {
            "office_P": ({"a1", "co"}, {u["A1"].pk: Decimal("1.5"), u["A2"].pk: Decimal("0.5")}),
            "office_B": (set(), {}),
            # unit_A2 sees co and coll; co's other half belongs to 甲一县 and is counted there
            "unit_A2": ({"co"}, {u["A1"].pk: Decimal("0.5"), u["A2"].pk: Decimal("0.5")}),
            "supervisor_Aeco": (set(), {}),
        }
        for persona, (cases, units) in expected.items():
            with self.subTest(persona=persona):
                stats = case_statistics(Case.objects.visible_to(self.world.users[persona]))
                self.assertEqual(self.keys(stats.overdue.numerator_ids), cases)
                self.assertEqual({pk: share for (pk, _name), share in stats.overdue_by_unit.items()}, units)

    def test_the_light_counts_agree_with_the_statistics_in_one_query(self):
        for persona in ("office_P", "office_A", "unit_A1"):
            with self.subTest(persona=persona):
                cases = Case.objects.visible_to(self.world.users[persona])
                full = case_statistics(cases)
                # 1 the counts, aggregated in the database
                with self.assertNumQueries(1):
                    light = case_counts(cases)

                def numbers(counts) -> dict:  # the light counts carry no ids
                    data = counts.to_dict()
                    rates = {**data["rates"], "overdue": data["overdue"]}
                    figures = {k: (r["numerator"], r["denominator"], r["basis"]) for k, r in rates.items()}
                    return {"total": data["total"], "by_status": data["by_status"], **figures}

                self.assertEqual(numbers(light), numbers(full))

    def test_the_query_count_stays_two_with_the_overdue_shares(self):
        # 1 the cases' columns with their region, 2 the assignments with their unit (overdue shares included)
        with self.assertNumQueries(2):
            case_statistics(Case.objects.all())
        # without the units: the cases' columns only
        with self.assertNumQueries(1):
            stats = case_statistics(Case.objects.all(), with_units=False)
        self.assertEqual((stats.by_unit, stats.overdue_by_unit), ({}, {}))
        self.assertEqual(stats.overdue.numerator, 2)


class OverdueStatisticsPageTests(OverdueWorld):
    URL = reverse("cases:statistics")

    def test_the_office_sees_the_count_linked_to_the_filtered_list(self):
        self.login("office_P")
        response = self.client.get(self.URL)
        list_url = reverse("cases:case_list")
        self.assertContains(response, 'data-testid="cases-overdue" data-count="2" data-basis="7"')
        self.assertContains(response, f'href="{list_url}?overdue=1" data-testid="overdue-link"')
        u = self.world.units
        self.assertContains(response, f'data-unit="{u["A1"].pk}" data-share="1.5000"')
        self.assertContains(response, f'href="{list_url}?overdue=1&amp;unit={u["A2"].pk}"')

    def test_the_links_list_the_cases_counted(self):
        self.login("office_P")
        response = self.client.get(self.URL)
        stats = response.context["stats"]
        listed = self.client.get(reverse("cases:case_list"), {"overdue": "1"})
        self.assertEqual([c.pk for c in listed.context["page"].object_list], stats.overdue.numerator_ids)
        a2 = self.world.units["A2"].pk
        listed = self.client.get(reverse("cases:case_list"), {"overdue": "1", "unit": a2})
        self.assertEqual([c.pk for c in listed.context["page"].object_list], self.pks("co"))

    def test_a_batch_keeps_its_filter_in_the_links(self):
        self.login("office_P")
        response = self.client.get(self.URL, {"batch": self.batch.pk})
        list_url = reverse("cases:case_list")
        self.assertContains(response, f'href="{list_url}?batch={self.batch.pk}&amp;overdue=1"')

    def test_a_unit_sees_only_its_cases_overdue(self):
        self.login("unit_A2")
        response = self.client.get(self.URL)
        self.assertContains(response, 'data-testid="cases-overdue" data-count="1" data-basis="3"')

    def test_an_outsider_sees_no_overdue_case(self):
        self.login("office_B")  # b1 only, due today
        response = self.client.get(self.URL)
        self.assertContains(response, 'data-testid="cases-overdue" data-count="0" data-basis="1"')
        self.assertNotContains(response, "data-unit=")
