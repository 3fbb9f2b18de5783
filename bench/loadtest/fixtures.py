"""Django side of the load test: prepare what the simulated users need, and verify their writes afterwards.

    python bench/loadtest/fixtures.py prepare --out PLAN.json [--requests 40]
    python bench/loadtest/fixtures.py verify --plan PLAN.json --writes WRITES.json --since ISO --out VERIFY.json

Runs against the database in DATABASE_URL (the runner passes ``zhenggai_load``). ``prepare`` works on
whatever data is loaded (the demo, or a generated data set): it picks the accounts of each role that
see something, gives them the load-test password, publishes the approved plans to the portal, asks for
acceptance of every problem that may be asked for (through ``acceptance.actions.request_acceptance``,
so the requests wait at their first step like real ones), and hands each reportable item to exactly one
account, so two simulated users never race for the same report slot by accident. ``verify`` counts the
writes by their marker in the database and compares them with what the client was told.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

MARKER = re.compile(r"LT-[0-9a-f]{32}")
# Accounts per role given to the simulated users (the demo has fewer; a generated data set has many).
ACCOUNTS_PER_ROLE = 4
# Users of a role looked at when choosing the accounts.
CANDIDATES = 200
# Items whose visible problems are listed for the detail pages (random picks among them).
VISIBLE_SAMPLE = 300


def setup_django() -> None:
    """Settings come from the environment the runner sets (DATABASE_URL, ZHENGGAI_PROFILE …)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenggai.config.settings")
    import django

    django.setup()


# --- prepare -------------------------------------------------------------------------------------------


def _accounts(password: str) -> dict[str, dict[str, Any]]:
    """Up to ACCOUNTS_PER_ROLE active users of each role that see at least one problem — offices and
    reviewers in id order (the higher levels first), units and supervisors those that see the most among the
    first CANDIDATES — with the load-test password (the database is a throwaway copy)."""
    from django.contrib.auth import get_user_model

    from zhenggai.accounts.choices import Role
    from zhenggai.ledger.models import Problem

    chosen: dict[str, dict[str, Any]] = {}
    users = get_user_model().objects.filter(is_active=True, is_superuser=False).select_related("unit")
    for role in (Role.OFFICE, Role.REVIEWER, Role.UNIT, Role.SUPERVISOR):
        seen = []
        for user in users.filter(role=role).order_by("pk")[:CANDIDATES]:
            visible = list(
                Problem.objects.visible_to(user).order_by("pk").values_list("pk", flat=True)[:VISIBLE_SAMPLE]
            )
            if visible:
                seen.append((user, visible))
            if role in (Role.OFFICE, Role.REVIEWER) and len(seen) == ACCOUNTS_PER_ROLE:
                break
        if role in (Role.UNIT, Role.SUPERVISOR):
            seen.sort(key=lambda pair: -len(pair[1]))
        for user, visible in seen[:ACCOUNTS_PER_ROLE]:
            user.set_password(password)
            user.save(update_fields=["password"])
            chosen[user.username] = {
                "role": str(role),
                "unit_level": getattr(user.unit, "level", ""),
                "problems": visible,
            }
    return chosen


def _admin():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(is_superuser=True, is_active=True).order_by("pk").first()


def _publish_plans(admin) -> list[str]:
    """Publish every approved plan (with its tasks) so that the portal has item pages; return the codes."""
    from zhenggai.ledger.models import Plan
    from zhenggai.portal import actions as portal
    from zhenggai.portal.models import PublishedItem

    for plan in Plan.objects.order_by("pk"):
        if portal.plan_publishable(plan):
            portal.publish_plan(plan, acting_user=admin)
    return list(
        PublishedItem.objects.filter(withdrawn_at__isnull=True, current_version__gt=0).values_list("code", flat=True)
    )


def _report_targets(accounts: dict[str, dict[str, Any]]) -> dict[str, list[tuple[int, int | None]]]:
    """Each reportable item (a measure, or a problem without measures) of an open problem, given to the first
    reporting account (units before offices) that may report on it."""
    from django.contrib.auth import get_user_model

    from zhenggai.ledger.choices import ItemStatus
    from zhenggai.ledger.models import Problem
    from zhenggai.progress.actions import can_report

    users = {u.username: u for u in get_user_model().objects.filter(username__in=accounts)}
    reporters = sorted(
        (name for name in accounts if accounts[name]["role"] in ("unit", "office")),
        key=lambda n: (accounts[n]["role"] != "unit", n),
    )
    targets: dict[str, list[tuple[int, int | None]]] = {name: [] for name in reporters}
    visible = {name: set(accounts[name]["problems"]) for name in reporters}
    open_problems = Problem.objects.filter(pk__in=set().union(*visible.values())).exclude(status=ItemStatus.SIGNED_OFF)
    for problem in open_problems.prefetch_related("measures").order_by("pk"):
        able = [name for name in reporters if problem.pk in visible[name] and can_report(users[name], problem)]
        if not able:
            continue
        # Units first (they report in real life), then the account with the fewest items so far.
        units = [name for name in able if accounts[name]["role"] == "unit"] or able
        for item in [(problem.pk, m.pk) for m in problem.measures.all()] or [(problem.pk, None)]:
            name = min(units, key=lambda n: (len(targets[n]), n))
            targets[name].append(item)
    return {name: items for name, items in targets.items() if items}


