"""The dashboard for today served from the warning run's standings (``progress.figures.run_figures``).

The same page computed live (no run for today) is the reference: once the morning's scan exists, every
figure — counts by pace, problem count, the overdue, behind and drill lists with their days, the on-time
ranking and the 未报送 list — must be the same, for every persona; after a report the run's rows follow the
ledger; a problem the scan never saw sends the page back to computing; the query count stays fixed.
"""

from __future__ import annotations

from datetime import date
from unittest import mock

import time_machine
from django.urls import reverse

from zhenggai.ledger import actions as ledger
from zhenggai.ledger.models import Problem
from zhenggai.progress import signals
from zhenggai.progress.jobs import run_warning_scan
from zhenggai.progress.models import ProblemStanding, ReportingShare
from zhenggai.progress.tests.test_board_dashboard import counts, rows, unit_rows
from zhenggai.progress.tests.test_board_world import TODAY, BoardTestCase, at, submit

URL = reverse("progress:dashboard")
PERSONAS = ("office_A", "office_B", "reviewer_A", "system")


def figures(response) -> dict:
    """Everything the dashboard says about the ledger, as plain values."""
    context = response.context
    return {
        "problem_count": context["problem_count"],
        "paces": counts(response, "pace-count", "pace"),
        "overdue_count": context["overdue_count"],
        "behind_count": context["behind_count"],
        "overdue": [(r["problem"].pk, r["pace"], r["days_overdue"], r["leads"]) for r in context["overdue_rows"]],
        "behind": [(r["problem"].pk, r["leads"], len(r["warnings"])) for r in context["behind_rows"]],
        "drill": (context["drill_count"], [r["problem"].pk for r in context["drill_rows"]]),
        "ranking": unit_rows(response, "ranking-row"),
        "not_reported": [(r.unit_id, r.name, r.items, r.window_close, r.late) for r in context["not_reported"]],
    }


def source(response) -> str:
    return response.context["figures_source"]


