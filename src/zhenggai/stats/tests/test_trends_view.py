"""The statistics page's 环比/同比 block (``/stats/trends/``, loaded into the page): figures now, a month
and a year earlier, each linked to its rows on that date; only what the reader sees."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs, urlsplit

from django.urls import reverse

from zhenggai.ledger.models import Problem
from zhenggai.stats.tests.test_snapshots import SnapshotWorldTestCase
from zhenggai.stats.trends import compare
from zhenggai.testing import frozen_at

URL = reverse("stats:statistics")
TRENDS = reverse("stats:trends")
DAY = date(2026, 3, 15)


class TrendsBlockTestCase(SnapshotWorldTestCase):
    def get(self, persona: str, url: str = TRENDS, **params):
        self.client.force_login(self.world.users[persona])
        with frozen_at(DAY):
            return self.client.get(url, params)

    def test_an_office_sees_the_three_dates_and_the_changes(self):
        plan = self.plan_a
        response = self.get("office_A", plan=plan.pk, as_of="2026-03-15")
        trends = response.context["trends"]
        self.assertEqual(trends["dates"], [DAY, date(2026, 2, 15), date(2025, 3, 15)])
        self.assertContains(response, 'data-testid="trends"')
        expected = compare(Problem.objects.filter(plan=plan), DAY)
        rows = {row["key"]: row for row in trends["rows"]}
        closed = next(f for f in expected.figures if f.key == "tasks_closed")
        self.assertEqual([cell["count"] for cell in rows["tasks_closed"]["cells"]], list(closed.values.values()))
        self.assertEqual(
            rows["tasks_closed"]["changes"], [f"{closed.change('month'):+d}", f"{closed.change('year'):+d}"]
        )
        self.assertEqual(rows["overdue"]["changes"][1], "+1")  # a2 was not yet overdue on 2025-03-15

    def test_a_month_ago_links_to_that_dates_rows(self):
        response = self.get("office_A", plan=self.plan_a.pk, as_of="2026-03-15")
        rows = {row["key"]: row for row in response.context["trends"]["rows"]}
        link = rows["tasks_closed"]["cells"][1]["link"]
        query = parse_qs(urlsplit(link).query)
        self.assertEqual(
            query, {"as_of": ["2026-02-15"], "plan": [str(self.plan_a.pk)], "show": ["rate:all_tasks:numerator"]}
        )
        shown = self.get("office_A", link.split("#")[0]).context["shown"]
        # On 02-15: land_done (signed off) and a1dept (completed 02-10).
        self.assertEqual({p.pk for p in shown}, {self.world.problems["land_done"].pk, self.world.problems["a1dept"].pk})
        year = self.get("office_A", rows["tasks_closed"]["cells"][2]["link"].split("#")[0])
        self.assertNotIn(self.world.problems["a1dept"].pk, {p.pk for p in year.context["shown"]})

    def test_a_unit_user_compares_only_its_own_rows(self):
        response = self.get("unit_A1", as_of="2026-03-15")
        rows = {row["key"]: row for row in response.context["trends"]["rows"]}
        self.assertEqual([cell["count"] for cell in rows["tasks_total"]["cells"]], [2, 2, 2])  # a1 and coll
        visible = {self.world.problems["a1"].pk, self.world.problems["coll"].pk}
        for cell in rows["tasks_total"]["cells"]:
            shown = self.get("unit_A1", cell["link"].split("#")[0]).context["shown"]
            self.assertEqual({p.pk for p in shown}, visible)
        self.assertNotContains(response, self.world.problems["a2"].title)

    def test_an_outsider_sees_zeros_and_no_rate(self):
        response = self.get("no_unit", as_of="2026-03-15")
        rows = {row["key"]: row for row in response.context["trends"]["rows"]}
        self.assertEqual([cell["count"] for cell in rows["tasks_total"]["cells"]], [0, 0, 0])
        self.assertEqual(rows["completion_all"]["changes"], ["—", "—"])

    def test_the_statistics_page_loads_the_block_for_its_selection(self):
        response = self.get("office_A", URL, plan=self.plan_a.pk, as_of="2026-03-15")
        self.assertNotIn("trends", response.context)  # the page does not wait for three engine runs
        self.assertContains(response, f'hx-get="{TRENDS}?as_of=2026-03-15&amp;plan={self.plan_a.pk}"')

    def test_anonymous_goes_to_login(self):
        self.assertEqual(self.client.get(TRENDS).status_code, 302)
