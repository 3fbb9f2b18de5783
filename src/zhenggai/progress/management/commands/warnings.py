"""``zhenggai warnings --as-of DATE [--format json|text] [--plan ID] [--save] [--schedule]``.

Computes every item's warnings (预警) on the as-of date from the ledger as it stood that day and
prints them, grouped by grade (红灯, 黄牌, 蓝签). ``--save`` also stores them as a run (what the pages
show, like the scheduled job); ``--schedule`` enqueues the daily job for the database worker.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from zhenggai.ledger.models import Problem
from zhenggai.progress.choices import GRADE_ORDER, Grade, WarningKind
from zhenggai.progress.jobs import run_warning_scan, warning_rows
from zhenggai.progress.status import ledger_state


class Command(BaseCommand):
    help = "Compute the warnings (预警) of every item on a date and print them."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--as-of", help="YYYY-MM-DD (default: today)")
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument("--plan", type=int, action="append", help="only this plan (repeatable)")
        parser.add_argument("--save", action="store_true", help="store the result as a warning run")
        parser.add_argument("--schedule", action="store_true", help="enqueue the daily scan for the worker")

    def handle(self, *args, **options) -> None:
        if options["schedule"]:
            from zhenggai.progress.tasks import next_scan_time, schedule_next_scan

            done = schedule_next_scan()
            self.stdout.write(
                f"next scan {'enqueued' if done else 'already waiting'}: {next_scan_time():%Y-%m-%d %H:%M}"
            )
            return
        try:
            as_of = date.fromisoformat(options["as_of"]) if options["as_of"] else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--as-of must be YYYY-MM-DD, not {options['as_of']!r}") from exc
        problems = Problem.objects.all()
        if options["plan"]:
            problems = problems.filter(plan_id__in=options["plan"])
        if options["save"]:
            rows = list(run_warning_scan(as_of, trigger="command", problems=problems).items.all())
        else:
            rows = warning_rows(ledger_state(problems, as_of).values())
        rows.sort(key=lambda r: (-GRADE_ORDER[Grade(r.grade)], r.plan_id, r.problem_id, r.measure_id or 0))
        labels = dict(Problem.objects.filter(pk__in={r.problem_id for r in rows}).values_list("pk", "number_text"))
        items = [
            {
                "grade": r.grade,
                "kind": r.kind,
                "plan": r.plan_id,
                "problem": r.problem_id,
                "problem_number": labels.get(r.problem_id, ""),
                "measure": r.measure_id,
                "reason": r.reason,
            }
            for r in rows
        ]
        counts = Counter(item["grade"] for item in items)
        if options["format"] == "json":
            summary = {grade.value: counts.get(grade.value, 0) for grade in Grade}
            payload = {"as_of": as_of.isoformat(), "counts": summary, "items": items}
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=1))
            return
        self.stdout.write(f"{as_of}: " + "，".join(f"{Grade(g).label} {counts.get(g, 0)}" for g in Grade))
        for item in items:
            measure = f" measure {item['measure']}" if item["measure"] else ""
            kind = WarningKind(item["kind"]).label
            self.stdout.write(
                f"[{Grade(item['grade']).label}] plan {item['plan']} problem {item['problem']} "
                f"{item['problem_number']}{measure}: {kind} — {item['reason']}"
            )
