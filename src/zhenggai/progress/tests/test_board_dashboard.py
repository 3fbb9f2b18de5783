"""The office dashboard: who may open it, its numbers on two dates, where the numbers link, its cost.

Expected figures for city A on 2026-03-15 (see test_board_world for the reports):

* a1 — measure （一） due 31 March, 85 % reported against 82 % expected: on pace, no warning;
* a1dept, land_open — due end of 2026, nothing reported: behind (yellow) and two periods missed (red);
* a2 — due 30 June 2025: behind, overdue (red) and two periods missed (red);
* coll — immediate and long-term, no date: long-term, two periods missed (red);
* land_done — signed off on 1 January: no warning.

On 2026-03-08 only January's report was in: a1 is ahead of pace (80 % against 74 %) with one missed
period (blue); the others are unchanged.
"""

from __future__ import annotations

import re
from datetime import date

import time_machine
from django.urls import reverse

from zhenggai.ledger import actions as ledger
from zhenggai.progress.jobs import run_warning_scan
from zhenggai.progress.models import WarningItem
from zhenggai.progress.tests.test_board_world import BoardTestCase, at

URL = reverse("progress:dashboard")


def counts(response, testid: str, attribute: str) -> dict[str, int]:
    """{value: count} from the ``data-testid`` tiles of the page."""
    pattern = rf'data-testid="{testid}" data-{attribute}="(\w+)" data-count="(\d+)"'
    return {value: int(n) for value, n in re.findall(pattern, response.content.decode())}


def rows(response, testid: str) -> list[str]:
    """The ``data-problem`` ids of one list, in page order."""
    body = response.content.decode()
    start = body.index(f'data-testid="{testid}"')
    end = body.index("</table>", start)
    return re.findall(r'data-testid="problem-row" data-problem="(\d+)"', body[start:end])


def unit_rows(response, testid: str) -> list[dict]:
    found = re.findall(rf'data-testid="{testid}" data-unit="(\d+)"([^>]*)>', response.content.decode())
    return [{"unit": int(unit), **dict(re.findall(r'data-([\w-]+)="(\d+)"', rest))} for unit, rest in found]


