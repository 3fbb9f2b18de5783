"""Benchmark of the ledger list and the visibility rule (README, "Roles and what each sees").

    python bench/ledger_list.py --db sqlite|postgres [--scale small|medium]

Builds a dedicated database (var/bench.sqlite3, or zhenggai_bench on the local PostgreSQL), fills it
with bulk_create, then times for each persona: the ORM list, the page and its last page, the API, and
a hand-written SQL "floor" that fetches the same rows. Raw numbers are merged into
bench/results/ledger_list.json (one entry per db/scale); query plans go to bench/results/explain_<db>.txt.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import re
import statistics
import subprocess
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SQLITE_FILE = ROOT / "var" / "bench.sqlite3"
PG_SERVER, PG_NAME = "postgres://postgres@127.0.0.1:5432", "zhenggai_bench"
SCALES = {"small": (3, 1_000), "medium": (31, 10_000)}  # provinces, problems (see bench/ledger_data.py)
N, WARMUP, PAGE = 30, 3, 50
PERSONAS = ("province_office", "city_office", "county_office", "county_unit", "dept_unit", "supervisor", "admin")
EXPLAINED = ("county_office", "county_unit", "dept_unit")


def prepare_database(db: str) -> None:
    """Recreate the benchmark database and point DATABASE_URL at it (before django.setup())."""
    if db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_FILE}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_FILE}"
    else:
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {PG_NAME}")
        os.environ["DATABASE_URL"] = f"{PG_SERVER}/{PG_NAME}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "zhenggai.config.settings"


def stats(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[math.ceil(0.95 * len(ordered)) - 1]  # nearest rank
    return {"p50_ms": round(statistics.median(ordered), 2), "p95_ms": round(p95, 2), "min_ms": round(ordered[0], 2)}


def timed(fn: Callable[[], object], n: int = N, warmup: int = WARMUP) -> list[float]:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def capture(fn: Callable[[], object]) -> list[dict[str, Any]]:
    """The statements one call runs, each re-run alone (execute + fetch, best of 3) to time the database's share."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fn()
    statements = []
    for query in ctx.captured_queries:
        sql = re.sub(r"^DECLARE .*? FOR ", "", query["sql"])  # ModelChoiceField iterates a server-side cursor
        best = math.inf
        for _ in range(3 if sql.startswith("SELECT") else 0):
            with connection.cursor() as cursor:
                start = time.perf_counter()
                cursor.execute(sql)
                cursor.fetchall()
                best = min(best, (time.perf_counter() - start) * 1000)
        statements.append({"db_ms": round(best, 2) if best < math.inf else None, "sql": sql[:200]})
    return statements


def floor_where(user: Any) -> tuple[str, list[Any]]:
    """The visibility rule written by hand, from the user's already computed scope."""
    from django.db import connection

    from zhenggai.accounts.scope import ALL, SUBTREE, scope_for

    scope = scope_for(user)
    if scope.kind == ALL:
        return "1 = 1", []
    if scope.kind == SUBTREE:
        # The prefix test each backend answers from its path index: LIKE with varchar_pattern_ops on
        # PostgreSQL; a range on SQLite (its LIKE is case-insensitive and never uses a BINARY index).
        if connection.vendor == "postgresql":
            under, params = "path LIKE %s", [scope.root_path + "%"]
        else:
            under, params = "path >= %s AND path < %s", [scope.root_path, scope.root_path + "~"]
        # One UNION of index-driven semi-joins, not an OR across the problem table (which forces a scan of it).
        units = f"SELECT id FROM organizations_unit WHERE {under}"
        members = f"SELECT collective_id FROM organizations_unitmembership WHERE member_id IN ({units})"
        plans = f"SELECT id FROM ledger_plan WHERE jurisdiction_id IN ({units})"
        held = f"SELECT problem_id FROM ledger_assignment WHERE unit_id IN ({units} UNION {members})"
        return f"p.id IN (SELECT id FROM ledger_problem WHERE plan_id IN ({plans}) UNION {held})", params * 3
    ids = sorted(scope.unit_ids)
    return f"p.id IN (SELECT problem_id FROM ledger_assignment WHERE unit_id IN ({', '.join(['%s'] * len(ids))}))", ids


def floor(where: str, params: list[Any], offset: int) -> tuple[int, list[tuple], list[tuple[int, str]]]:
    """What the page needs at minimum: the count, one page of rows with plan/category/parent, their lead units."""
    from django.db import connection

    leads: list[tuple[int, str]] = []
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ledger_problem p WHERE {where}", params)
        total = cursor.fetchone()[0]
        cursor.execute(
            "SELECT p.id, p.number_text, p.title, p.status, p.due_raw, p.due_date, p.due_immediate, p.due_long_term,"
            " p.due_conditional, p.due_recurrence, pl.title, c.title,"
            " (SELECT pp.number_text FROM ledger_problem pp WHERE pp.id = p.parent_id) FROM ledger_problem p"
            " JOIN ledger_plan pl ON pl.id = p.plan_id LEFT JOIN ledger_category c ON c.id = p.category_id"
            f" WHERE {where}"
            f" ORDER BY p.plan_id, p.position, p.id LIMIT {PAGE} OFFSET {offset}",
            params,
        )
        rows = cursor.fetchall()
        if rows:  # measure- and target-level leads are dropped here: "IS NULL" misleads SQLite's planner
            cursor.execute(
                "SELECT a.problem_id, a.measure_id, a.target_id, u.name FROM ledger_assignment a"
                " JOIN organizations_unit u ON u.id = a.unit_id WHERE a.role = 'lead'"
                f" AND a.problem_id IN ({', '.join(str(r[0]) for r in rows)})"
            )
            leads = [(pk, name) for pk, measure, target, name in cursor.fetchall() if measure is None is target]
    return total, rows, leads


