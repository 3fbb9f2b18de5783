"""The processes under test — gunicorn and the task worker — started, watched and always stopped; CPU
accounting from /proc over the measured window; what their logs say."""

from __future__ import annotations

import http.client
import math
import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    """A port nothing listens on now (the kernel picks it; gunicorn binds it a moment later)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Servers:
    """gunicorn and ``zhenggai db_worker``, each in its own process group so that stopping them reaches
    their children and nothing else."""

    def __init__(self, root: Path, bin_dir: Path, env: dict[str, str], var_dir: Path) -> None:
        self.root, self.bin, self.env, self.var = root, bin_dir, env, var_dir
        self.gunicorn: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None
        self.gunicorn_log = var_dir / "gunicorn.log"
        self.worker_log = var_dir / "worker.log"

    def _start(self, command: list[str], log: Path, env: dict[str, str]) -> subprocess.Popen:
        out = log.open("ab")
        return subprocess.Popen(
            command, cwd=self.root, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )

    def start_worker(self, interval: float) -> None:
        command = [str(self.bin / "zhenggai"), "db_worker", "--no-reload", "--interval", f"{interval:g}"]
        self.worker = self._start(command, self.worker_log, self.env)

    def start_gunicorn(self, port: int, workers: int) -> None:
        """The production configuration (deploy/gunicorn.conf.py) with the bind address and worker count from
        its environment variables; without that file, the same essentials on the command line."""
        env = {**self.env, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(workers)}
        conf = self.root / "deploy" / "gunicorn.conf.py"
        if conf.exists():
            command = [str(self.bin / "gunicorn"), "-c", str(conf)]
        else:
            command = [
                str(self.bin / "gunicorn"),
                "zhenggai.config.wsgi:application",
                f"--bind=127.0.0.1:{port}",
                f"--workers={workers}",
                "--preload",
                "--max-requests=1000",
                "--max-requests-jitter=100",
                "--access-logfile=-",
            ]
        self.gunicorn = self._start(command, self.gunicorn_log, env)

    def wait_ready(self, port: int, timeout: float = 60.0) -> None:
        """Until the login page answers 200 over the forwarded-HTTPS path the users take."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.gunicorn and self.gunicorn.poll() is not None:
                raise SystemExit(f"gunicorn exited ({self.gunicorn.returncode}); see {self.gunicorn_log}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/login/", headers={"X-Forwarded-Proto": "https"})
                if connection.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise SystemExit(f"gunicorn did not answer on port {port} within {timeout:g} s; see {self.gunicorn_log}")

    @staticmethod
    def _stop(process: subprocess.Popen | None, grace: float) -> None:
        """SIGTERM to the process (gunicorn's master finishes its workers' requests; the worker its task),
        then SIGKILL to its whole group if it has not ended within ``grace`` seconds."""
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def groups(self) -> dict[str, int]:
        """Process group ids (= the leaders' pids, started with start_new_session)."""
        found = {"gunicorn": self.gunicorn, "db_worker": self.worker}
        return {name: process.pid for name, process in found.items() if process is not None}

    def stop_gunicorn(self) -> None:
        self._stop(self.gunicorn, 40)

    def stop_all(self) -> None:
        self.stop_gunicorn()
        self._stop(self.worker, 40)


# --- CPU -------------------------------------------------------------------------------------------------