def _page_slots(targets: dict[str, list[tuple[int, int | None]]]) -> tuple[dict[str, list], dict[str, list[str]]]:
    """The periods the report page offers for each target that have no current report yet (one page
    submission each), and every period start the API must avoid for that target."""
    from zhenggai.ledger.models import Problem
    from zhenggai.progress.forms import offered_periods
    from zhenggai.progress.models import ProgressReport

    problems = Problem.objects.select_related("plan").in_bulk({p for items in targets.values() for p, _m in items})
    offered = {}
    existing: dict[tuple[int, int | None], set[date]] = defaultdict(set)
    for problem_id, measure_id, start in ProgressReport.objects.filter(problem_id__in=problems).values_list(
        "problem_id", "measure_id", "period_start"
    ):
        existing[(problem_id, measure_id)].add(start)
    slots: dict[str, list] = {}
    avoid: dict[str, list[str]] = {}
    for name, items in targets.items():
        slots[name] = []
        for problem_id, measure_id in items:
            plan = problems[problem_id].plan
            if plan.pk not in offered:
                offered[plan.pk] = [period.start for period in offered_periods(plan)]
            done = existing[(problem_id, measure_id)]
            slots[name] += [[problem_id, measure_id, s.isoformat()] for s in offered[plan.pk] if s not in done]
            avoid[f"{problem_id}:{measure_id}"] = sorted(s.isoformat() for s in done | set(offered[plan.pk]))
    return slots, avoid