def clients(user: Any) -> tuple[Any, Any]:
    """A browser session (force_login) and an API client with the user's token."""
    from django.test import Client
    from rest_framework.authtoken.models import Token

    page_client, api_client = Client(), Client(HTTP_AUTHORIZATION=f"Token {Token.objects.get(user=user).key}")
    page_client.force_login(user)
    return page_client, api_client


def get(client: Any, url: str) -> Callable[[], None]:
    def run() -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    return run


def measure_persona(user: Any) -> dict[str, Any]:
    """Times, query counts and the database's share of every measure for one user; checks the floor first."""
    from zhenggai.accounts.scope import scope_for
    from zhenggai.ledger.models import Problem

    def orm() -> tuple[int, list[Problem]]:
        user.__dict__.pop("_zhenggai_scope", None)  # a request computes the scope afresh
        qs = Problem.objects.visible_to(user).for_list()
        return qs.count(), list(qs[:PAGE])

    total, first = orm()
    last = max(1, math.ceil(total / PAGE))
    where, params = floor_where(user)
    floor_total, floor_rows, floor_leads = floor(where, params, 0)  # must be the page's rows, or the ratio is moot
    assert floor_total == total and [r[0] for r in floor_rows] == [p.pk for p in first], user.username
    assert sorted(floor_leads) == sorted((p.pk, a.holder_name) for p in first for a in p.lead_assignments)
    scope_for(user)
    page_client, api_client = clients(user)
    runs: dict[str, Callable[[], object]] = {
        "orm": orm,
        "page": get(page_client, "/ledger/problems/"),
        "deep_page": get(page_client, f"/ledger/problems/?page={last}"),
        "api": get(api_client, "/api/problems/"),
        "floor": lambda: floor(where, params, 0),
        "deep_floor": lambda: floor(where, params, (last - 1) * PAGE),
    }
    result: dict[str, Any] = {"visible": total, "last_page": last, "measures": {}, "raw_ms": {}}
    for name, fn in runs.items():
        statements = capture(fn)
        samples = timed(fn)
        result["measures"][name] = {**stats(samples), "queries": len(statements)}
        result["measures"][name]["db_ms"] = round(sum(q["db_ms"] or 0 for q in statements), 2)
        result["raw_ms"][name] = [round(s, 3) for s in samples]
        if name in ("page", "api"):
            result[f"{name}_statements"] = statements
    m = result["measures"]
    result["ratio_to_floor"] = {
        name: round(m[name]["p50_ms"] / m["deep_floor" if name == "deep_page" else "floor"]["p50_ms"], 1)
        for name in ("orm", "page", "deep_page", "api")
    }
    return result


