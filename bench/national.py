"""National-scale benchmark (issue 8): pages, API and jobs on `zhenggai generate` data, against raw-SQL floors.

    python bench/national.py --db sqlite|postgres [--scale national|province|small] [--reuse] [--jobs/--no-jobs]

Builds (or with --reuse keeps) a dedicated database — var/bench_<scale>.sqlite3, or zhenggai_<scale> on the
local PostgreSQL — migrated and filled by `zhenggai generate --scale <scale> --seed 2026` in a child
process (time and peak RSS recorded). Then the morning's state of a production day: today's warning run
(`zhenggai warnings --save`, the 06:00 scan) and every plan's statistics of today (`zhenggai snapshots
--today`, the 01:00 job), each in a child process and timed. Then, in this
process with DEBUG off:

* pages and API calls through Django's test client, each for the persona it is meant for: N timed
  runs after warm-up (p50, p95), the statements of one run (the query count), and the Python allocation
  peak of one run (tracemalloc);
* the raw-SQL floor of each (``national_floors``), timed the same way, and the ratio p50 / floor p50;
* the jobs, each in a child process (wall time and peak RSS from ``ru_maxrss``): the warnings scan over
  everything, the import of each seed, the .docx report of 003's 45-task plan, and the .xlsx ledger export
  of the largest province plan.

Results merge into bench/results/national.json (one entry per db/scale); bench/RESULTS.md explains them.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import tracemalloc
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ledger_list import capture, machine, stats, timed  # noqa: E402  (model-free until django.setup())

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
BIN = ROOT / ".venv" / "bin"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
SEEDS = Path(os.environ.get("ZHENGGAI_SEEDS", ROOT.parent / "shared" / "seeds"))
TARGET_MS = {  # the others: 100 ms and 3× the floor
    "dashboard": 300,
    "statistics": 300,
    "statistics, whole plans (stored)": 300,
    "statistics, a city chosen (live)": 300,
}


def database_url(db: str, scale: str) -> str:
    return f"sqlite:///{ROOT / 'var' / f'bench_{scale}.sqlite3'}" if db == "sqlite" else f"{PG_SERVER}/zhenggai_{scale}"


# A small wrapper process runs each job, so that its RUSAGE_CHILDREN peak is the job's alone (this process,
# which has imported Django and holds pages' data, would otherwise lend its own peak to a forked child).
_WRAP = (
    "import resource, subprocess, sys; rc = subprocess.run(sys.argv[1:]).returncode; "
    "sys.stderr.write('\\nMAXRSS_KB %d\\n' % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(rc)"
)


def child(args: list[str], env: dict[str, str]) -> dict[str, Any]:
    """Run a command in a child process: its wall time, peak RSS and exit code (errors kept short)."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _WRAP, *args], env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    tail = done.stderr.rstrip().rsplit("\n", 1)
    peak_kb = int(tail[-1].split()[1]) if tail and tail[-1].startswith("MAXRSS_KB") else 0
    result: dict[str, Any] = {"wall_s": round(wall, 2), "peak_rss_mb": round(peak_kb / 1024, 1), "rc": done.returncode}
    if done.returncode:
        result["stderr"] = tail[0][-2000:]
    return result


def prepare(db: str, scale: str, reuse: bool, env: dict[str, str]) -> dict[str, Any]:
    """Create, migrate and fill the database unless --reuse finds it filled."""
    url = env["DATABASE_URL"]
    if reuse and _has_problems(db, url):  # migrated all the same: the code may have moved on since
        return {"reused": True, "migrate": child([str(BIN / "zhenggai"), "migrate", "--noinput", "-v0"], env)}
    if db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{url.removeprefix('sqlite:///')}{suffix}").unlink(missing_ok=True)
    else:
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS zhenggai_{scale} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE zhenggai_{scale}")
    migrate = child([str(BIN / "zhenggai"), "migrate", "--noinput", "-v0"], env)
    generate = child([str(BIN / "zhenggai"), "generate", "--scale", scale, "--seed", "2026", "--no-progress"], env)
    if generate["rc"]:
        raise SystemExit(f"generate failed: {generate.get('stderr')}")
    return {"reused": False, "migrate": migrate, "generate": generate}


def _has_problems(db: str, url: str) -> bool:
    try:
        if db == "sqlite":
            import sqlite3

            path = url.removeprefix("sqlite:///")
            return (
                Path(path).exists()
                and sqlite3.connect(path).execute("SELECT COUNT(*) FROM ledger_problem").fetchone()[0] > 0
            )
        import psycopg

        with psycopg.connect(url) as conn:
            return conn.execute("SELECT COUNT(*) FROM ledger_problem").fetchone()[0] > 0
    except Exception:  # noqa: BLE001 — no database or no table: not reusable
        return False


