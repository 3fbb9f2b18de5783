"""take_snapshots: the engine's numbers per plan and lead unit, idempotent, backfilled from the history;
the daily task re-enqueues itself once; the command."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zhenggai.ledger import actions as ledger
from zhenggai.ledger.choices import ItemStatus
from zhenggai.ledger.models import Problem
from zhenggai.stats.actions import take_snapshots
from zhenggai.stats.engine import statistics
from zhenggai.stats.models import DailySnapshot, PlanStatistics
from zhenggai.testing import build_world, frozen_at

DAY = date(2026, 3, 15)
CLOSED_ON = date(2026, 2, 10)  # a1dept is completed that day (see setUpTestData)
FIELDS = (
    "tasks_total",
    "tasks_closed",
    "tasks_due",
    "tasks_due_closed",
    "by_pace",
    "overdue",
    "behind",
    "measures_total",
    "measures_closed",
)


def snapshot_dict(row: DailySnapshot) -> dict:
    return {name: getattr(row, name) for name in FIELDS}


class SnapshotWorldTestCase(TestCase):
    """The persona world built on 2025-01-10, and one task completed on 2026-02-10, so the history has dates."""

    @classmethod
    def setUpTestData(cls) -> None:
        with frozen_at(date(2025, 1, 10)):
            cls.world = build_world()
        problem = cls.world.problems["a1dept"]
        with frozen_at(CLOSED_ON):
            ledger.update_problem(
                problem,
                acting_user=cls.world.users["system"],
                expected_version=problem.version,
                changes={"status": ItemStatus.COMPLETED},
            )
        cls.plan_a = cls.world.plans["A"]

    def plan_problems(self, plan=None):
        return Problem.objects.filter(plan=plan or self.plan_a)


class TakeSnapshotsTestCase(SnapshotWorldTestCase):
    def test_the_plan_row_is_the_engines_figures(self):
        with frozen_at(DAY):
            written = take_snapshots(DAY, plans=[self.plan_a], acting_user=self.world.users["office_A"])
            stats = statistics(self.plan_problems(), DAY)
        row = DailySnapshot.objects.get(day=DAY, plan=self.plan_a, unit=None)
        closed = stats.completion["all_tasks"]
        due = stats.completion["due_by_as_of"]
        self.assertEqual(
            snapshot_dict(row),
            {
                "tasks_total": stats.tasks.total,
                "tasks_closed": closed.numerator,
                "tasks_due": due.denominator,
                "tasks_due_closed": due.numerator,
                "by_pace": stats.tasks.by_pace,
                "overdue": len(stats.overdue),
                "behind": len(stats.behind),
                "measures_total": stats.measures.total,
                "measures_closed": stats.measures.by_pace["completed"] + stats.measures.by_pace["signed_off"],
            },
        )
        self.assertEqual(written, 1 + len(stats.units))
        self.assertEqual((row.taken_by, row.taken_at.date()), (self.world.users["office_A"], DAY))
        self.assertEqual(row.tasks_total, 6)  # a1, a1dept, a2, coll, land_open, land_done
        self.assertEqual(row.tasks_closed, 2)  # land_done (signed off) and a1dept (completed on 02-10)

    def test_a_unit_row_equals_the_engine_on_that_units_tasks_alone(self):
        with frozen_at(DAY):
            take_snapshots(DAY, acting_user=None)
            stats = statistics(self.plan_problems(), DAY)
            for unit in stats.units:
                with self.subTest(unit=unit.unit_name):
                    row = DailySnapshot.objects.get(day=DAY, plan=self.plan_a, unit_id=unit.unit_id)
                    # A task's pace does not depend on the other tasks: the engine on just this unit's
                    # tasks must give the unit row's numbers.
                    alone = statistics(self.plan_problems().filter(pk__in=unit.task_ids), DAY)
                    self.assertEqual(row.unit_name, unit.unit_name)
                    self.assertEqual(
                        snapshot_dict(row),
                        {
                            "tasks_total": alone.tasks.total,
                            "tasks_closed": alone.completion["all_tasks"].numerator,
                            "tasks_due": alone.completion["due_by_as_of"].denominator,
                            "tasks_due_closed": alone.completion["due_by_as_of"].numerator,
                            "by_pace": alone.tasks.by_pace,
                            "overdue": len(alone.overdue),
                            "behind": len(alone.behind),
                            "measures_total": alone.measures.total,
                            "measures_closed": alone.measures.by_pace["completed"]
                            + alone.measures.by_pace["signed_off"],
                        },
                    )
        a2 = DailySnapshot.objects.get(day=DAY, plan=self.plan_a, unit=self.world.units["A2"])
        self.assertEqual((a2.tasks_total, a2.overdue), (1, 1))  # a2, due 2025-06-30
        # Every plan got its rows: plan B too.
        self.assertTrue(DailySnapshot.objects.filter(day=DAY, plan=self.world.plans["B"], unit=None).exists())

    def test_a_rerun_replaces_the_days_rows_and_leaves_other_days_alone(self):
        with frozen_at(DAY):
            take_snapshots(DAY, acting_user=None)
            take_snapshots(DAY - timedelta(days=1), acting_user=None)
            before = {(r.plan_id, r.unit_id): snapshot_dict(r) for r in DailySnapshot.objects.filter(day=DAY)}
            other_day = set(DailySnapshot.objects.filter(day=DAY - timedelta(days=1)).values_list("pk", flat=True))
            take_snapshots(DAY, plans=[self.plan_a.pk], acting_user=None)
            take_snapshots(DAY, acting_user=None)
        after = {(r.plan_id, r.unit_id): snapshot_dict(r) for r in DailySnapshot.objects.filter(day=DAY)}
        self.assertEqual(after, before)
        self.assertEqual(
            set(DailySnapshot.objects.filter(day=DAY - timedelta(days=1)).values_list("pk", flat=True)), other_day
        )

    def test_one_plan_total_per_day_even_with_a_null_unit(self):
        with frozen_at(DAY):
            take_snapshots(DAY, plans=[self.plan_a], acting_user=None)
        twin = DailySnapshot(day=DAY, plan=self.plan_a, unit=None, taken_at=timezone.now())
        with self.assertRaises(IntegrityError), transaction.atomic():
            twin.save()
        unit_twin = DailySnapshot(day=DAY, plan=self.plan_a, unit=self.world.units["A2"], taken_at=timezone.now())
        with self.assertRaises(IntegrityError), transaction.atomic():
            unit_twin.save()

    def test_the_cost_is_the_engine_per_plan_plus_eight_queries(self):
        def engine_queries(plan) -> int:
            with CaptureQueriesContext(connection) as engine:
                statistics(self.plan_problems(plan), DAY)
            return len(engine)

        plans = [self.plan_a, self.world.plans["B"]]
        with frozen_at(DAY):
            for n in range(2):  # the second time with five more problems in plan A: the same count
                expected = sum(engine_queries(plan) + PER_PLAN_QUERIES for plan in plans) + 1
                with self.subTest(more_problems=n), self.assertNumQueries(expected):
                    take_snapshots(DAY, plans=plans, acting_user=None)
                for k in range(5):
                    ledger.create_problem(
                        self.plan_a, acting_user=self.world.users["system"], title=f"新{k}", deadline="2026年6月30日前"
                    )


# Besides the engine (statistics() once per plan) and one query listing the plans, per plan: savepoint,
# the plan locked (SELECT … FOR UPDATE), delete its rows of the day, one insert, its full statistics
# (PlanStatistics): a newer row looked for, the day's row deleted and inserted; release savepoint.
PER_PLAN_QUERIES = 8


class BackfillTestCase(SnapshotWorldTestCase):
    def test_a_backfill_reads_each_day_as_the_history_stood(self):
        out = StringIO()
        with frozen_at(date(2026, 2, 20)):
            call_command("snapshots", "--backfill-from", "2026-02-05", stdout=out)
        days = sorted(set(DailySnapshot.objects.values_list("day", flat=True)))
        self.assertEqual(days, [date(2026, 2, 5) + timedelta(days=n) for n in range(15)])  # to yesterday, 02-19
        self.assertIn("15 day(s) 2026-02-05..2026-02-19", out.getvalue())
        closed = dict(DailySnapshot.objects.filter(plan=self.plan_a, unit=None).values_list("day", "tasks_closed"))
        self.assertEqual(closed[CLOSED_ON - timedelta(days=1)] + 1, closed[CLOSED_ON])
        self.assertEqual({closed[day] for day in days if day >= CLOSED_ON}, {closed[CLOSED_ON]})
        # Each backfilled day equals that day's engine result.
        for day in (date(2026, 2, 5), CLOSED_ON, date(2026, 2, 19)):
            with self.subTest(day=day):
                stats = statistics(self.plan_problems(), day)
                row = DailySnapshot.objects.get(day=day, plan=self.plan_a, unit=None)
                self.assertEqual(
                    (row.tasks_closed, row.overdue, row.by_pace),
                    (stats.completion["all_tasks"].numerator, len(stats.overdue), stats.tasks.by_pace),
                )

    def test_one_day_one_plan_and_bad_input(self):
        with frozen_at(DAY):
            call_command(
                "snapshots",
                "--as-of",
                "2026-03-01",
                "--plan",
                str(self.plan_a.pk),
                "--user",
                "office_a",
                stdout=StringIO(),
            )
        rows = DailySnapshot.objects.all()
        self.assertEqual({(r.day, r.plan_id) for r in rows}, {(date(2026, 3, 1), self.plan_a.pk)})
        self.assertEqual({r.taken_by for r in rows}, {self.world.users["office_A"]})
        for args in (
            ["--as-of", "2026-13-01"],
            ["--backfill-from", "2026-03-02", "--as-of", "2026-03-01"],
            ["--user", "nobody"],
        ):
            with self.subTest(args=args), self.assertRaises(CommandError):
                call_command("snapshots", *args, stdout=StringIO())

    def test_today_keeps_every_plans_statistics_of_today(self):
        out = StringIO()
        with frozen_at(DAY):
            call_command("snapshots", "--today", "--plan", str(self.plan_a.pk), stdout=out)
        self.assertIn("2026-03-15: statistics of 1 plan(s)", out.getvalue())
        self.assertEqual(list(PlanStatistics.objects.values_list("day", "plan_id")), [(DAY, self.plan_a.pk)])
        self.assertFalse(DailySnapshot.objects.exists())


DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


class DailyTaskTestCase(SnapshotWorldTestCase):
    def test_the_task_takes_yesterday_and_re_enqueues_itself_once(self):
        from django_tasks_db.models import DBTaskResult

        from zhenggai.stats.tasks import SNAPSHOT_HOUR, next_run_time, take_daily_snapshots

        with override_settings(TASKS=DATABASE_TASKS), frozen_at(DAY, hour=SNAPSHOT_HOUR):
            result = take_daily_snapshots.call(None, "schedule")
            self.assertEqual(result["days"], ["2026-03-14"])
            waiting = DBTaskResult.objects.get()
            self.assertEqual(waiting.run_after, next_run_time())
            self.assertEqual(timezone.localtime(waiting.run_after).date(), DAY + timedelta(days=1))
            take_daily_snapshots.call(None, "schedule")  # a second run while one waits adds none
            self.assertEqual(DBTaskResult.objects.count(), 1)
            out = StringIO()
            call_command("snapshots", "--schedule", stdout=out)
            self.assertIn("already waiting", out.getvalue())
            self.assertEqual(DBTaskResult.objects.count(), 1)
        self.assertEqual(set(DailySnapshot.objects.values_list("day", flat=True)), {date(2026, 3, 14)})

    def test_a_broken_chain_catches_up_the_missed_days(self):
        from zhenggai.stats.tasks import take_daily_snapshots

        with frozen_at(date(2026, 3, 10)):
            take_snapshots(date(2026, 3, 10), acting_user=None)
        with frozen_at(DAY, hour=1):
            result = take_daily_snapshots.enqueue(None, "schedule").return_value  # immediate backend in tests
        self.assertEqual(result["days"], [f"2026-03-{d}" for d in range(11, 15)])
        self.assertEqual(
            sorted(set(DailySnapshot.objects.values_list("day", flat=True))), [date(2026, 3, d) for d in range(10, 15)]
        )