def explain(users: dict[str, Any], vendor: str) -> tuple[str, dict[str, list[str]]]:
    """Plans of the visibility count, the first page and the lead-unit prefetch, and which indexes they use."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zhenggai.accounts.scope import scope_for
    from zhenggai.ledger.models import Problem

    tables = "organizations_unit organizations_unitmembership ledger_assignment ledger_problem ledger_plan".split()
    with connection.cursor() as cursor:
        constraints = [connection.introspection.get_constraints(cursor, table) for table in tables]
    index_names = {name for c in constraints for name, info in c.items() if info["index"] or info["primary_key"]}
    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    text, found = [], {}
    for persona in EXPLAINED:
        scope_for(users[persona])
        qs = Problem.objects.visible_to(users[persona]).for_list()
        with CaptureQueriesContext(connection) as ctx:
            qs.count()
            list(qs[:PAGE])
        for label, query in zip(("count", "first page", "lead prefetch"), ctx.captured_queries, strict=True):
            sql = query["sql"]
            with connection.cursor() as cursor:
                cursor.execute(prefix + sql)
                rows = cursor.fetchall()
            if vendor == "postgresql":
                plan = "\n".join(r[0] for r in rows)
            else:  # rows are (id, parent, notused, detail): indent by depth
                depth: dict[int, int] = {0: -1}
                lines = []
                for node, parent, _, detail in rows:
                    depth[node] = depth.get(parent, -1) + 1
                    lines.append("  " * depth[node] + detail)
                plan = "\n".join(lines)
            used = sorted(n for n in index_names if re.search(rf"\b{n}\b", plan))
            found[f"{persona} {label}"] = used
            text.append(f"=== {persona}: {label} query ===\n{sql}\n\n{plan}\n\nindexes used: {', '.join(used)}\n")
    watched = ("organizations_unit_path_like", "organizations_unit_path", "ledger_assignment_unit_role")
    summary = [f"{name}: used by {[k for k, v in found.items() if name in v] or 'none'}" for name in watched]
    return "\n".join(["\n".join(summary) + "\n", *text]), found


def machine(vendor: str) -> dict[str, Any]:
    import django
    from django.db import connection

    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    meminfo = Path("/proc/meminfo").read_text().split()
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version" if vendor == "postgresql" else "SELECT sqlite_version()")
        db = f"{'PostgreSQL' if vendor == 'postgresql' else 'SQLite'} {cursor.fetchone()[0]}"
    return {
        "nproc": int(subprocess.run(["nproc"], capture_output=True, text=True, check=True).stdout),
        "cpu": next((ln.split(":", 1)[1].strip() for ln in cpuinfo if ln.startswith("model name")), "?"),
        "memory_gib": round(int(meminfo[meminfo.index("MemTotal:") + 1]) / 2**20, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": db,
    }


def save(db: str, scale: str, entry: dict[str, Any], explain_text: str) -> dict[str, Any]:
    """Merge the entry into ledger_list.json; return the query counts that differ from the other scale."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"explain_{db}.txt").write_text(explain_text, encoding="utf-8")
    path = RESULTS / "ledger_list.json"
    results = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    other = f"{db}/{'small' if scale == 'medium' else 'medium'}"
    if other in results:  # the same persona and measure must need the same number of queries at any size
        theirs = results[other]["personas"]
        entry[f"queries_differing_from_{other}"] = {
            f"{persona}.{name}": [m["queries"], theirs[persona]["measures"][name]["queries"]]
            for persona, data in entry["personas"].items()
            for name, m in data["measures"].items()
            if m["queries"] != theirs[persona]["measures"][name]["queries"]
        }
    results[f"{db}/{scale}"] = entry
    path.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return {k: v for k, v in entry.items() if k.startswith("queries_differing")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), required=True)
    parser.add_argument("--scale", choices=tuple(SCALES), default="medium")
    args = parser.parse_args()
    prepare_database(args.db)

    import django

    django.setup()
    from django.apps import apps
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from ledger_data import create_users, generate  # bench/ledger_data.py, importable only after setup

    settings.DEBUG = False  # no query log kept in memory while measuring
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    migrate_s, started = time.perf_counter() - started, time.perf_counter()
    users = create_users(generate(*SCALES[args.scale], random.Random(2026)))
    generate_s = time.perf_counter() - started
    if connection.vendor == "postgresql":  # autovacuum would do this within a minute of the load; do it now
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"{args.db}/{args.scale}: migrate {migrate_s:.1f} s, data generation {generate_s:.1f} s")
    labels = "organizations.Unit organizations.UnitMembership ledger.Inspection ledger.Plan ledger.Category"
    labels += " ledger.Problem ledger.Measure ledger.Assignment accounts.User"
    rows = {label: apps.get_model(label).objects.count() for label in labels.split()}

    load_before = os.getloadavg()
    personas = {name: measure_persona(users[name]) for name in PERSONAS}
    page_client, api_client = clients(users["county_unit"])
    baseline = {  # Django's own cost of a signed-in page and an API call that barely touch the data
        "page /login/": stats(timed(get(page_client, "/login/"))),
        "api /api/": stats(timed(get(api_client, "/api/"))),
    }
    connect = []
    for _ in range(N):  # what DB_CONN_MAX_AGE=0 (the default) adds to every real request
        connection.close()
        start = time.perf_counter()
        connection.ensure_connection()
        connect.append((time.perf_counter() - start) * 1000)
    explain_text, indexes = explain(users, connection.vendor)
    entry = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(connection.vendor),
        "repetitions": N,
        "warmups": WARMUP,
        "page_size": PAGE,
        "rows": rows,
        "migrate_s": round(migrate_s, 2),
        "generation_s": round(generate_s, 2),
        "connect_ms": stats(connect),
        "baseline": baseline,
        "loadavg_before_after": [round(x, 2) for x in (*load_before, *os.getloadavg())],
        "indexes_used": indexes,
        "personas": personas,
    }
    differing = save(args.db, args.scale, entry, explain_text)

    print(f"rows: {rows}")
    print(f"{'persona':16} {'visible':>7} {'measure':10} {'p50 ms':>8} {'p95 ms':>8} {'queries':>7} {'db ms':>7} ratio")
    for persona, data in personas.items():
        for name, m in data["measures"].items():
            ratio = data["ratio_to_floor"].get(name, "")
            line = f"{persona:16} {data['visible']:>7} {name:10} {m['p50_ms']:>8} {m['p95_ms']:>8} {m['queries']:>7}"
            print(f"{line} {m['db_ms']:>7} {ratio:>6}")
    print(f"connect per request with DB_CONN_MAX_AGE=0: {entry['connect_ms']}")
    print(f"baseline (framework only): {baseline}")
    print(f"indexes used: {indexes}")
    print(f"query counts differing from the other scale: {differing or 'no other scale measured yet'}")


if __name__ == "__main__":
    main()