def personas() -> dict[str, Any]:
    """The users each page is meant for, chosen from the data: the province office whose province holds the
    most problems, a city office, the unit user whose unit leads the most problems, an administrator."""
    from django.db.models import Count

    from zhenggai.accounts.choices import Role
    from zhenggai.accounts.models import User
    from zhenggai.ledger.choices import AssignmentRole
    from zhenggai.ledger.models import Assignment, Plan

    top_province = (
        Plan.objects.filter(jurisdiction__level="province").annotate(n=Count("problems")).order_by("-n").first()
    ).jurisdiction
    busiest = (
        Assignment.objects.filter(role=AssignmentRole.LEAD, measure__isnull=True, unit__users__role=Role.UNIT)
        .values("unit_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    chosen = {
        "province_office": User.objects.filter(role=Role.OFFICE, unit=top_province).first(),
        "city_office": User.objects.filter(
            role=Role.OFFICE, unit__level="city", unit__path__startswith=top_province.path
        ).first(),
        "county_unit": User.objects.filter(role=Role.UNIT, unit_id=busiest["unit_id"]).first(),
        "admin": User.objects.filter(is_superuser=True).first(),
    }
    missing = [name for name, user in chosen.items() if user is None]
    if missing:
        raise SystemExit(f"the generated data has no user for {missing}")
    return chosen


def clients(user: Any) -> tuple[Any, Any]:
    from django.test import Client
    from rest_framework.authtoken.models import Token

    token, _ = Token.objects.get_or_create(user=user)
    page, api = Client(), Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    page.force_login(user)
    return page, api


def get(client: Any, url: str):
    def run() -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    return run


def allocation_peak_mb(fn) -> float:
    tracemalloc.start()
    try:
        fn()
        return round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
    finally:
        tracemalloc.stop()


def measure(name: str, fn, floor_fn, target_ms: int, repetitions: int | None = None) -> dict[str, Any]:
    """p50/p95 of the page and of its floor, the page's statements, its Python allocation peak.
    (Each request loads its user from the session: the scope is computed afresh every time.)"""
    runs = {"n": repetitions, "warmup": 1} if repetitions else {}
    statements = capture(fn)
    page = stats(timed(fn, **runs))
    floor = stats(timed(floor_fn, **runs))
    ratio = round(page["p50_ms"] / floor["p50_ms"], 1) if floor["p50_ms"] else None
    result = {
        **page,
        "queries": len(statements),
        "db_ms": round(sum(q["db_ms"] or 0 for q in statements), 2),
        "floor": floor,
        "ratio_to_floor": ratio,
        "python_peak_mb": allocation_peak_mb(fn),
        "target_ms": target_ms,
        "meets_target": page["p50_ms"] <= target_ms and (ratio is None or ratio <= 3 or target_ms > 100),
    }
    print(
        f"{name:28} p50 {page['p50_ms']:>8} p95 {page['p95_ms']:>8} q {len(statements):>3}"
        f" floor {floor['p50_ms']:>7} ×{ratio} peak {result['python_peak_mb']} MB"
    )
    return result


def pages(users: dict[str, Any]) -> dict[str, Any]:
    import national_floors as floors
    from django.db.models import Count

    from zhenggai.ledger.models import Problem
    from zhenggai.portal import actions as portal
    from zhenggai.portal.models import Kind, PublishedItem
    from zhenggai.portal.views import HOME_KINDS

    office, unit = users["province_office"], users["county_unit"]
    office_page, office_api = clients(office)
    unit_page, _ = clients(unit)
    visible = Problem.objects.visible_to(office)
    total = visible.count()
    last = max(1, -(-total // 50))
    problem = visible.annotate(n=Count("measures")).order_by("-n", "pk").first()
    as_of = date.today().isoformat()
    if not PublishedItem.objects.filter(kind=Kind.PROBLEM).exists():  # the portal needs a published plan
        portal.publish_plan(problem.plan, acting_user=users["admin"])
    item = PublishedItem.objects.filter(kind=Kind.PROBLEM, withdrawn_at__isnull=True).order_by("pk").first()
    anonymous = __import__("django.test", fromlist=["Client"]).Client()
    province = office.unit
    city = users["city_office"].unit
    runs = {
        "ledger list, page 1": (get(office_page, "/ledger/problems/"), lambda: floors.ledger_list(office)),
        "ledger list, last page": (
            get(office_page, f"/ledger/problems/?page={last}"),
            lambda: floors.ledger_list(office, (last - 1) * 50),
        ),
        "ledger list, status filter": (
            get(office_page, "/ledger/problems/?status=in_progress"),
            lambda: floors.ledger_list(office, 0, "in_progress"),
        ),
        "ledger list, county unit": (get(unit_page, "/ledger/problems/"), lambda: floors.ledger_list(unit)),
        "problem detail": (
            get(office_page, f"/ledger/problems/{problem.pk}/"),
            lambda: floors.problem_detail(problem.pk),
        ),
        "unit to-do": (get(unit_page, "/progress/todo/"), lambda: floors.todo(unit)),
        "dashboard": (get(office_page, "/progress/dashboard/"), lambda: floors.dashboard(office)),
        "statistics": (  # a unit chosen: computed live by the engine
            get(office_page, f"/stats/?unit={province.pk}&as_of={as_of}"),
            lambda: floors.statistics(office, province.path, as_of),
        ),
        "statistics, whole plans (stored)": (  # the plans the office sees, added up from PlanStatistics
            get(office_page, f"/stats/?as_of={as_of}"),
            lambda: floors.statistics(office, province.path, as_of),
        ),
        "statistics, a city chosen (live)": (  # part of the province's plan: the engine on those problems
            get(office_page, f"/stats/?unit={city.pk}&as_of={as_of}"),
            lambda: floors.statistics(office, city.path, as_of),
        ),
        "portal home": (get(anonymous, "/public/"), lambda: floors.portal_home(list(HOME_KINDS))),
        "portal problem page": (get(anonymous, f"/public/{item.code}/"), lambda: floors.portal_item(item.code)),
        "API problem list": (get(office_api, "/api/problems/"), lambda: floors.ledger_list(office)),
        "API problem detail": (
            get(office_api, f"/api/problems/{problem.pk}/"),
            lambda: floors.problem_detail(problem.pk),
        ),
    }
    admin_page, _ = clients(users["admin"])
    heavy = {  # the national office (an administrator sees all 10 000 problems): fewer repetitions
        "dashboard, national (admin)": (
            get(admin_page, "/progress/dashboard/"),
            lambda: floors.dashboard(users["admin"]),
        ),
        "statistics, national (admin)": (
            get(admin_page, f"/stats/?as_of={as_of}"),
            lambda: floors.statistics(users["admin"], "", as_of),
        ),
    }
    results = {name: measure(name, fn, floor, TARGET_MS.get(name, 100)) for name, (fn, floor) in runs.items()}
    for name, (fn, floor) in heavy.items():
        results[name] = measure(name, fn, floor, 300, repetitions=5)
    results["statistics, national (admin)"]["stored_equals_live"] = stored_equals_live(as_of)
    baseline = {  # Django's own cost of a page and an API call that barely touch the data
        "page /login/ (signed in)": stats(timed(get(office_page, "/login/"))),
        "api /api/": stats(timed(get(office_api, "/api/"))),
    }
    return {
        "baseline": baseline,
        "visible_to_province_office": total,
        "detail_problem_measures": problem.n,
        "results": results,
    }


def stored_equals_live(as_of: str) -> bool:
    """Whether the national statistics added up from the plans' stored rows are the engine's, to the
    last id and key order (one live national computation, several seconds)."""
    from zhenggai.ledger.models import Problem
    from zhenggai.stats.engine import statistics
    from zhenggai.stats.stored import stored_statistics

    day = date.fromisoformat(as_of)
    served = stored_statistics(Problem.objects.all(), day, ids=True)
    live = statistics(Problem.objects.all(), day)
    same = served is not None and json.dumps(served.stats.to_dict()) == json.dumps(live.to_dict())
    print(f"national statistics, stored == live: {same}")
    return same


def steady_state(env: dict[str, str]) -> dict[str, Any]:
    """Today's warning run and plans' statistics, as a production morning has them. Both are taken afresh:
    an earlier run's jobs changed the ledger (seed imports) with no worker to refresh them."""
    zhenggai = str(BIN / "zhenggai")
    out = {
        "warning run of today": child([zhenggai, "warnings", "--save"], env),
        "plan statistics of today": child([zhenggai, "snapshots", "--today"], env),
    }
    for name, job in out.items():
        print(f"{name:40} {job['wall_s']:>8} s  peak RSS {job['peak_rss_mb']} MB  rc {job['rc']}")
    return out


def forget_bench_imports() -> None:
    """Remove an earlier run's imports of the seeds (with --reuse), which the importer would refuse as the
    same files again: their progress reports (they protect their measures), import records, problems
    (aspects first) and plans."""
    from zhenggai.imports.models import ImportRecord
    from zhenggai.ledger.models import Plan, Problem
    from zhenggai.progress.models import ProgressReport

    plans = Plan.objects.filter(title__startswith="bench 00")
    ProgressReport.objects.filter(problem__plan__in=plans).delete()
    ImportRecord.objects.filter(plan__in=plans).delete()
    problems = Problem.objects.filter(plan__in=plans)
    problems.filter(parent__isnull=False).delete()  # aspects before the problems they split (PROTECT)
    problems.delete()
    plans.delete()


def jobs(env: dict[str, str], users: dict[str, Any]) -> dict[str, Any]:
    """Each job in its own process, as an office or the worker would run it."""
    from django.db.models import Count

    from zhenggai.ledger.models import Plan

    zhenggai = str(BIN / "zhenggai")
    forget_bench_imports()
    out: dict[str, Any] = {"warnings scan": child([zhenggai, "warnings", "--save"], env)}
    # the 01:00 job's work: every plan's snapshot of yesterday and statistics of today
    out["daily snapshots of yesterday"] = child([zhenggai, "snapshots"], env)
    out["plan statistics of today"] = child([zhenggai, "snapshots", "--today"], env)
    for seed in sorted(SEEDS.glob("00[0-4]_*.txt")):  # 003 is a progress report: it makes its own plan
        jurisdiction = str(users["province_office"].unit_id)
        out[f"import {seed.name[:3]}"] = child(
            [zhenggai, "import", str(seed), "--jurisdiction", jurisdiction, "--title", f"bench {seed.name}"], env
        )
    report_plan = Plan.objects.filter(title__startswith="bench 003").order_by("-pk").first()
    if report_plan is not None:
        docx = ROOT / "var" / "bench_report.docx"
        out["report .docx (003, 45 tasks)"] = child(
            [zhenggai, "report", "--plan", str(report_plan.pk), "--as-of", "2019-03-31", "-o", str(docx)], env
        )
    biggest = (
        Plan.objects.filter(jurisdiction__level="province")
        .annotate(n=Count("problems__measures"))
        .order_by("-n")
        .first()
    )
    xlsx = ROOT / "var" / "bench_export.xlsx"
    out["ledger .xlsx (largest province plan)"] = child(
        [zhenggai, "report", "--plan", str(biggest.pk), "--format", "xlsx", "-o", str(xlsx)], env
    )
    out["ledger .xlsx (largest province plan)"]["measures"] = biggest.n
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), required=True)
    parser.add_argument("--scale", choices=("national", "province", "small"), default="national")
    parser.add_argument("--reuse", action="store_true", help="keep a filled database from an earlier run")
    parser.add_argument("--no-jobs", dest="jobs", action="store_false")
    parser.add_argument("--no-pages", dest="pages", action="store_false", help="the jobs only (merged into the entry)")
    args = parser.parse_args()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(args.db, args.scale),
        "DJANGO_SETTINGS_MODULE": "zhenggai.config.settings",
    }
    env.setdefault("ZHENGGAI_SEEDS", str(SEEDS))
    built = prepare(args.db, args.scale, args.reuse, env)
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")})

    import django

    django.setup()
    from django.apps import apps
    from django.conf import settings
    from django.db import connection

    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    labels = "organizations.Unit ledger.Plan ledger.Problem ledger.Measure progress.ProgressReport cases.Case"
    labels += " accountability.AccountablePerson acceptance.AcceptanceRequest acceptance.StepDecision accounts.User"
    rows = {label: apps.get_model(label).objects.count() for label in labels.split()}
    print(f"{args.db}/{args.scale}: {rows}")
    users = personas()
    entry = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(connection.vendor),
        "rows": rows,
        "build": built,
        "personas": {name: f"{user.username} ({user.unit})" for name, user in users.items()},
        "loadavg_before": os.getloadavg(),
    }
    path = RESULTS / "national.json"
    results = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    if args.pages:
        entry["steady_state"] = steady_state(env)
        if connection.vendor == "postgresql":  # what autovacuum does within a minute of the jobs' inserts
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        entry["pages"] = pages(users)
    else:  # keep the pages of the last run
        entry = {**results.get(f"{args.db}/{args.scale}", {}), **entry}
    if args.jobs:
        entry["jobs"] = jobs(env, users)
        for name, job in entry["jobs"].items():
            print(f"{name:40} {job['wall_s']:>8} s  peak RSS {job['peak_rss_mb']} MB  rc {job['rc']}")
    entry["loadavg_after"] = os.getloadavg()
    RESULTS.mkdir(parents=True, exist_ok=True)
    results[f"{args.db}/{args.scale}"] = entry
    path.write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