def _acceptance_requests(accounts: dict[str, dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    """Ask for acceptance of every problem that may be asked for (up to ``limit``) by a unit account whose
    request some other chosen account may decide at the first step."""
    from django.contrib.auth import get_user_model
    from django.core.exceptions import PermissionDenied, ValidationError

    from zhenggai.acceptance import actions, rules
    from zhenggai.acceptance.choices import CHECKLIST, RequestStatus
    from zhenggai.acceptance.models import AcceptanceRequest
    from zhenggai.acceptance.subjects import subject_for
    from zhenggai.core.errors import ConflictError
    from zhenggai.ledger.choices import ItemStatus
    from zhenggai.ledger.models import Problem

    users = {u.username: u for u in get_user_model().objects.filter(username__in=accounts).select_related("unit")}
    # Unit accounts only: the acceptance pages offer requests and resubmissions to unit users (the action
    # would take an office too, acceptance.views.common.may_request does not).
    requesters = sorted(name for name in users if accounts[name]["role"] == "unit")
    deciders = [name for name in users if accounts[name]["role"] in ("office", "reviewer")]
    busy = AcceptanceRequest.objects.exclude(status=RequestStatus.SIGNED_OFF).values("problem_id")
    candidates = Problem.objects.exclude(status=ItemStatus.SIGNED_OFF).exclude(pk__in=busy).order_by("pk")
    made = _waiting_requests(users, deciders, limit)
    seen = set().union(*(set(a["problems"]) for a in accounts.values())) if accounts else set()
    candidates = candidates.filter(pk__in=seen)
    for problem in candidates.select_related("plan__jurisdiction"):
        if len(made) >= limit:
            break
        subject = subject_for(problem)
        if subject.request_errors():
            continue  # measures still open: the action would refuse it (and log the refusal)
        chain = subject.chain()
        step = chain.steps.order_by("position").first() if chain else None
        if step is None:
            continue
        for name in requesters:
            if problem.pk not in accounts[name]["problems"] or not subject.may_request(users[name]):
                continue
            may = [d for d in deciders if d != name and rules.may_act(users[d], step, problem)]
            if not may:
                continue
            try:
                request = actions.request_acceptance(
                    problem,
                    acting_user=users[name],
                    report="负载测试的验收申请：各项整改措施已完成，自查合格。",
                    signed_by_head="负载测试",
                    checklist={key: True for key, _label in CHECKLIST},
                )
            except (PermissionDenied, ValidationError, ConflictError):
                continue
            made.append({"id": request.pk, "requester": name, "deciders": may, "round": request.round})
            break
    return made


def _waiting_requests(users: dict, deciders: list[str], limit: int) -> list[dict[str, Any]]:
    """Requests the data already holds — on problems or complaint cases — waiting at a review step that a
    chosen account sees and may decide (a generated data set has acceptance chains at every stage); the
    requester resubmits after a return only if it is one of the chosen unit accounts."""
    from zhenggai.acceptance import rules
    from zhenggai.acceptance.choices import RequestStatus, StepKind
    from zhenggai.acceptance.models import AcceptanceRequest

    related = ("problem__plan__jurisdiction", "case__batch__jurisdiction", "case__region", "chain", "requested_by")
    waiting = AcceptanceRequest.objects.filter(status=RequestStatus.IN_REVIEW).select_related(*related)
    visible = {d: set(AcceptanceRequest.objects.visible_to(users[d]).values_list("pk", flat=True)) for d in deciders}
    found = []
    for request in waiting.order_by("pk")[:500]:
        if len(found) >= limit // 2:
            break
        step = request.chain.steps.filter(position=request.position).first()
        if step is None or step.kind == StepKind.NOTICE:
            continue
        may = [
            d
            for d in deciders
            if request.pk in visible[d]
            and users[d].pk != request.requested_by_id
            and rules.may_act(users[d], step, request.item)
        ]
        if may:
            name = request.requested_by.username
            requester = name if name in users and users[name].role == "unit" else None
            found.append({"id": request.pk, "requester": requester, "deciders": may, "round": request.round})
    return found


def prepare(limit: int) -> dict[str, Any]:
    import secrets

    from django.utils import timezone

    from zhenggai.progress.models import ProgressReport

    password = "loadtest-" + secrets.token_urlsafe(12)
    accounts = _accounts(password)
    admin = _admin()
    codes = _publish_plans(admin) if admin else []
    targets = _report_targets(accounts)
    slots, avoid = _page_slots(targets)
    requests = _acceptance_requests(accounts, limit)
    # API reports go to single-day periods counting back from well before any period the page offers or
    # the data holds, so they cannot meet a page submission (the unique index would answer 409).
    earliest = ProgressReport.objects.order_by("period_start").values_list("period_start", flat=True).first()
    base = min(earliest or timezone.localdate(), timezone.localdate() - timedelta(days=400)) - timedelta(days=1)
    return {
        "password": password,
        "prepared_at": timezone.now().isoformat(),
        "accounts": accounts,
        "report_targets": {name: [list(item) for item in items] for name, items in targets.items()},
        "page_slots": slots,
        "api_avoid": avoid,
        "api_base_date": base.isoformat(),
        "requests": requests,
        "public_codes": codes,
    }


# --- verify --------------------------------------------------------------------------------------------


def _count(values) -> Counter:
    found: Counter = Counter()
    for text in values:
        found.update(MARKER.findall(text or ""))
    return found


def _task_summary(since: datetime, wait_seconds: float) -> dict[str, Any]:
    """Wait for the worker to drain the tasks enqueued since the run started; count them by status."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(enqueued_at__gte=since, status__in=("READY", "RUNNING"))
    started = time.monotonic()
    while waiting.exists() and time.monotonic() - started < wait_seconds:
        time.sleep(0.5)
    rows = DBTaskResult.objects.filter(enqueued_at__gte=since)
    by_status = Counter(rows.values_list("status", flat=True))
    failed = list(rows.filter(status="FAILED").values_list("task_path", "exception_class_path")[:10])
    return {
        "enqueued": sum(by_status.values()),
        "by_status": dict(by_status),
        "drain_seconds_after_run": round(time.monotonic() - started, 1),
        "failed_examples": failed,
        "by_task": dict(Counter(rows.values_list("task_path", flat=True))),
    }


def verify(plan: dict[str, Any], writes: list[dict[str, Any]], since: datetime, wait: float) -> dict[str, Any]:
    """0 lost, 0 duplicated: every acknowledged write once in the database, no write twice."""
    from zhenggai.acceptance.models import AcceptanceRequest, StepDecision
    from zhenggai.progress.models import ProgressReport

    tasks = _task_summary(since, wait)
    reports = ProgressReport.objects.filter(narrative__contains="LT-")
    report_rows = {}
    for pk, narrative, problem_id, measure_id, start in reports.values_list(
        "pk", "narrative", "problem_id", "measure_id", "period_start"
    ):
        for marker in MARKER.findall(narrative):
            report_rows.setdefault(marker, []).append((pk, problem_id, measure_id, start.isoformat()))
    decisions = StepDecision.objects.filter(opinion__contains="LT-")
    decision_rows = {}
    for pk, opinion, request_id in decisions.values_list("pk", "opinion", "request_id"):
        for marker in MARKER.findall(opinion):
            decision_rows.setdefault(marker, []).append((pk, request_id))

    originals = [w for w in writes if w["kind"] != "report_retry_api"]
    checks: dict[str, Any] = {"lost": [], "duplicated": [], "mismatched": [], "unacknowledged_twice": []}
    by_kind: dict[str, Counter] = defaultdict(Counter)
    for write in originals:
        marker = write["marker"]
        rows = (decision_rows if write["kind"] == "decide_api" else report_rows).get(marker, [])
        if write["kind"] == "resubmit_page":
            continue  # counted per request below (a resubmission overwrites the request's report text)
        state = "acknowledged" if write["acknowledged"] else "not_acknowledged"
        by_kind[write["kind"]][f"{state}_found_{min(len(rows), 2)}"] += 1
        if len(rows) > 1:
            checks["duplicated" if write["acknowledged"] else "unacknowledged_twice"].append(marker)
        if write["acknowledged"] and not rows:
            checks["lost"].append(marker)
        if write["acknowledged"] and len(rows) == 1 and not _matches(write, rows[0]):
            checks["mismatched"].append({"marker": marker, "sent": write, "found": rows[0]})
    retries = [w for w in writes if w["kind"] == "report_retry_api"]
    for write in retries:
        by_kind["report_retry_api"][
            f"status_{write['status']}_found_{min(len(report_rows.get(write['marker'], [])), 2)}"
        ] += 1
        if len(report_rows.get(write["marker"], [])) > 1:
            checks["duplicated"].append(write["marker"])

    sent_markers = {w["marker"] for w in writes}
    unknown = sorted(set(report_rows) - sent_markers) + sorted(set(decision_rows) - sent_markers)
    rounds = _rounds(plan, writes, AcceptanceRequest)
    return {
        "reports_with_marker_in_db": sum(len(v) for v in report_rows.values()),
        "decisions_with_marker_in_db": sum(len(v) for v in decision_rows.values()),
        "by_kind": {kind: dict(counter) for kind, counter in sorted(by_kind.items())},
        "lost": len(checks["lost"]),
        "duplicated": len(checks["duplicated"]),
        "unacknowledged_twice": len(checks["unacknowledged_twice"]),
        "mismatched": len(checks["mismatched"]),
        "unknown_markers_in_db": len(unknown),
        "resubmissions": rounds,
        "examples": {key: value[:5] for key, value in checks.items() if value}
        | ({"unknown": unknown[:5]} if unknown else {}),
        "tasks": tasks,
        "ok": not any(checks.values()) and not unknown and rounds["mismatched_requests"] == 0,
    }


def _matches(write: dict[str, Any], row: tuple) -> bool:
    """The row found is the one the client was told about (its id when the response named it)."""
    if write["kind"] == "decide_api":
        return row[1] == write["request"]
    pk, problem_id, measure_id, start = row
    same = (problem_id, measure_id, start) == (write["problem"], write["measure"], write["period_start"])
    return same and (write.get("id") in (None, pk))


def _rounds(plan: dict[str, Any], writes: list[dict[str, Any]], model) -> dict[str, Any]:
    """Each acknowledged resubmission starts one new round: final round = first round + acknowledged
    (+ at most the unacknowledged ones, which may or may not have happened)."""
    acked: Counter = Counter()
    unsure: Counter = Counter()
    for write in writes:
        if write["kind"] == "resubmit_page":
            (acked if write["acknowledged"] else unsure)[write["request"]] += 1
    first = {r["id"]: r["round"] for r in plan["requests"]}
    final = dict(model.objects.filter(pk__in=first).values_list("pk", "round"))
    bad = [
        {"request": pk, "first": first[pk], "final": final.get(pk), "acknowledged": acked[pk], "unsure": unsure[pk]}
        for pk in first
        if not (first[pk] + acked[pk] <= (final.get(pk) or 0) <= first[pk] + acked[pk] + unsure[pk])
    ]
    return {
        "acknowledged": sum(acked.values()),
        "not_acknowledged": sum(unsure.values()),
        "mismatched_requests": len(bad),
        "examples": bad[:5],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    prep = sub.add_parser("prepare")
    prep.add_argument("--out", type=Path, required=True)
    prep.add_argument("--requests", type=int, default=40, help="acceptance requests to open at most")
    check = sub.add_parser("verify")
    check.add_argument("--plan", type=Path, required=True)
    check.add_argument("--writes", type=Path, required=True)
    check.add_argument("--since", required=True, help="ISO time the measured run started (tasks enqueued after it)")
    check.add_argument("--wait", type=float, default=120, help="seconds to wait for the task queue to drain")
    check.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    setup_django()
    if args.command == "prepare":
        result = prepare(args.requests)
    else:
        result = verify(
            json.loads(args.plan.read_text()),
            json.loads(args.writes.read_text()),
            datetime.fromisoformat(args.since),
            args.wait,
        )
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1, default=str))


if __name__ == "__main__":
    main()
