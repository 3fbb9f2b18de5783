"""``zhenggai snapshots [--as-of DATE] [--backfill-from DATE] [--plan ID] [--user NAME] [--schedule | --today]``.

Takes the daily statistics snapshots (``zhenggai.stats.actions.take_snapshots``) of one day (default:
yesterday, the last day that is over), or of every day from ``--backfill-from`` to ``--as-of`` — the
engine reads the ledger's history, so past days come out as they stood then. A day's rows are
replaced, so running it twice changes nothing. ``--schedule`` enqueues the daily job for the worker.
``--today`` computes every plan's (or ``--plan``'s) statistics as of today (``PlanStatistics``, what the
statistics page adds up), as the daily job does after the snapshots.
"""

from __future__ import annotations

import time
from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from zhenggai.accounts.models import User
from zhenggai.stats.actions import take_plan_statistics, take_snapshots


def _day(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{option} must be YYYY-MM-DD, not {value!r}") from exc


class Command(BaseCommand):
    help = "Take the daily statistics snapshots of a day, or backfill a range of days from the history."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--as-of", help="YYYY-MM-DD (default: yesterday); the last day of a backfill")
        parser.add_argument("--backfill-from", help="YYYY-MM-DD: take every day from this one to --as-of")
        parser.add_argument("--plan", type=int, action="append", help="only this plan (repeatable)")
        parser.add_argument("--user", help="record the snapshots as taken by this username")
        parser.add_argument("--schedule", action="store_true", help="enqueue the daily job for the worker")
        parser.add_argument("--today", action="store_true", help="every plan's statistics as of today")

    def handle(self, *args, **options) -> None:
        if options["schedule"]:
            from zhenggai.stats.tasks import next_run_time, schedule_next

            done = schedule_next()
            self.stdout.write(
                f"next snapshots {'enqueued' if done else 'already waiting'}: {next_run_time():%Y-%m-%d %H:%M}"
            )
            return
        if options["today"]:
            started, today = time.monotonic(), timezone.localdate()
            done = take_plan_statistics(today, plans=options["plan"])
            self.stdout.write(f"{today}: statistics of {done} plan(s) in {time.monotonic() - started:.1f} s")
            return
        last = _day(options["as_of"], "--as-of") if options["as_of"] else timezone.localdate() - timedelta(days=1)
        first = _day(options["backfill_from"], "--backfill-from") if options["backfill_from"] else last
        if first > last:
            raise CommandError(f"--backfill-from {first} is after --as-of {last}")
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"no user {options['user']!r}")
        started, rows = time.monotonic(), 0
        for offset in range((last - first).days + 1):
            day = first + timedelta(days=offset)
            written = take_snapshots(day, plans=options["plan"], acting_user=user)
            rows += written
            if options["verbosity"] > 1:
                self.stdout.write(f"{day}: {written} rows")
        days = (last - first).days + 1
        self.stdout.write(f"{days} day(s) {first}..{last}: {rows} rows in {time.monotonic() - started:.1f} s")
