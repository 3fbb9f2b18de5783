"""The charts page: personas, the chart numbers against the statistics engine and the dashboard, click-through
to the rows, the text fallback, a fixed query count.

The world is built on 2026-01-10 (land_done signed off that day); plan A starts on 2026-01-01; a2 is
recorded completed on 2026-02-01 and b1 on 2026-03-20. Requests run on 2026-03-15.
"""

from __future__ import annotations

import json
from datetime import date
from urllib.parse import urlsplit

from django.test import TestCase
from django.urls import reverse

from zhenggai.ledger import actions as ledger
from zhenggai.ledger.choices import ItemStatus
from zhenggai.ledger.models import Problem
from zhenggai.organizations.models import Unit
from zhenggai.progress.dashboard import state_counts
from zhenggai.progress.jobs import run_warning_scan
from zhenggai.progress.models import PlanSchedule
from zhenggai.progress.status import ledger_state
from zhenggai.stats.engine import statistics
from zhenggai.testing import build_world
from zhenggai.testing import frozen_at as at

URL = reverse("stats:charts")
TODAY = date(2026, 3, 15)


def complete(problem: Problem, user, on: date) -> None:
    with at(on):
        problem.refresh_from_db()
        ledger.update_problem(
            problem, acting_user=user, expected_version=problem.version, changes={"status": ItemStatus.COMPLETED}
        )


