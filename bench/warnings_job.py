"""Benchmark of the warning job and of ``ledger_state`` (README, "Progress, status and warnings").

    python bench/warnings_job.py --db sqlite|postgres [--scale small|medium] [--months 12]

Builds the benchmark ledger (bench/ledger_data.py: 10,000 problems and 30,000 measures at medium), gives
every plan a monthly schedule starting 2025-11-01 and every open measure one report per month for
``--months`` months (bulk_create), then times: ``ledger_state`` over everything on one date, the whole
scan (``run_warning_scan``: state + storing the warnings), and the peak RSS growth over both (ru_maxrss). Results merge
into bench/results/warnings_job.json (one entry per db/scale).
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import resource
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from ledger_list import SCALES, prepare_database

ROOT = Path(__file__).resolve().parent.parent
RESULT = ROOT / "bench" / "results" / "warnings_job.json"
START, AS_OF = date(2025, 11, 1), date(2026, 11, 10)


def add_reports(months: int, rng: random.Random) -> int:
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from zhenggai.ledger.models import Measure, Plan
    from zhenggai.progress.models import PlanSchedule, ProgressReport

    reporter = get_user_model().objects.get(username="admin")
    PlanSchedule.objects.bulk_create(
        PlanSchedule(plan_id=pk, starts_on=START) for pk in Plan.objects.values_list("pk", flat=True)
    )
    open_measures = list(
        Measure.objects.filter(status__in=("not_started", "in_progress")).values_list("pk", "problem_id")
    )
    rows = []
    for month in range(months):
        first = date(START.year + (START.month - 1 + month) // 12, (START.month - 1 + month) % 12 + 1, 1)
        last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        when = timezone.make_aware(datetime.combine(last + timedelta(days=2), datetime.min.time()))
        for measure_id, problem_id in open_measures:
            if rng.random() < 0.1:
                continue  # a tenth of the reports are missing
            rows.append(
                ProgressReport(
                    problem_id=problem_id,
                    measure_id=measure_id,
                    period_start=first,
                    period_end=last,
                    narrative="按计划推进。",
                    percent=Decimal(max(0, min(100, 8 * (month + 1) + rng.randint(-10, 5)))),
                    reporter=reporter,
                    submitted_at=when,
                )
            )
    with transaction.atomic():
        ProgressReport.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), required=True)
    parser.add_argument("--scale", choices=tuple(SCALES), default="medium")
    parser.add_argument("--months", type=int, default=12)
    args = parser.parse_args()
    prepare_database(args.db)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from ledger_data import create_users, generate

    from zhenggai.ledger.models import Problem
    from zhenggai.progress.jobs import run_warning_scan
    from zhenggai.progress.status import ledger_state

    settings.DEBUG = False
    call_command("migrate", verbosity=0, interactive=False)
    rng = random.Random(2026)
    create_users(generate(*SCALES[args.scale], rng))
    started = time.perf_counter()
    reports = add_reports(args.months, rng)
    load_s = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"{args.db}/{args.scale}: {reports} reports loaded in {load_s:.1f} s")

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    state_s = []
    for _ in range(3):
        started = time.perf_counter()
        states = ledger_state(Problem.objects.all(), AS_OF)
        state_s.append(time.perf_counter() - started)
    items = sum(len(s.items) for s in states.values())
    started = time.perf_counter()
    run = run_warning_scan(AS_OF, trigger="bench")
    scan_s = time.perf_counter() - started
    rss_growth_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    entry = {
        "db": args.db,
        "scale": args.scale,
        "problems": len(states),
        "items": items,
        "reports": reports,
        "warnings": run.item_count,
        "ledger_state_s": [round(s, 2) for s in state_s],
        "scan_s": round(scan_s, 2),
        "peak_rss_growth_mb": round(rss_growth_mb, 1),
        "machine": f"{platform.processor() or platform.machine()}, {platform.python_version()}",
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    results = json.loads(RESULT.read_text()) if RESULT.exists() else {}
    results[f"{args.db}/{args.scale}"] = entry
    RESULT.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n")
    print(json.dumps(entry, ensure_ascii=False))


if __name__ == "__main__":
    main()