class DashboardFromRunTestCase(BoardTestCase):
    def page(self, persona: str, **params):
        self.login(persona)
        return self.client.get(URL, params)

    def test_the_run_gives_every_persona_the_figures_computed_live(self):
        live = {persona: self.page(persona) for persona in PERSONAS}
        for persona, response in live.items():
            self.assertEqual(source(response), "computed", persona)
        run_warning_scan(TODAY, trigger="manual")
        for persona in PERSONAS:
            with self.subTest(persona=persona):
                served = self.page(persona)
                self.assertEqual(source(served), "run")
                self.assertContains(served, 'data-testid="figures-source" data-source="run"')
                self.assertEqual(figures(served), figures(live[persona]))
        # the city-A office's figures are not empty: the comparison compares something
        office = figures(live["office_A"])
        self.assertEqual(office["overdue"][0][:3], (self.pk("a2"), "behind", 258))
        self.assertEqual(office["behind_count"], 3)
        self.assertTrue(office["ranking"] and office["not_reported"])

    def test_drilling_into_a_pace_from_the_run(self):
        live = self.page("office_A", as_of=TODAY.isoformat(), pace="behind")
        run_warning_scan(TODAY, trigger="manual")
        served = self.page("office_A", as_of=TODAY.isoformat(), pace="behind")
        self.assertEqual(source(served), "run")
        self.assertEqual(rows(served, "drill-problems"), rows(live, "drill-problems"))
        self.assertEqual(served.context["drill_count"], 3)

    def test_a_grade_drill_and_another_date_are_computed(self):
        run_warning_scan(TODAY, trigger="manual")
        self.assertEqual(source(self.page("office_A", as_of=TODAY.isoformat(), grade="red")), "computed")
        self.assertEqual(source(self.page("office_A", as_of="2026-03-08")), "computed")

    def test_a_report_moves_the_stored_figures_with_the_ledger(self):
        run_warning_scan(TODAY, trigger="manual")
        before = figures(self.page("office_A"))
        a2 = self.world.problems["a2"]
        signals._state.ids = None  # what set-up left pending never commits (see test_refresh_on_ledger_change)
        with self.captureOnCommitCallbacks(execute=True):  # the refresh task runs after the commit
            submit(self.world.users["unit_A2"], a2, date(2026, 3, 1), date(2026, 3, 31), at(2026, 3, 15, 9))
        served = self.page("office_A")
        self.assertEqual(source(served), "run")
        after = figures(served)
        reported = [row for row in before["not_reported"] if row[0] != self.world.units["A2"].pk]
        self.assertEqual((len(before["not_reported"]), after["not_reported"]), (4, reported))
        ProblemStanding.objects.all().delete()  # the same page computed live says the same
        self.assertEqual(after, figures(self.page("office_A")))

    def test_a_new_problem_and_a_new_schedule_reach_the_run(self):
        run_warning_scan(TODAY, trigger="manual")
        signals._state.ids = None
        plan_b = self.world.plans["B"]
        with self.captureOnCommitCallbacks(execute=True):
            problem = ledger.create_problem(
                plan_b, acting_user=self.world.users["system"], title="新增", deadline="2026年1月31日前"
            )
        self.assertTrue(ProblemStanding.objects.filter(problem=problem, overdue_days__isnull=False).exists())
        served = self.page("office_B")
        self.assertEqual((source(served), served.context["problem_count"]), ("run", 2))
        before = figures(served)
        with self.captureOnCommitCallbacks(execute=True):  # no period of March has closed: nothing expected
            plan_b.schedule.starts_on = date(2026, 3, 1)
            plan_b.schedule.save()
        after = self.page("office_B")
        self.assertEqual(source(after), "run")
        self.assertNotEqual(figures(after)["ranking"], before["ranking"])
        ProblemStanding.objects.all().delete()  # the same page computed live
        self.assertEqual(figures(after), figures(self.page("office_B")))

    def test_a_problem_the_scan_did_not_see_is_computed_live(self):
        run_warning_scan(TODAY, trigger="manual")
        ProblemStanding.objects.filter(problem=self.world.problems["a2"]).delete()
        response = self.page("office_A")
        self.assertEqual(source(response), "computed")
        self.assertEqual(response.context["problem_count"], 6)
        self.assertEqual(source(self.page("office_B")), "run")  # city B's problems are all there

    def test_a_new_scan_keeps_only_its_own_rows(self):
        first = run_warning_scan(TODAY, trigger="manual")
        second = run_warning_scan(TODAY, trigger="manual")
        self.assertFalse(ProblemStanding.objects.filter(run=first).exists())
        self.assertFalse(ReportingShare.objects.filter(run=first).exists())
        self.assertEqual(ProblemStanding.objects.filter(run=second).count(), 7)

    def test_a_scan_of_one_plan_keeps_the_full_runs_rows(self):
        full = run_warning_scan(TODAY, trigger="manual")
        part = run_warning_scan(TODAY, trigger="manual", problems=Problem.objects.filter(plan=self.world.plans["B"]))
        self.assertEqual(ProblemStanding.objects.filter(run=full).count(), 7)
        self.assertEqual(ProblemStanding.objects.filter(run=part).count(), 1)
        self.assertEqual(source(self.page("office_A")), "computed")  # the current run holds plan B only

    def test_query_count_does_not_grow_with_problems(self):
        run_warning_scan(TODAY, trigger="manual")
        self.login("office_B")
        # 1 session, 2 user, 3 current run, 4 user's unit (scope), 5 visible problem ids, 6 paces summed,
        # 7 overdue list, 8 behind list (no drill asked), 9 the listed problems' warnings in the run,
        # 10 reporting shares summed by unit, 11 the listed problems' lead units, 12 the run's warnings
        # counted, 13 the listed problems, 14 latest run (job health), 15 the units of the office's subtree,
        # 16 the ids of the cases it sees, 17 those cases counted, 18 transferred problems counted (none
        # here, so their persons are not)
        with self.assertNumQueries(18):
            first = self.client.get(URL)
        self.assertEqual((source(first), first.context["problem_count"]), ("run", 1))
        system = self.world.users["system"]
        with time_machine.travel(at(2026, 1, 1), tick=False):
            for i in range(5):
                problem = ledger.create_problem(
                    self.world.plans["B"], acting_user=system, title=f"追加{i}", deadline="2026年2月28日前"
                )
                ledger.assign(problem, "lead", unit=self.world.units["B1"], acting_user=system)
                ledger.add_measure(problem, acting_user=system, text=f"措施{i}", deadline="2026年2月28日前")
        run_warning_scan(TODAY, trigger="manual")
        with self.assertNumQueries(18):
            several = self.client.get(URL)
        self.assertEqual((source(several), several.context["problem_count"]), ("run", 6))
        self.assertEqual(several.context["overdue_count"], 5)


class UnitTablesTestCase(BoardTestCase):
    """A country's dashboard ranks thousands of units: the tables show the first rows and link to all."""

    def test_the_unit_tables_show_their_first_rows_and_link_to_all(self):
        self.login("office_A")
        with mock.patch("zhenggai.progress.views.board.LIST_LIMIT", 2):
            short = self.client.get(URL)
            every = self.client.get(URL, {"as_of": TODAY.isoformat(), "units": "all"})
        self.assertEqual(len(unit_rows(short, "ranking-row")), 2)
        self.assertContains(short, 'data-testid="ranking-count" data-count="5"')
        self.assertContains(short, 'data-testid="not-reported-count" data-count="4"')
        self.assertEqual(len(unit_rows(short, "not-reported-row")), 2)
        self.assertContains(short, f'data-testid="all-units" href="{URL}?as_of=2026-03-15&amp;units=all"')
        self.assertEqual(unit_rows(every, "ranking-row")[:2], unit_rows(short, "ranking-row"))
        self.assertEqual((len(unit_rows(every, "ranking-row")), len(unit_rows(every, "not-reported-row"))), (5, 4))
        self.assertNotContains(every, 'data-testid="all-units"')