class DashboardAccessTestCase(BoardTestCase):
    def test_anonymous_visitors_are_sent_to_sign_in(self):
        self.assertRedirects(self.client.get(URL), f"{reverse('login')}?next={URL}")

    def test_units_and_supervisors_are_refused(self):
        for persona in ("unit_A1", "unit_B1", "supervisor_Aeco"):
            with self.subTest(persona=persona):
                self.login(persona)
                self.assertEqual(self.client.get(URL).status_code, 403)

    def test_offices_reviewers_and_administrators_may_open_it(self):
        for persona in ("office_A", "office_B", "reviewer_A", "system"):
            with self.subTest(persona=persona):
                self.login(persona)
                self.assertEqual(self.client.get(URL).status_code, 200)

    def test_the_other_city_sees_none_of_city_a(self):
        self.login("office_B")
        response = self.client.get(URL)
        self.assertEqual(response.context["problem_count"], 1)
        body = response.content.decode()
        for key in ("a1", "a1dept", "a2", "coll", "land_open", "land_done"):
            self.assertNotIn(reverse("ledger:problem_detail", args=[self.pk(key)]), body)
        ranked = {row["unit"] for row in unit_rows(response, "ranking-row")}
        self.assertEqual(ranked, {self.world.units["B1"].pk})

    def test_a_bad_date_falls_back_to_today(self):
        self.login("office_A")
        response = self.client.get(URL, {"as_of": "2026-02-30"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["as_of"], date(2026, 3, 15))
        self.assertContains(response, 'data-testid="form-errors"')


class DashboardNumbersTestCase(BoardTestCase):
    def setUp(self):
        super().setUp()
        self.login("office_A")

    def test_status_counts_on_the_ides_of_march(self):
        response = self.client.get(URL)
        self.assertEqual(response.context["problem_count"], 6)
        paces = counts(response, "pace-count", "pace")
        self.assertEqual(
            {k: v for k, v in paces.items() if v}, {"behind": 3, "on_pace": 1, "long_term": 1, "signed_off": 1}
        )

    def test_warning_counts_are_computed_when_no_run_exists(self):
        response = self.client.get(URL)
        self.assertContains(response, 'data-testid="grade-source" data-source="computed"')
        self.assertEqual(counts(response, "grade-count", "grade"), {"blue": 0, "yellow": 2, "red": 5})
        kinds = counts(response, "kind-count", "kind")
        self.assertEqual({k: v for k, v in kinds.items() if v}, {"overdue": 1, "behind": 2, "no_report": 4})

    def test_a_week_earlier_the_ledger_said_otherwise(self):
        earlier = self.client.get(URL, {"as_of": "2026-03-08"})
        self.assertContains(earlier, 'data-testid="as-of" data-date="2026-03-08"')
        paces = counts(earlier, "pace-count", "pace")
        self.assertEqual(
            {k: v for k, v in paces.items() if v}, {"behind": 3, "ahead": 1, "long_term": 1, "signed_off": 1}
        )
        self.assertEqual(counts(earlier, "grade-count", "grade"), {"blue": 1, "yellow": 2, "red": 5})
        self.assertEqual(counts(earlier, "kind-count", "kind")["no_report"], 5)

    def test_overdue_and_behind_lists(self):
        response = self.client.get(URL)
        self.assertEqual(rows(response, "overdue-list"), [str(self.pk("a2"))])
        self.assertEqual(set(rows(response, "behind-list")), {str(self.pk(k)) for k in ("a1dept", "a2", "land_open")})
        self.assertContains(response, f'data-problem="{self.pk("a2")}" data-pace="behind" data-days-overdue="258"')
        self.assertContains(response, f'href="{reverse("ledger:problem_detail", args=[self.pk("a2")])}"')

    def test_on_time_ranking_puts_the_county_that_reported_first(self):
        # January on time, February late: 1 of 2; everyone else 0 of 2. December predates the start.
        ranking = unit_rows(self.client.get(URL), "ranking-row")
        units = self.world.units
        self.assertEqual(ranking[0], {"unit": units["A1"].pk, "on-time": "1", "expected": "2", "percent": "50"})
        self.assertEqual(
            {row["unit"] for row in ranking[1:]},
            {units[k].pk for k in ("A1dept", "A2", "Acounties", "Anat")},
        )
        self.assertTrue(all(row["on-time"] == "0" and row["expected"] == "2" for row in ranking[1:]))

    def test_who_has_not_reported_this_period(self):
        units = self.world.units
        today = unit_rows(self.client.get(URL), "not-reported-row")
        self.assertEqual({row["unit"] for row in today}, {units[k].pk for k in ("A1dept", "A2", "Acounties", "Anat")})
        self.assertTrue(all(row["items"] == "1" and row["late"] == "0" for row in today))
        # on 8 March the county's March report (sent on the 14th) was not in yet
        earlier = unit_rows(self.client.get(URL, {"as_of": "2026-03-08"}), "not-reported-row")
        self.assertIn(units["A1"].pk, {row["unit"] for row in earlier})

    def test_warning_counts_come_from_todays_run(self):
        run = run_warning_scan(date(2026, 3, 15), trigger="manual")
        response = self.client.get(URL)
        self.assertContains(response, 'data-testid="grade-source" data-source="run"')
        self.assertEqual(counts(response, "grade-count", "grade"), {"blue": 0, "yellow": 2, "red": 5})
        WarningItem.objects.filter(run=run, grade="red", kind="overdue").delete()
        self.assertEqual(counts(self.client.get(URL), "grade-count", "grade")["red"], 4)
        # another date is still computed
        earlier = self.client.get(URL, {"as_of": "2026-03-08"})
        self.assertContains(earlier, 'data-testid="grade-source" data-source="computed"')

    def test_counts_link_to_the_rows_behind_them(self):
        run_warning_scan(date(2026, 3, 15), trigger="manual")
        body = self.client.get(URL).content.decode()
        self.assertIn(f'href="{reverse("progress:warning_list")}?grade=red"', body)
        self.assertIn(f'href="{reverse("progress:warning_list")}?kind=overdue"', body)
        self.assertIn(f'href="{URL}?as_of=2026-03-15&amp;pace=behind#drill"', body)
        self.assertIn(f'href="{reverse("ledger:problem_list")}"', body)
        self.assertIn(
            f'data-testid="overdue-count" data-count="1" href="{reverse("progress:warning_list")}?kind=overdue"', body
        )
        self.assertIn(
            f'data-testid="behind-count" data-count="3" href="{URL}?as_of=2026-03-15&amp;pace=behind#drill"', body
        )
        earlier = self.client.get(URL, {"as_of": "2026-03-08"}).content.decode()
        self.assertIn(f'href="{URL}?as_of=2026-03-08&amp;grade=blue#drill"', earlier)

    def test_drilling_into_a_count_lists_its_rows(self):
        behind = self.client.get(URL, {"as_of": "2026-03-15", "pace": "behind"})
        self.assertContains(behind, 'data-testid="drill" data-count="3"')
        self.assertEqual(set(rows(behind, "drill-problems")), {str(self.pk(k)) for k in ("a1dept", "a2", "land_open")})
        blue = self.client.get(URL, {"as_of": "2026-03-08", "grade": "blue"})
        self.assertContains(blue, 'data-testid="drill" data-count="1"')
        self.assertContains(
            blue, f'data-testid="drill-item" data-problem="{self.pk("a1")}" data-measure="{self.a1_measure.pk}"'
        )


class JobHealthTestCase(BoardTestCase):
    def setUp(self):
        super().setUp()
        self.login("office_A")

    def test_without_any_run_the_flags_are_stale(self):
        self.assertContains(self.client.get(URL), 'data-testid="job-health" data-stale="1"')

    def test_a_fresh_run_is_healthy_and_goes_stale_after_the_configured_hours(self):
        run_warning_scan(date(2026, 3, 15), trigger="manual")
        response = self.client.get(URL)
        self.assertContains(response, 'data-testid="job-health" data-stale="0"')
        self.assertContains(response, "2026-03-15 10:00")
        with time_machine.travel(at(2026, 3, 16, 13), tick=False):  # 27 hours later, the limit is 26
            self.assertContains(self.client.get(URL), 'data-testid="job-health" data-stale="1"')


class DashboardQueryCountTestCase(BoardTestCase):
    def test_query_count_does_not_grow_with_problems(self):
        self.login("office_B")
        # 1 session, 2 user, 3 user's unit (scope),
        # 4–11 ledger_state: problems, measures, schedules, plans, extensions then, revisions then,
        # the latest report per item, the newest reported late period per item (no sign-off, no closed
        # measure and no report in city B: those are skipped),
        # 12 current run, 13 lead units, 14 plans with their schedules (periods), 15 first submissions,
        # 16 problems shown in the lists, 17 latest run (job health),
        # 18 the units of the office's subtree, 19 the ids of the cases it sees, 20 those cases counted
        # (case_block), 21 the transferred problems it sees, counted (accountability_block; none here, so no
        # query for their persons — test_board_cases pins that one)
        with self.assertNumQueries(21):
            first = self.client.get(URL)
        self.assertEqual(first.context["problem_count"], 1)
        system = self.world.users["system"]
        with time_machine.travel(at(2026, 1, 1), tick=False):
            for i in range(5):
                problem = ledger.create_problem(
                    self.world.plans["B"], acting_user=system, title=f"追加{i}", deadline="2026年12月31日前"
                )
                ledger.assign(problem, "lead", unit=self.world.units["B1"], acting_user=system)
                ledger.add_measure(problem, acting_user=system, text=f"措施{i}", deadline="2026年6月30日前")
        with self.assertNumQueries(21):
            several = self.client.get(URL)
        self.assertEqual(several.context["problem_count"], 6)
