"""Benchmark of the complaint-batch import (issue 7: "a batch of a few thousand cases imports in seconds").

    python bench/cases_import.py --db sqlite|postgres [--rows 3000] [--seed 7]

Builds a dedicated database (var/bench_cases.sqlite3, or zhenggai_bench_cases on the local PostgreSQL,
recreated each run), migrates it, creates the test persona world (``zhenggai.testing.build_world``) and
one batch handed over to its province, generates ``--rows`` synthetic cases (``cases.synthetic``: invented
texts, some co-handled) as the .xlsx a province uploads, then times the three steps the import page and
the background job run: reading the sheet (``read_sheet``), checking every row against the registry and
the inspection (``check_rows``) and the all-or-nothing write (``apply_import``: bulk INSERTs of cases,
assignments and their history rows). Prints one JSON object; nothing is written under bench/results.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SQLITE_FILE = ROOT / "var" / "bench_cases.sqlite3"
PG_SERVER, PG_NAME = "postgres://postgres@127.0.0.1:5432", "zhenggai_bench_cases"


def _prepare_database(db: str) -> str:
    if db == "sqlite":
        SQLITE_FILE.parent.mkdir(exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_FILE}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{SQLITE_FILE}"
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{PG_NAME}"')
        connection.execute(f'CREATE DATABASE "{PG_NAME}"')
    return f"{PG_SERVER}/{PG_NAME}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--rows", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = _prepare_database(args.db)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenggai.config.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from zhenggai.cases import actions
    from zhenggai.cases.batch_import import apply_import, check_rows, read_sheet
    from zhenggai.cases.models import Case, CaseAssignment
    from zhenggai.cases.synthetic import batch_workbook, synthetic_cases
    from zhenggai.ledger.models import Inspection
    from zhenggai.testing import build_world

    world = build_world()
    office = world.users["office_P"]
    batch = actions.create_batch(
        acting_user=office,
        inspection=Inspection.objects.get(),
        number=1,
        handed_over_on=date(2025, 5, 29),
        jurisdiction=world.units["P"],
    )
    cases = synthetic_cases(args.rows, regions=["甲一县", "甲二县", "乙一县"], seed=args.seed)
    data = batch_workbook(cases)

    timings = {}
    start = time.perf_counter()
    rows = read_sheet(data)
    timings["read_s"] = time.perf_counter() - start
    start = time.perf_counter()
    plan = check_rows(rows, batch)
    timings["check_s"] = time.perf_counter() - start
    assert not plan.errors, plan.errors[:5]
    start = time.perf_counter()
    imported = apply_import(plan, batch, acting_user=office)
    timings["apply_s"] = time.perf_counter() - start
    timings["total_s"] = sum(timings.values())
    assert Case.objects.filter(batch=batch).count() == args.rows == imported
    result = {
        "db": args.db,
        "rows": args.rows,
        "file_bytes": len(data),
        "co_handled": plan.co_handled,
        "assignments": CaseAssignment.objects.filter(case__batch=batch).count(),
        **{key: round(value, 3) for key, value in timings.items()},
        "rows_per_s": round(args.rows / timings["total_s"]),
        "python": platform.python_version(),
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