def _machine() -> tuple[int, int]:
    """(busy, total) jiffies of all cores from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


def wait_for_quiet(max_wait: float, threshold: float, sample: float = 5.0) -> dict[str, float]:
    """The machine is shared (other sessions run test suites): wait up to ``max_wait`` seconds until it is
    less than ``threshold`` % busy over ``sample`` seconds, so that the figures measure Zhenggai, not the
    neighbours. Returns how long it waited and the last reading (recorded with the results)."""
    started = time.monotonic()
    while True:
        before = _machine()
        time.sleep(sample)
        after = _machine()
        busy = 100 * (after[0] - before[0]) / max(after[1] - before[1], 1)
        waited = time.monotonic() - started
        if busy < threshold or waited >= max_wait:
            return {"waited_s": round(waited, 1), "busy_percent_before_run": round(busy, 1)}


def _processes(groups: dict[str, int]) -> dict[str, int]:
    """Jiffies used so far by the processes of each group (gunicorn, db_worker: their process groups) and by
    PostgreSQL, children already reaped included (cutime/cstime): a gunicorn worker recycled during the window
    and the backend it closed still count. PostgreSQL's figure covers the whole server (every database):
    the backends of other sessions cannot be told apart once they have ended."""
    used = dict.fromkeys([*groups, "postgres (whole server)"], 0)
    by_pgid = {pgid: name for name, pgid in groups.items()}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
        except OSError:
            continue
        comm = raw[raw.index("(") + 1 : raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2 :].split()
        ticks = sum(int(v) for v in fields[11:15])  # utime stime cutime cstime
        if int(fields[2]) in by_pgid:
            used[by_pgid[int(fields[2])]] += ticks
        elif comm == "postgres":
            # The postmaster's cutime holds its ended backends; a live backend's time is not in it yet.
            used["postgres (whole server)"] += ticks
    return used


def cpu_snapshot(groups: dict[str, int]) -> dict[str, Any]:
    return {"machine": _machine(), "processes": _processes(groups)}


def cpu_shares(before: dict[str, Any], after: dict[str, Any], client_seconds: float, seconds: float) -> dict[str, Any]:
    """Shares of the whole machine (100 % = every core busy) over the window."""
    cores = os.cpu_count() or 1
    busy = after["machine"][0] - before["machine"][0]
    total = after["machine"][1] - before["machine"][1]
    by_process = {
        name: round(
            100 * (after["processes"].get(name, 0) - before["processes"].get(name, 0)) / TICKS / seconds / cores, 1
        )
        for name in sorted(after["processes"])
    }
    by_process["load client (this process)"] = round(100 * client_seconds / seconds / cores, 1)
    machine = round(100 * busy / total, 1) if total else 0.0
    # Everything else: PostgreSQL's own background processes, and other sessions sharing the machine.
    by_process["everything else"] = round(max(machine - sum(by_process.values()), 0.0), 1)
    return {
        "cores": cores,
        "machine_busy_percent": machine,
        "by_process_percent": by_process,
    }


# --- logs -------------------------------------------------------------------------------------------------

# deploy/gunicorn.conf.py's access_log_format: ... "%(r)s" %(s)s %(b)s %(M)sms ...
_ACCESS = re.compile(r'"(\w+) (\S+) HTTP/[\d.]+" (\d{3}) \S+ (\d+)ms ')
_SIGN_IN = ("/login/", "/api/token/")
# (method, path pattern, request kind of personas.py): the access log's lines by the client's names.
_KINDS = [
    ("GET", r"/ledger/problems/(\?.*)?$", "ledger_list"),
    ("GET", r"/ledger/problems/\d+/$", "problem_detail"),
    ("GET", r"/progress/dashboard/$", "dashboard"),
    ("GET", r"/progress/todo/$", "todo"),
    ("GET", r"/api/problems/$", "api_problem_list"),
    ("GET", r"/api/problems/\d+/$", "api_problem_detail"),
    ("GET", r"/public/$", "portal_home"),
    ("GET", r"/public/[\w-]+/$", "portal_item"),
    ("GET", r"/progress/problems/\d+/report/(\?.*)?$", "report_form"),
    ("POST", r"/progress/problems/\d+/report/(\?.*)?$", "report_submit_page"),
    ("POST", r"/api/progress-reports/$", "report_submit_api (and retries)"),
    ("POST", r"/api/acceptance-requests/\d+/decide/$", "decide_api"),
    ("GET", r"/acceptance/requests/\d+/resubmit/$", "resubmit_form"),
    ("POST", r"/acceptance/requests/\d+/resubmit/$", "resubmit_page"),
]
_KIND_PATTERNS = [(method, re.compile(pattern), kind) for method, pattern, kind in _KINDS]


def _kind(method: str, path: str) -> str:
    for wanted, pattern, kind in _KIND_PATTERNS:
        if method == wanted and pattern.match(path):
            return kind
    return "other"


def _percentiles(values: list[int]) -> dict[str, Any]:
    values = sorted(values)
    return {
        "requests": len(values),
        "p50": _rank(values, 50),
        "p95": _rank(values, 95),
        "p99": _rank(values, 99),
        "mean": round(sum(values) / len(values), 1) if values else 0,
    }


def _rank(values: list[int], p: float) -> int:
    """Nearest-rank percentile of sorted values."""
    return values[max(1, math.ceil(p / 100 * len(values))) - 1] if values else 0


def server_log_summary(servers: Servers) -> dict[str, Any]:
    """What gunicorn and the worker logged: responses by status class, worker boots (recycling after
    max_requests), timeouts, tracebacks."""
    text = servers.gunicorn_log.read_text(errors="replace") if servers.gunicorn_log.exists() else ""
    statuses: dict[str, int] = {}
    in_worker: dict[str, list[int]] = {}
    for line in text.splitlines():
        if found := _ACCESS.search(line):
            method, path, status, ms = found.groups()
            statuses[status[0] + "xx"] = statuses.get(status[0] + "xx", 0) + 1
            if path not in _SIGN_IN:
                in_worker.setdefault(_kind(method, path), []).append(int(ms))
    worker = servers.worker_log.read_text(errors="replace") if servers.worker_log.exists() else ""
    return {
        "gunicorn_responses_by_status": dict(sorted(statuses.items())),
        # Time inside a gunicorn worker (from the access log, whole milliseconds; sign-in left out): the rest of
        # the client's latency is waiting for a free worker and the network.
        "in_worker_ms": _percentiles([ms for values in in_worker.values() for ms in values]),
        "in_worker_ms_by_kind": {kind: _percentiles(values) for kind, values in sorted(in_worker.items())},
        "gunicorn_worker_boots": text.count("Booting worker"),
        "gunicorn_worker_timeouts": text.count("WORKER TIMEOUT"),
        "gunicorn_tracebacks": text.count("Traceback"),
        "gunicorn_error_lines": text.count("[ERROR]"),
        "worker_tracebacks": worker.count("Traceback"),
        "worker_error_lines": sum(1 for line in worker.splitlines() if "ERROR" in line),
    }