class ChartsViewTestCase(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        with at(date(2026, 1, 10)):
            cls.world = build_world()
        w = cls.world
        PlanSchedule.objects.create(plan=w.plans["A"], starts_on=date(2026, 1, 1))
        complete(w.problems["a2"], w.users["system"], date(2026, 2, 1))
        complete(w.problems["b1"], w.users["system"], date(2026, 3, 20))

    def login(self, persona: str):
        user = self.world.users[persona]
        self.client.force_login(user)
        return user

    def get(self, url: str = URL, **params):
        with at(TODAY):
            return self.client.get(url, params)

    def follow(self, url: str):
        """GET a click-through URL as the browser would (the fragment stays in the browser)."""
        parts = urlsplit(url)
        with at(TODAY):
            return self.client.get(f"{parts.path}?{parts.query}")

    def chart_of(self, response, chart_id: str) -> dict:
        return response.context["chart_data"]["charts"][chart_id]

    def values(self, chart: dict) -> dict[str, int]:
        return {item["key"]: item["value"] for item in chart["items"]}

    # --- the numbers ---------------------------------------------------------------------------

    def test_the_office_sees_the_engines_numbers_in_every_chart(self):
        user = self.login("office_A")
        plan = self.world.plans["A"]
        response = self.get(plan=plan.pk, as_of="2026-03-15")
        self.assertEqual(response.status_code, 200)
        problems = Problem.objects.visible_to(user).filter(plan=plan)
        stats = statistics(problems, TODAY)
        self.assertEqual(stats.tasks.total, 6)
        self.assertEqual(
            self.values(self.chart_of(response, "pace")),
            {f"tasks:pace:{key}": n for key, n in stats.tasks.by_pace.items() if n},
        )
        self.assertEqual(
            self.values(self.chart_of(response, "lead_unit")),
            {f"tasks:unit:{key}": n for key, n in stats.tasks.by_lead_unit.items()},
        )
        self.assertEqual(
            self.values(self.chart_of(response, "region")),
            {f"tasks:region:{key}": n for key, n in stats.tasks.by_region.items()},
        )
        months = self.chart_of(response, "months")["items"]
        self.assertEqual(
            [(item["label"], item["value"], item["cumulative"]) for item in months],
            [(m["month"], m["completed"], m["cumulative"]) for m in stats.completions_by_month],
        )
        self.assertEqual([item["value"] for item in months], [1, 1, 0])  # land_done in Jan, a2 in Feb
        grades = state_counts(ledger_state(problems, TODAY)).by_grade
        self.assertEqual(
            self.values(self.chart_of(response, "grade")),
            {f"grade:{g}": grades.get(g, 0) for g in ("blue", "yellow", "red")},
        )
        self.assertGreater(self.chart_of(response, "grade")["total"], 0)

    def test_the_page_embeds_the_same_data_and_a_table_of_it_for_reading_without_javascript(self):
        self.login("office_A")
        response = self.get(plan=self.world.plans["A"].pk, as_of="2026-03-15")
        html = response.content.decode()
        embedded = html.split('<script id="chart-data" type="application/json">', 1)[1].split("</script>", 1)[0]
        self.assertEqual(json.loads(embedded), json.loads(json.dumps(response.context["chart_data"])))
        for chart in response.context["charts"]:
            self.assertContains(response, f'data-chart="{chart["id"]}"')
            for item in chart["items"]:
                self.assertContains(response, f'data-key="{item["key"]}" data-value="{item["value"]}"')
        self.assertContains(response, 'aria-label="')
        self.assertContains(response, "vendor/echarts-6.1.0/echarts.min.js")
        self.assertContains(response, "zhenggai/charts.js")

    def test_the_grades_are_the_dashboards_computed_for_a_date_and_from_todays_run(self):
        self.login("office_A")
        dashboard_url = reverse("progress:dashboard")
        for as_of in ("2026-03-01", "2026-03-15"):
            with self.subTest(as_of=as_of):
                tiles = self.get(dashboard_url, as_of=as_of).context["grade_tiles"]
                chart = self.chart_of(self.get(as_of=as_of), "grade")
                self.assertEqual(self.values(chart), {f"grade:{t['value']}": t["count"] for t in tiles})
        with at(TODAY):
            run_warning_scan(TODAY)
        response = self.get(as_of="2026-03-15")
        self.assertContains(response, 'data-source="run"')
        tiles = self.get(dashboard_url, as_of="2026-03-15").context["grade_tiles"]
        self.assertEqual(
            self.values(self.chart_of(response, "grade")), {f"grade:{t['value']}": t["count"] for t in tiles}
        )

    # --- click-through -------------------------------------------------------------------------

    def test_every_bar_and_slice_lists_the_problems_behind_it(self):
        user = self.login("office_A")
        plan = self.world.plans["A"]
        response = self.get(plan=plan.pk, as_of="2026-03-15")
        stats = statistics(Problem.objects.visible_to(user).filter(plan=plan), TODAY)
        for chart_id in ("pace", "lead_unit", "region"):
            for item in self.chart_of(response, chart_id)["items"]:
                with self.subTest(key=item["key"]):
                    target = self.follow(item["url"])
                    self.assertEqual(target.resolver_match.view_name, "stats:statistics")
                    shown = [p.pk for p in target.context["shown"]]
                    self.assertEqual(shown, stats.tasks.rows[item["key"].removeprefix("tasks:")])
                    self.assertEqual(len(shown), item["value"])
        for month, item in zip(stats.completions_by_month, self.chart_of(response, "months")["items"], strict=True):
            with self.subTest(month=month["month"]):
                target = self.follow(item["url"])
                self.assertEqual(target.resolver_match.view_name, "stats:charts")
                self.assertEqual([p.pk for p in target.context["shown"]], month["problem_ids"])
                cumulative = self.follow(item["cumulative_url"])
                self.assertEqual(len(cumulative.context["shown"]), month["cumulative"])
        a2 = self.world.problems["a2"].pk
        february = self.follow(self.chart_of(response, "months")["items"][1]["url"])
        self.assertContains(february, f'data-problem="{a2}"')

    def test_a_grade_bar_lists_the_problems_carrying_that_grade(self):
        user = self.login("office_A")
        plan = self.world.plans["A"]
        response = self.get(plan=plan.pk, as_of="2026-03-15")
        states = ledger_state(Problem.objects.visible_to(user).filter(plan=plan), TODAY)
        for item in self.chart_of(response, "grade")["items"]:
            grade = item["key"].removeprefix("grade:")
            expected = [
                pk for pk, state in states.items() if any(str(w[1]) == grade for i in state.items for w in i.warnings)
            ]
            with self.subTest(grade=grade):
                shown = [p.pk for p in self.follow(item["url"]).context["shown"]]
                self.assertEqual(sorted(shown), sorted(expected))
                self.assertEqual(len(shown), len(set(shown)))

    # --- personas ------------------------------------------------------------------------------

    def test_a_unit_user_charts_only_what_it_sees(self):
        user = self.login("unit_A1")
        response = self.get(as_of="2026-03-15")
        self.assertEqual(response.status_code, 200)
        stats = statistics(Problem.objects.visible_to(user), TODAY)
        self.assertEqual(stats.tasks.total, 2)  # a1 and coll (甲一县 belongs to 各县区政府)
        self.assertEqual(sum(self.values(self.chart_of(response, "pace")).values()), 2)
        self.assertEqual(
            set(self.values(self.chart_of(response, "lead_unit"))), {"tasks:unit:甲一县", "tasks:unit:各县区政府"}
        )
        self.assertEqual(self.get(plan=self.world.plans["B"].pk).status_code, 404)

    def test_a_supervisor_and_a_reviewer_see_the_page(self):
        for persona in ("supervisor_Aeco", "reviewer_A"):
            with self.subTest(persona=persona):
                self.login(persona)
                self.assertEqual(self.get(as_of="2026-03-15").status_code, 200)

    def test_an_outsider_gets_404_for_a_plan_it_cannot_see(self):
        self.login("office_B")
        self.assertEqual(self.get(plan=self.world.plans["A"].pk).status_code, 404)
        self.assertEqual(self.get(plan=self.world.plans["B"].pk).status_code, 200)
        rows = self.get(plan=self.world.plans["B"].pk, as_of="2026-03-15", show="grade:red")
        self.assertNotContains(rows, f'data-problem="{self.world.problems["a2"].pk}"')

    def test_anonymous_goes_to_login(self):
        response = self.get()
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("login")))

    def test_the_query_count_is_fixed(self):
        self.login("office_A")
        plan = self.world.plans["A"]
        self.get(plan=plan.pk, as_of="2026-03-15")  # warm the session
        with self.assertNumQueries(25):
            # session, user, scope unit (3); the chosen plan, validated against the visible plans (1);
            # statistics() (14): ledger_state — problems, measures, schedules, plans, history of the
            # signed-off problem, history of closed problems, extensions, revisions, the latest report per
            # item, the newest reported late period per item (10) —, problem
            # rows, lead assignments, their regions, first completions; the regions' division codes (1);
            # the current warning run (1) — for a past date the grades come from the engine's own
            # ledger_state (Statistics.states), no second computation; the rows shown with plan and
            # parent (1); the form's plan choices (1) and unit choices (1); the complaint cases the office
            # sees (1) and the transferred problems it sees (1; none here, so no query for persons —
            # test_case_charts pins that one). The count depends on which kinds of rows exist, never on
            # how many.
            self.get(plan=plan.pk, as_of="2026-03-15", show="grade:red")

    def test_the_dashboard_links_to_the_charts_for_its_date(self):
        self.login("office_A")
        response = self.get(reverse("progress:dashboard"), as_of="2026-03-01")
        self.assertContains(response, f'href="{URL}?as_of=2026-03-01" data-testid="charts-link"')

    def test_the_statistics_page_links_to_the_charts_of_its_plan_and_date(self):
        self.login("office_A")
        plan = self.world.plans["A"]
        response = self.get(reverse("stats:statistics"), plan=plan.pk, as_of="2026-03-01")
        self.assertContains(response, f'href="{URL}?as_of=2026-03-01&amp;plan={plan.pk}" data-testid="charts-link"')

    def test_a_unit_narrows_both_pages_and_their_links_keep_it(self):
        self.login("office_A")
        county = self.world.units["A1"]  # 甲一县: a1, a1dept (its department) and coll (各县区政府)
        ids = {self.world.problems[key].pk for key in ("a1", "a1dept", "coll")}
        for url in (URL, reverse("stats:statistics")):
            with self.subTest(url=url):
                response = self.get(url, unit=county.pk, as_of="2026-03-15")
                self.assertEqual(
                    set(response.context["stats"].tasks.rows.get("deadline:due_later", []))
                    | set(response.context["stats"].tasks.rows.get("deadline:no_date_immediate_or_long_term", [])),
                    ids,
                )
                self.assertContains(response, f"unit={county.pk}")
        outsider_unit = self.world.units["B1"]  # not in 甲市's scope: the choice is refused, nothing narrowed
        response = self.get(reverse("stats:statistics"), unit=outsider_unit.pk, as_of="2026-03-15")
        self.assertIn("unit", response.context["form"].errors)

    # --- the province map ----------------------------------------------------------------------

    def test_no_map_without_division_codes_and_a_map_of_the_coded_regions_provinces(self):
        user = self.login("office_A")
        plan = self.world.plans["A"]
        self.assertNotIn("province", self.get(plan=plan.pk, as_of="2026-03-15").context["chart_data"]["charts"])
        units = self.world.units
        Unit.objects.filter(pk=units["P"].pk).update(region_code="530000")
        Unit.objects.filter(pk=units["A"].pk).update(region_code="530100")
        Unit.objects.filter(pk=units["A1"].pk).update(region_code="530102")  # 甲二县 has none: not on the map
        response = self.get(plan=plan.pk, as_of="2026-03-15")
        chart = self.chart_of(response, "province")
        stats = statistics(Problem.objects.visible_to(user).filter(plan=plan), TODAY)
        yunnan = set(stats.tasks.rows["region:甲市"]) | set(stats.tasks.rows["region:甲一县"])
        self.assertEqual([(i["label"], i["value"]) for i in chart["items"]], [("云南", len(yunnan))])
        self.assertEqual(chart["geo_url"], "/static/vendor/echarts-map-4.9.0/china.json")
        shown = self.follow(chart["items"][0]["url"]).context["shown"]
        self.assertEqual({p.pk for p in shown}, yunnan)
        self.assertNotIn(self.world.problems["a2"].pk, yunnan)  # 甲二县's task
