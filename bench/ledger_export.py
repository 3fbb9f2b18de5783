"""Benchmark of the background ledger export (issue 6: "a 100 000-measure export stays under 300 MB peak").

    python bench/ledger_export.py --db sqlite|postgres [--problems 10000] [--measures 10] [--chunk-size N]
                                  [--tracemalloc]

Builds a dedicated database (var/bench_export.sqlite3, or zhenggai_bench_export on the local PostgreSQL,
recreated each run as bench/ledger_list.py does) holding one city plan with ``--problems`` problems ×
``--measures`` measures (100 000 by default), written with bulk_create: each problem with a 3-sentence
description, a cause, one target, three problem-level assignments (lead county, cooperating and
supervising departments) and a deadline; each measure with a deadline and one current progress report
(the 整改进展 column). Every measure text and report is distinct, as in a real ledger: openpyxl keeps one
shared-string table in memory until the file is saved, so repeated texts would flatter the figure.

Each step runs in its own child process, started from this parent, which never imports Django (Linux
keeps a parent's peak RSS in a child's ``ru_maxrss`` across fork and exec): one loads the data; one does
nothing but the export — it takes the city office (which sees every row), calls ``request_export`` with
``TASKS_BACKEND=immediate`` (the job runs in that process exactly as the worker would run it: count,
claim, write-only workbook to a temporary file with progress UPDATEs, copy to the private storage,
SHA-256, done) and reports wall time, rows/s, the progress UPDATEs, the file size, the RSS after
start-up (Django, openpyxl, a database connection) and the peak RSS (VmHWM of its own address space)
after the export. ``--tracemalloc`` adds a child run under Python's allocation tracer (slower; its peak
counts Python objects only, not the interpreter, libraries and C buffers). ``--chunk-size`` overrides the
writer's chunk of problems (``ledger_xlsx.CHUNK_SIZE``; a value ≥ the problem count reads everything at
once, as the writer did before chunking). Results merge into bench/results/ledger_export.json (one entry
per db/chunk size).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULT = ROOT / "bench" / "results" / "ledger_export.json"
SQLITE_FILE = ROOT / "var" / "bench_export.sqlite3"
PG_SERVER, PG_NAME = "postgres://postgres@127.0.0.1:5432", "zhenggai_bench_export"
TARGET_MB = 300
ISSUES = (
    "饮用水水源地保护区内违规建设问题突出|工业园区污水集中处理设施建设滞后|城市黑臭水体整治不彻底、存在反弹|"
    "自然保护区核心区内仍有采矿活动|畜禽养殖废弃物资源化利用率偏低|生活垃圾填埋场渗滤液长期超标排放|"
    "历史遗留矿山生态修复进展缓慢|建筑工地扬尘管控措施落实不到位|河道非法采砂屡禁不止|重点排污单位自动监测数据弄虚作假"
).split("|")
DEADLINES = "2026年12月31日前|2026年6月底前|立行立改，长期坚持|2025年年底前|每季度开展一次专项检查".split("|")
DUE_FIELDS = ("raw", "date", "precision", "immediate", "long_term", "conditional", "recurrence", "ambiguous")


def database_url(db: str) -> str:
    return f"sqlite:///{SQLITE_FILE}" if db == "sqlite" else f"{PG_SERVER}/{PG_NAME}"


def prepare_database(db: str) -> None:
    """Recreate the benchmark database and point DATABASE_URL at it (before django.setup())."""
    if db == "sqlite":
        SQLITE_FILE.parent.mkdir(exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_FILE}{suffix}").unlink(missing_ok=True)
    else:
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {PG_NAME}")
    os.environ["DATABASE_URL"] = database_url(db)
    os.environ["DJANGO_SETTINGS_MODULE"] = "zhenggai.config.settings"


def build(n_problems: int, n_measures: int) -> dict:
    """The plan, written with bulk_create (explicit primary keys, sequences reset); returns ids and counts."""
    from django.conf import settings
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.utils import timezone

    from zhenggai.accounts.models import User
    from zhenggai.ledger import actions as ledger
    from zhenggai.ledger.models import Assignment, Measure, Problem, Target
    from zhenggai.organizations import actions as org
    from zhenggai.progress.models import ProgressReport

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    admin = User.objects.create_user("admin", password="bench-pw-1", role="admin", is_superuser=True)
    province = org.create_unit(acting_user=admin, name="云岭省", level="province")
    city = org.create_unit(acting_user=admin, name="青岚市", level="city", parent=province)
    counties = [
        org.create_unit(acting_user=admin, name=f"青岚第{i}县", level="county", parent=city) for i in range(1, 9)
    ]
    depts = [
        org.create_unit(acting_user=admin, name=f"青岚市{name}", level="department", parent=city)
        for name in "人民政府办公室 生态环境局 自然资源局 住房和城乡建设局 水务局 农业农村局".split()
    ]
    office = User.objects.create_user("city_office", password="bench-pw-1", role="office", unit=city)
    inspection = ledger.create_inspection(acting_user=admin, team="中央第三生态环境保护督察组", inspected_unit=province)
    plan = ledger.create_plan(
        acting_user=admin, inspection=inspection, title="青岚市整改方案（基准测试）", jurisdiction=city, level="city"
    )
    categories = [
        ledger.add_category(plan, acting_user=admin, title=f"第{i}类问题", number_text=f"{i}、") for i in range(1, 11)
    ]
    deadlines = []
    for raw in DEADLINES:
        parsed = Problem()
        parsed.set_deadline(raw)
        deadlines.append({f"due_{n}": getattr(parsed, f"due_{n}") for n in DUE_FIELDS})

    problems, targets, measures, assignments, reports = [], [], [], [], []
    submitted = timezone.now()
    for i in range(n_problems):
        title = f"{ISSUES[i % len(ISSUES)]}（第{i + 1}处）"
        problem = Problem(pk=i + 1, plan=plan, position=i + 1, number=i + 1, number_text=f"第{i + 1}项")
        problem.category_id = categories[i * len(categories) // n_problems].pk
        problem.title, problem.description = title, f"{title}。督察发现，{title}，群众反映强烈，整改推进缓慢。" * 2
        problem.cause, problem.status = "属地责任落实不到位，部门监管存在薄弱环节。", "in_progress"
        for name, value in deadlines[i % len(deadlines)].items():
            setattr(problem, name, value)
        problems.append(problem)
        targets.append(Target(pk=i + 1, problem=problem, position=1, number_text="1.", text=f"{title}得到根本解决"))
        for role, unit in (("lead", counties[i % 8]), ("cooperating", depts[1 + i % 5]), ("supervising", depts[0])):
            assignments.append(Assignment(pk=len(assignments) + 1, problem=problem, role=role, unit=unit))
        for k in range(1, n_measures + 1):
            measure = Measure(pk=len(measures) + 1, problem=problem, position=k, number_text=f"（{k}）")
            issue = ISSUES[(i + k) % len(ISSUES)]
            measure.text = f"针对第{i + 1}项{issue}，开展第{k}轮专项整治，建立长效机制"  # every text distinct
            measure.status = "in_progress"
            for name, value in deadlines[(i + k) % len(deadlines)].items():
                setattr(measure, name, value)
            measures.append(measure)
            reports.append(
                ProgressReport(
                    pk=len(reports) + 1,
                    problem=problem,
                    measure=measure,
                    unit=counties[i % 8],
                    period_start=date(2026, 10, 1),
                    period_end=date(2026, 10, 31),
                    narrative=f"第{i + 1}项第{k}条：已完成排查{k * 9}处，整改到位{k * 7}处，其余正在推进。",
                    reporter=office,
                    submitted_at=submitted,
                )
            )
    batches = [problems, targets, measures, assignments, reports]
    with transaction.atomic():
        for rows in batches:
            type(rows[0]).objects.bulk_create(rows, batch_size=2000)
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [type(rows[0]) for rows in batches]):
                cursor.execute(sql)
        if connection.vendor == "postgresql":
            cursor = connection.cursor()
            cursor.execute("ANALYZE")
    return {"plan": plan.pk, "user": office.pk, "problems": len(problems), "measures": len(measures)}


def memory_mb() -> tuple[float, float]:
    """(resident set now, its high-water mark) of this process, from /proc/self/status (VmRSS, VmHWM).

    VmHWM belongs to the process's own address space, so it starts afresh at exec; ``ru_maxrss`` does
    not (Linux keeps the parent's peak across fork and exec), which is why it is only reported beside.
    """
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def child(plan_id: int, user_id: int, chunk_size: int | None, trace: bool) -> None:
    """Only the export: start-up, then ``request_export`` running the job in this process; prints JSON."""
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zhenggai.accounts.models import User
    from zhenggai.exports import ledger_xlsx, tasks
    from zhenggai.exports.actions import request_export
    from zhenggai.exports.models import ExportJob
    from zhenggai.ledger.models import Plan

    if chunk_size:
        ledger_xlsx.write_ledger.__kwdefaults__["chunk_size"] = chunk_size
    user, plan = User.objects.get(pk=user_id), Plan.objects.get(pk=plan_id)
    baseline_rss, baseline_peak = memory_mb()
    if trace:
        import tracemalloc

        tracemalloc.start()
    progress = []
    progress_update = tasks._running

    def watched(job_id: int, **fields) -> None:  # to count the progress UPDATEs and when they happened
        progress.append((round(time.perf_counter() - started, 2), fields.get("rows_done")))
        progress_update(job_id, **fields)

    tasks._running = watched
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        job = request_export(plan, acting_user=user)
    wall = time.perf_counter() - started
    traced_peak = None
    if trace:
        traced_peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    job = ExportJob.objects.get(pk=job.pk)
    peak = memory_mb()[1]
    print(
        json.dumps(
            {
                "chunk_size": ledger_xlsx.write_ledger.__kwdefaults__["chunk_size"],
                "status": job.status,
                "error": job.error,
                "rows": job.rows_done,
                "rows_total": job.rows_total,
                "file_mb": round((job.size or 0) / 2**20, 1),
                "wall_s": round(wall, 1),
                "rows_per_s": round(job.rows_done / wall),
                "queries": len(queries.captured_queries),
                "progress_updates": len([p for p in progress if p[1] is not None]),
                "first_progress_s": next((t for t, rows in progress if rows is not None), None),
                "rss_after_startup_mb": round(baseline_rss, 1),
                "peak_rss_before_export_mb": round(baseline_peak, 1),
                "peak_rss_mb": round(peak, 1),
                "peak_rss_increase_mb": round(peak - baseline_rss, 1),
                "ru_maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                "tracemalloc_peak_mb": round(traced_peak, 1) if traced_peak is not None else None,
            }
        )
    )
    job.file.delete(save=False)  # the bench leaves nothing in the storage


def build_child(problems: int, measures: int) -> None:
    """Migrate and load the data in a child process, so that the parent stays small (see ``memory_mb``)."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    print(json.dumps(build(problems, measures)))


def run_child(db: str, built: dict, chunk_size: int | None, trace: bool) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url(db), "TASKS_BACKEND": "immediate", "LOG_LEVEL": "WARNING"}
    env["EVIDENCE_ROOT"] = str(ROOT / "var" / "bench_export_files")  # not the real private storage
    args = [sys.executable, __file__, "--child", str(built["plan"]), str(built["user"]), "--db", db]
    args += ["--chunk-size", str(chunk_size or 0)] + (["--tracemalloc"] if trace else [])
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.exit(f"the export child failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), required=True)
    parser.add_argument("--problems", type=int, default=10_000)
    parser.add_argument("--measures", type=int, default=10)
    parser.add_argument("--chunk-size", type=int, default=0, help="problems per chunk (default: the writer's)")
    parser.add_argument("--tracemalloc", action="store_true", help="also a run with tracemalloc")
    parser.add_argument("--child", nargs=2, type=int, help=argparse.SUPPRESS)
    parser.add_argument("--build", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ["DJANGO_SETTINGS_MODULE"] = "zhenggai.config.settings"
    if args.child:
        child(*args.child, chunk_size=args.chunk_size or None, trace=args.tracemalloc)
        return
    if args.build:
        build_child(args.problems, args.measures)
        return

    # The parent never imports Django: each child starts from a small process.
    prepare_database(args.db)
    started = time.perf_counter()
    command = [sys.executable, __file__, "--build", "--db", args.db]
    command += ["--problems", str(args.problems), "--measures", str(args.measures)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.exit(f"loading the data failed:\n{done.stderr}")
    built = json.loads(done.stdout.strip().splitlines()[-1])
    load_s = time.perf_counter() - started
    print(f"{args.db}: {built['problems']} problems, {built['measures']} measures loaded in {load_s:.1f} s")
    entry = {
        "db": args.db,
        "problems": built["problems"],
        "measures": built["measures"],
        "load_s": round(load_s, 1),
        "export": run_child(args.db, built, args.chunk_size or None, trace=False),
    }
    chunk = entry["chunk_size"] = entry["export"].pop("chunk_size")
    if args.tracemalloc:
        entry["export_traced"] = run_child(args.db, built, args.chunk_size or None, trace=True)
    entry["target_mb"] = TARGET_MB
    entry["under_target"] = entry["export"]["peak_rss_mb"] < TARGET_MB
    entry["machine"] = f"{platform.machine()}, {os.cpu_count()} cpu, Python {platform.python_version()}"
    entry["at"] = datetime.now(UTC).isoformat(timespec="seconds")
    RESULT.parent.mkdir(exist_ok=True)
    results = json.loads(RESULT.read_text()) if RESULT.exists() else {}
    results[f"{args.db}/chunk-{chunk}"] = entry
    RESULT.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n")
    print(json.dumps(entry, ensure_ascii=False))
    if entry["export"]["status"] != "done" or entry["export"]["rows"] != built["measures"]:
        sys.exit("the export did not write every measure row")


if __name__ == "__main__":
    main()
