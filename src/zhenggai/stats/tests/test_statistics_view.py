"""The statistics page: the user's visible problems, numbers linked to their rows, a fixed query count."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse
from django.utils import timezone

from zhenggai.testing import WorldTestCase

URL = reverse("stats:statistics")
MARCH = datetime(2026, 3, 15, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


class StatisticsViewTestCase(WorldTestCase):
    def get(self, **params):
        with time_machine.travel(MARCH, tick=False):
            return self.client.get(URL, params)

    def test_an_office_sees_its_jurisdictions_numbers_and_a_number_lists_its_rows(self):
        self.login("office_A")
        response = self.get(plan=self.world.plans["A"].pk, as_of="2026-03-15")
        self.assertEqual(response.status_code, 200)
        stats = response.context["stats"]
        self.assertEqual(stats.tasks.total, 6)  # plan A: a1, a1dept, a2, coll, land_open, land_done
        self.assertContains(response, 'data-testid="task-total">6<')
        # Today land_done (signed off when the world was built) is 1 of 6: printed as 16.7%, not 0.2%.
        today = self.client.get(URL, {"plan": self.world.plans["A"].pk, "as_of": timezone.localdate().isoformat()})
        rate = today.context["stats"].completion["all_tasks"]
        self.assertEqual((rate.numerator, rate.denominator), (1, 6))
        self.assertContains(today, "= 16.7%")
        overdue = self.get(plan=self.world.plans["A"].pk, as_of="2026-03-15", show="overdue")
        self.assertEqual([p.pk for p in overdue.context["shown"]], [self.world.problems["a2"].pk])
        self.assertContains(overdue, f'data-problem="{self.world.problems["a2"].pk}"')

    def test_a_unit_user_counts_only_what_it_sees(self):
        self.login("unit_A1")
        stats = self.get(as_of="2026-03-15").context["stats"]
        self.assertEqual(stats.tasks.total, 2)  # a1 and coll (甲一县 belongs to 各县区政府)
        behind = self.get(as_of="2026-03-15", show="tasks:pace:behind").context["shown"]
        self.assertTrue({p.pk for p in behind} <= {self.world.problems["a1"].pk, self.world.problems["coll"].pk})

    def test_two_dates_give_two_pictures(self):
        self.login("office_A")
        early = self.get(plan=self.world.plans["A"].pk, as_of="2025-01-01").context["stats"]
        late = self.get(plan=self.world.plans["A"].pk, as_of="2026-03-15").context["stats"]
        self.assertEqual((early.overdue, [self.world.problems["a2"].pk]), ([], late.overdue))

    def test_anonymous_goes_to_login_and_the_query_count_is_fixed(self):
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 302)
        self.login("office_A")
        self.get(as_of="2026-03-15")  # warm the session
        with self.assertNumQueries(21):
            # session, user, scope unit; the plans the office sees by problem count, those plans' sizes
            # (whole: the same), their stored statistics of the day (none here: computed);
            # statistics() (12): ledger_state (problems, measures, schedules,
            # plans, history of signed-off problems, extensions, revisions, the latest report per item; no
            # report in the world: no evidence query and no late-period query), problem rows, lead
            # assignments, regions of the lead units, first completions; the rows shown; the form's plan
            # and unit choices. The 环比/同比 block is loaded after the page (/stats/trends/). The count
            # depends on which kinds of rows exist (a completed problem without measures, reports),
            # never on how many.
            self.get(as_of="2026-03-15", show="overdue")
