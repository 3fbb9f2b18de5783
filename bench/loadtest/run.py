"""Bounded load test on loopback (issue 8, part 4): gunicorn + PostgreSQL + the task worker, 20 simulated users.

    .venv/bin/python bench/loadtest/run.py [--users 20] [--duration 60] [--max-requests 6000] [--workers 4]
                                           [--data demo|generate-province] [--think-ms 0] [--seed 8]

1. Drops and creates the PostgreSQL database ``zhenggai_load`` (127.0.0.1, user postgres), migrates it, loads
   the data (``zhenggai load_demo``, or ``zhenggai generate --scale province`` when that command exists), runs
   the daily jobs once (warnings, statistics snapshots, today's plan statistics), collects the static files,
   and prepares the writes (``fixtures.py prepare``: accounts, portal publication, acceptance requests waiting
   at a step).
2. Starts ``gunicorn -c deploy/gunicorn.conf.py`` on a free loopback port and ``zhenggai db_worker``, both in
   the production profile (DEBUG off, a random SECRET_KEY, ALLOWED_HOSTS=127.0.0.1).
3. Signs the users in (not timed in the window), then runs the mix of ``personas.py`` until the duration or
   the request count is reached, whichever comes first.
4. Stops gunicorn, lets the worker drain the queue, verifies every write in the database (``fixtures.py
   verify``), stops the worker — always, also after a failure or Ctrl-C.
5. Writes bench/results/loadtest.json (one entry per data set) and bench/loadtest/RESULTS.md. Exit status 1
   when a request failed unexpectedly or a write is lost or duplicated.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from client import Budget, Session  # noqa: E402
from personas import Shared, User  # noqa: E402
from servers import (  # noqa: E402
    Servers,
    cpu_shares,
    cpu_snapshot,
    free_port,
    server_log_summary,
    wait_for_quiet,
)
from stats import figures, markdown, timeline  # noqa: E402

ROOT = HERE.parent.parent
BIN = ROOT / ".venv" / "bin"
RESULT = ROOT / "bench" / "results" / "loadtest.json"
SECTION = HERE / "RESULTS.md"
DB_NAME = "zhenggai_load"
PG = ["-h", "127.0.0.1", "-U", "postgres"]
# Share of the simulated users per kind (the rest are unit users, who write the most).
SHARES = {"public": 0.25, "office": 0.30, "supervisor": 0.05}


def production_env(var_dir: Path) -> dict[str, str]:
    """The environment of every process: the load database, the production profile, a private var dir."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "ZHENGGAI_", "GUNICORN_", "WEB_CONCURRENCY"))
    }
    env.update(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
        DJANGO_SETTINGS_MODULE="zhenggai.config.settings",
        ZHENGGAI_PROFILE="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        ZHENGGAI_VAR_DIR=str(var_dir),
        ZHENGGAI_SEEDS=str((ROOT.parent / "shared" / "seeds").resolve()),
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    return env


def step(message: str) -> None:
    print(f"[loadtest {datetime.now():%H:%M:%S}] {message}", flush=True)


def run(command: list[str], env: dict[str, str], log: Path | None = None) -> str:
    """Run a setup command; stop with its output when it fails."""
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    if log:
        with log.open("a") as out:
            out.write(f"$ {' '.join(command)}\n{done.stdout}{done.stderr}\n")
    if done.returncode:
        raise SystemExit(f"failed ({done.returncode}): {' '.join(command)}\n{done.stdout[-2000:]}{done.stderr[-4000:]}")
    return done.stdout


def has_command(name: str, env: dict[str, str]) -> bool:
    return subprocess.run([str(BIN / "zhenggai"), "help", name], env=env, cwd=ROOT, capture_output=True).returncode == 0


def prepare_database(args: argparse.Namespace, env: dict[str, str], log: Path) -> None:
    zhenggai = str(BIN / "zhenggai")
    run(["dropdb", *PG, "--if-exists", "--force", DB_NAME], env, log)
    run(["createdb", *PG, DB_NAME], env, log)
    step("migrate")
    run([zhenggai, "migrate", "--noinput"], env, log)
    if args.data == "demo":
        step("load_demo")
        run([zhenggai, "load_demo"], env, log)
    else:
        if not has_command("generate", env):
            raise SystemExit(f"--data {args.data} needs `zhenggai generate` (src/zhenggai/synthetic/), not found")
        scale = args.data.removeprefix("generate-")
        step(f"generate --scale {scale}")
        run([zhenggai, "generate", "--scale", scale, "--seed", str(args.seed), "--no-progress"], env, log)
    step("daily jobs (warnings --save, snapshots), collectstatic")
    run([zhenggai, "warnings", "--save"], env, log)
    run([zhenggai, "snapshots"], env, log)
    run([zhenggai, "snapshots", "--today"], env, log)  # the 01:00 job keeps today's plan statistics too
    run([zhenggai, "collectstatic", "--noinput"], env, log)


def data_counts(env: dict[str, str]) -> dict[str, int]:
    sql = (
        "select (select count(*) from ledger_problem), (select count(*) from ledger_measure), "
        "(select count(*) from progress_progressreport), (select count(*) from accounts_user)"
    )
    out = run(["psql", *PG, "-d", DB_NAME, "-At", "-c", sql], env).strip().split("|")
    return dict(zip(("problems", "measures", "reports_before", "users"), map(int, out), strict=True))


def assign_kinds(plan: dict[str, Any], users: int) -> list[tuple[str, str]]:
    """(kind, account) for each simulated user: a share per kind, accounts of that kind in turn."""
    accounts = plan["accounts"]
    pools = {
        "office": [n for n, a in accounts.items() if a["role"] in ("office", "reviewer")],
        "supervisor": [n for n, a in accounts.items() if a["role"] == "supervisor"],
        "unit": [n for n in plan["report_targets"] if accounts[n]["role"] == "unit"]
        or [n for n, a in accounts.items() if a["role"] == "unit"],
        "public": [""],
    }
    counts = {kind: round(users * share) if pools[kind] else 0 for kind, share in SHARES.items()}
    counts["unit"] = users - sum(counts.values())
    kinds = []
    for kind, count in counts.items():
        kinds += [(kind, pools[kind][i % len(pools[kind])]) for i in range(count)]
    return kinds


def load(plan: dict[str, Any], port: int, args: argparse.Namespace, groups: dict[str, int]) -> dict[str, Any]:
    """Sign every user in, then run the measured window on one thread per user."""
    budget = Budget(args.max_requests, args.duration)
    shared = Shared(plan, args.passes)
    users = []
    for number, (kind, name) in enumerate(assign_kinds(plan, args.users)):
        session = Session("127.0.0.1", port, number, budget)
        users.append(User(session, shared, kind, name, plan, random.Random(args.seed * 1000 + number)))
    ready = threading.Barrier(len(users) + 1)
    failed_sign_in: list[str] = []

    def body(user: User) -> None:
        if not user.sign_in(plan["password"]):
            failed_sign_in.append(user.name)
        ready.wait()
        ready.wait()  # the window starts
        user.s.window = True
        while user.step():
            if args.think_ms:
                time.sleep(user.rng.uniform(0, 2 * args.think_ms) / 1000)

    threads = [threading.Thread(target=body, args=(user,), daemon=True) for user in users]
    for thread in threads:
        thread.start()
    ready.wait()
    if failed_sign_in:
        raise SystemExit(f"sign-in failed for {sorted(set(failed_sign_in))}")
    usage_before, cpu_before = resource.getrusage(resource.RUSAGE_SELF), cpu_snapshot(groups)
    budget.start()
    ready.wait()
    for thread in threads:
        thread.join()
    seconds = budget.elapsed()
    usage_after, cpu_after = resource.getrusage(resource.RUSAGE_SELF), cpu_snapshot(groups)
    client_cpu = (usage_after.ru_utime + usage_after.ru_stime) - (usage_before.ru_utime + usage_before.ru_stime)
    samples = [sample for user in users for sample in user.s.samples]
    setup = [sample for user in users for sample in user.s.setup_samples]
    return {
        "seconds": seconds,
        "samples": samples,
        "setup": setup,
        "shared": shared,
        "kinds": [(u.kind, u.name) for u in users],
        "cpu": (cpu_before, cpu_after, client_cpu),
        "ended_by": "max_requests" if budget.sent >= args.max_requests else "duration",
    }


def versions(env: dict[str, str]) -> dict[str, str]:
    gunicorn = run([str(BIN / "gunicorn"), "--version"], env).strip().split()[-1].strip("()")
    postgres = run(["psql", *PG, "-d", DB_NAME, "-At", "-c", "show server_version"], env).strip()
    return {"gunicorn_version": gunicorn, "postgres_version": postgres.split()[0]}


def interrupted(signum: int, frame: Any) -> None:
    step("terminated: stopping gunicorn and the worker")
    raise KeyboardInterrupt


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of the measured window at most")
    parser.add_argument("--max-requests", type=int, default=6000, help="requests of the measured window at most")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (WEB_CONCURRENCY)")
    parser.add_argument("--data", choices=("demo", "generate-province", "generate-small"), default="demo")
    parser.add_argument("--think-ms", type=float, default=0.0, help="mean pause between a user's actions")
    parser.add_argument("--passes", type=int, default=1, help="acceptance decisions that pass (the rest return)")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--wait-quiet", type=float, default=300, help="seconds to wait at most for an idle machine")
    parser.add_argument("--quiet-below", type=float, default=20, help="busy %% under which the machine counts as idle")
    parser.add_argument("--worker-interval", type=float, default=5.0, help="db_worker --interval (Makefile: 5)")
    args = parser.parse_args()
    # SIGTERM ends the run like Ctrl-C: through the finally below, which stops the servers.
    signal.signal(signal.SIGTERM, interrupted)

    var_dir = ROOT / "var" / "loadtest"
    shutil.rmtree(var_dir, ignore_errors=True)
    var_dir.mkdir(parents=True)
    env = production_env(var_dir)
    log = var_dir / "setup.log"
    python = str(BIN / "python")
    servers = Servers(ROOT, BIN, env, var_dir)
    try:
        prepare_database(args, env, log)
        step("prepare the writes (fixtures.py prepare)")
        run([python, str(HERE / "fixtures.py"), "prepare", "--out", str(var_dir / "plan.json")], env, log)
        plan = json.loads((var_dir / "plan.json").read_text())
        counts = data_counts(env)
        port = free_port()
        step(f"start db_worker and gunicorn ({args.workers} workers) on 127.0.0.1:{port}")
        servers.start_worker(args.worker_interval)
        servers.start_gunicorn(port, args.workers)
        servers.wait_ready(port)
        quiet = wait_for_quiet(args.wait_quiet, args.quiet_below)
        step(f"machine {quiet['busy_percent_before_run']} % busy after waiting {quiet['waited_s']} s for quiet")
        since = datetime.now(UTC)
        step(f"{args.users} users: sign in, then the window ({args.duration:g} s / {args.max_requests} requests)")
        outcome = load(plan, port, args, servers.groups())
        step(f"window done: {len(outcome['samples'])} requests in {outcome['seconds']:.1f} s; stopping gunicorn")
        servers.stop_gunicorn()
        writes = outcome["shared"].writes
        (var_dir / "writes.json").write_text(json.dumps(writes, ensure_ascii=False))
        step("verify the writes (fixtures.py verify; waits for the task queue to drain)")
        run(
            [
                python,
                str(HERE / "fixtures.py"),
                "verify",
                "--plan",
                str(var_dir / "plan.json"),
                "--writes",
                str(var_dir / "writes.json"),
                "--since",
                since.isoformat(),
                "--out",
                str(var_dir / "verify.json"),
            ],
            env,
            log,
        )
        verification = json.loads((var_dir / "verify.json").read_text())
    finally:
        servers.stop_all()
    result = build_result(args, outcome, plan, counts, verification, servers, versions(env))
    result["machine"]["before_run"] = quiet
    runs = save(result)
    SECTION.write_text("\n".join(markdown(run) for run in runs.values()))
    print(markdown(result))
    failed = result["figures"]["overall"]["errors"] or not verification["ok"] or result["window"]["client_errors"]
    step(f"results: {RESULT.relative_to(ROOT)}, {SECTION.relative_to(ROOT)}; {'FAILED' if failed else 'OK'}")
    return 1 if failed else 0


def build_result(args, outcome, plan, counts, verification, servers, versions_found) -> dict[str, Any]:
    seconds = outcome["seconds"]
    cpu_before, cpu_after, client_cpu = outcome["cpu"]
    shared = outcome["shared"]
    return {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "kernel": platform.release(),
            "load_average_after": os.getloadavg(),
        },
        "config": {
            "command": "python bench/loadtest/run.py " + " ".join(sys.argv[1:]),
            "users": args.users,
            "duration": args.duration,
            "max_requests": args.max_requests,
            "workers": args.workers,
            "think_ms": args.think_ms,
            "data": args.data,
            "seed": args.seed,
            "kinds": dict(
                sorted({k: sum(1 for x, _ in outcome["kinds"] if x == k) for k, _ in outcome["kinds"]}.items())
            ),
            "profile": "production",
            **versions_found,
        },
        "data": counts,
        "prepared": {
            "accounts": {name: a["role"] for name, a in plan["accounts"].items()},
            "acceptance_requests": len(plan["requests"]),
            "page_report_slots": sum(len(v) for v in plan["page_slots"].values()),
            "public_items": len(plan["public_codes"]),
        },
        "setup": figures(outcome["setup"], 1.0)["by_kind"],
        "window": {
            "seconds": round(seconds, 2),
            "requests": len(outcome["samples"]),
            "ended_by": outcome["ended_by"],
            "write_fallbacks_to_reads": shared.fallbacks,
            "client_errors": len(shared.client_errors),
            "client_error_examples": shared.client_errors[:5],
        },
        "figures": figures(outcome["samples"], seconds),
        "timeline_10s": timeline(outcome["samples"], seconds),
        "cpu": cpu_shares(cpu_before, cpu_after, client_cpu, seconds),
        "server_log": server_log_summary(servers),
        "writes": write_summary(shared.writes),
        "verification": verification,
    }


def save(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Merge the run into bench/results/loadtest.json, one entry per data set (a new run of the same data
    replaces its entry), and return every entry."""
    try:
        runs = json.loads(RESULT.read_text())["runs"]
    except (OSError, ValueError, KeyError):
        runs = {}
    runs[result["config"]["data"]] = result
    RESULT.write_text(json.dumps({"runs": runs}, ensure_ascii=False, indent=1) + "\n")
    return runs


def write_summary(writes: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per write kind: how many the server acknowledged, how many not, by status (the full log with every
    marker stays in var/loadtest/writes.json)."""
    summary: dict[str, dict[str, Any]] = {}
    for write in writes:
        row = summary.setdefault(write["kind"], {"acknowledged": 0, "not_acknowledged": 0, "statuses": {}})
        row["acknowledged" if write["acknowledged"] else "not_acknowledged"] += 1
        row["statuses"][str(write["status"])] = row["statuses"].get(str(write["status"]), 0) + 1
    return dict(sorted(summary.items()))


if __name__ == "__main__":
    sys.exit(main())
