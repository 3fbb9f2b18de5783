"""Figures of a load-test run: latency percentiles per request kind, throughput, outcomes; the markdown table."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from typing import Any

from client import Sample
from personas import WRITE_KINDS

# Outcomes that are the right answer although not 2xx/3xx: a retried report refused as a duplicate.
EXPECTED = {"ok", "expected_409"}


def percentile(sorted_ms: list[float], p: float) -> float:
    """Nearest-rank percentile (the value below which p % of the samples fall, an observed value)."""
    if not sorted_ms:
        return 0.0
    rank = max(1, math.ceil(p / 100 * len(sorted_ms)))
    return sorted_ms[rank - 1]


def summarize(samples: list[Sample], seconds: float) -> dict[str, Any]:
    """Count, throughput, p50/p95/p99/mean/max and outcomes of a group of samples."""
    ms = sorted(sample.ms for sample in samples)
    outcomes = Counter(sample.outcome for sample in samples)
    return {
        "requests": len(samples),
        "per_second": round(len(samples) / seconds, 1) if seconds else 0.0,
        "p50_ms": round(percentile(ms, 50), 1),
        "p95_ms": round(percentile(ms, 95), 1),
        "p99_ms": round(percentile(ms, 99), 1),
        "mean_ms": round(sum(ms) / len(ms), 1) if ms else 0.0,
        "max_ms": round(ms[-1], 1) if ms else 0.0,
        "outcomes": dict(sorted(outcomes.items())),
        "errors": sum(n for outcome, n in outcomes.items() if outcome not in EXPECTED),
    }


def error_class(outcome: str) -> str:
    """Group an outcome: a server error, a client error the run did not expect, a page form shown again,
    or a network failure."""
    if outcome.startswith("http_5"):
        return "server_error_5xx"
    if outcome.startswith("http_4"):
        return "unexpected_4xx"
    if outcome in ("form_rejected", "unexpected_redirect"):
        return "page_write_refused"
    return "network"


def figures(samples: list[Sample], seconds: float) -> dict[str, Any]:
    by_kind: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        by_kind[sample.kind].append(sample)
    errors = Counter(error_class(s.outcome) for s in samples if s.outcome not in EXPECTED)
    detail = Counter(f"{s.kind} {s.outcome}" for s in samples if s.outcome not in EXPECTED)
    return {
        "overall": summarize(samples, seconds),
        "reads": summarize([s for s in samples if s.kind not in WRITE_KINDS], seconds),
        "writes": summarize([s for s in samples if s.kind in WRITE_KINDS], seconds),
        "by_kind": {kind: summarize(group, seconds) for kind, group in sorted(by_kind.items())},
        "errors_by_class": dict(errors),
        "errors_by_kind": dict(detail.most_common()),
        "expected_4xx": sum(1 for s in samples if s.outcome == "expected_409"),
    }


def timeline(samples: list[Sample], seconds: float, step: float = 10.0) -> list[dict[str, Any]]:
    """Throughput and p95 per ``step`` seconds of the window: a slowdown over time shows here."""
    buckets: dict[int, list[float]] = defaultdict(list)
    for sample in samples:
        buckets[int(sample.start // step)].append(sample.ms)
    rows = []
    for index in range(int(math.ceil(seconds / step)) if seconds else 0):
        ms = sorted(buckets.get(index, []))
        rows.append(
            {
                "from_s": index * step,
                "requests": len(ms),
                "p50_ms": round(percentile(ms, 50), 1),
                "p95_ms": round(percentile(ms, 95), 1),
            }
        )
    return rows


def markdown(result: dict[str, Any]) -> str:
    """The short section for bench/RESULTS.md."""
    cfg, window, ver = result["config"], result["window"], result["verification"]
    overall, data, tasks = result["figures"]["overall"], result["data"], ver["tasks"]
    worker = result["server_log"]["in_worker_ms"]
    quiet = result["machine"].get("before_run", {})
    lines = [
        f"## Load test, `{cfg['data']}` data: {cfg['users']} users on gunicorn + PostgreSQL + the task worker",
        "",
        f"`{cfg['command']}` — measured {result['measured_at']}, data `{cfg['data']}` ({data['problems']} "
        f"problems, {data['measures']} measures, {data['reports_before']} reports before the run).",
        "",
        f"* **Setup:** gunicorn {cfg['gunicorn_version']}, {cfg['workers']} sync workers (`deploy/gunicorn.conf.py`), "
        f"`zhenggai db_worker`, PostgreSQL {cfg['postgres_version']} on 127.0.0.1, `ZHENGGAI_PROFILE=production` "
        "(DEBUG off), every request sent as nginx forwards it (X-Forwarded-Proto https).",
        f"* **Users:** {cfg['users']} ({_classes(cfg['kinds'])}), think time {_think(cfg['think_ms'])}; bounds "
        f"{cfg['duration']:g} s or {cfg['max_requests']} requests. Machine {quiet.get('busy_percent_before_run', '?')} "
        f"% busy just before the window.",
        f"* **Window:** {window['seconds']:.1f} s, {window['requests']} requests (ended by {window['ended_by']}): "
        f"**{overall['per_second']} requests/s**; p50 {overall['p50_ms']} ms, p95 {overall['p95_ms']} ms, "
        f"p99 {overall['p99_ms']} ms at the client; inside a gunicorn worker p50 {worker['p50']} ms, p95 "
        f"{worker['p95']} ms, p99 {worker['p99']} ms (the difference is waiting for a free worker).",
        f"* **Errors:** {overall['errors']} ({_classes(result['figures']['errors_by_class'])}); client errors "
        f"{window['client_errors']}; expected 409 on retried reports: {result['figures']['expected_4xx']}.",
        f"* **Writes:** {_writes(result)}.",
        f"* **Verified in the database:** lost {ver['lost']}, duplicated {ver['duplicated']}, unacknowledged "
        f"stored twice {ver['unacknowledged_twice']}, stored other than acknowledged {ver['mismatched']}, unknown "
        f"markers {ver['unknown_markers_in_db']}, resubmission rounds off {ver['resubmissions']['mismatched_requests']}"
        f" → **{'OK' if ver['ok'] else 'FAILED'}**.",
        f"* **Task worker:** {tasks['enqueued']} tasks enqueued during the run ({_classes(tasks['by_status'])}); "
        f"queue empty {tasks['drain_seconds_after_run']} s after the window.",
        f"* **CPU** (share of both cores over the window): {_cpu(result['cpu'])}.",
        "",
        "Latency at the client in ms; *in worker*: the time inside the gunicorn worker from its access log "
        "(there the retries count with the API reports):",
        "",
        "| request | n | per s | p50 | p95 | p99 | max | in worker p50 / p95 | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    by_kind = result["server_log"].get("in_worker_ms_by_kind", {})
    by_kind = {kind.split(" ")[0]: row for kind, row in by_kind.items()}
    rows = [("**all**", overall), ("reads", result["figures"]["reads"]), ("writes", result["figures"]["writes"])]
    rows += list(result["figures"]["by_kind"].items())
    for name, row in rows:
        inside = by_kind.get(name) or (worker if name == "**all**" else None)
        cell = f"{inside['p50']} / {inside['p95']}" if inside else ""
        lines.append(
            f"| {name} | {row['requests']} | {row['per_second']} | {row['p50_ms']} | {row['p95_ms']} | "
            f"{row['p99_ms']} | {row['max_ms']} | {cell} | {row['errors']} |"
        )
    return "\n".join(lines) + "\n"


def _think(ms: float) -> str:
    return f"{ms:g} ms on average" if ms else "none (each user sends its next request as soon as it has the answer)"


def _classes(counter: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in counter.items()) or "none"


def _writes(result: dict[str, Any]) -> str:
    return "; ".join(
        f"{kind} {row['acknowledged']} acknowledged / {row['not_acknowledged']} not"
        for kind, row in result["writes"].items()
    )


def _cpu(cpu: dict[str, Any]) -> str:
    parts = [f"{name} {value} %" for name, value in cpu["by_process_percent"].items()]
    return f"machine busy {cpu['machine_busy_percent']} %, of which " + ", ".join(parts)
