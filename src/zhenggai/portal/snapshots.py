"""The whitelisted fields the portal's own publishers copy out of the live ledger.

These functions are the only place the portal reads the ledger, and they run only inside a publishing
action (``portal.actions``). Each returns a plain JSON dict with exactly the keys of its ``*_KEYS``
constant, so a field is public only once it is named here: no unit users, persons' names, evidence,
internal notes, cause analyses, assignments or measures leave the ledger.

* a plan: title, document number, issue date, jurisdiction name, and the summary paragraph in 003's
  phrasing (``stats.phrasing.summary_paragraph``: counts only) on the publishing day;
* a task (top-level problem): number, title, description, deadline as written, the public status (the
  pace ``progress.status.ledger_state`` gives on the publishing day, in its Chinese words — 完成交账销号
  for a signed-off task) and the narrative of the latest current problem-level progress report, if any;
* a notice (公示): the task it is about, its period and the link to its objection page (``/notices/…``).
"""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from zhenggai.acceptance.models import PublicNotice
from zhenggai.core.schedule import PACE_LABELS, Pace
from zhenggai.ledger.choices import ItemStatus
from zhenggai.ledger.models import Plan, Problem
from zhenggai.progress.models import ProgressReport
from zhenggai.progress.status import ledger_state
from zhenggai.stats.engine import statistics
from zhenggai.stats.phrasing import summary_paragraph

__all__ = [
    "NOTICE_KEYS",
    "PLAN_KEYS",
    "PROBLEM_KEYS",
    "notice_payload",
    "notice_title",
    "plan_payload",
    "problem_payloads",
    "public_tasks",
]

PLAN_KEYS = frozenset({"title", "doc_number", "issue_date", "jurisdiction", "summary", "as_of"})
PROBLEM_KEYS = frozenset({"number", "title", "description", "deadline", "status", "as_of", "progress"})
NOTICE_KEYS = frozenset({"problem", "starts_on", "ends_on", "objection_url"})


def plan_payload(plan: Plan, as_of: date) -> dict:
    """The plan's public fields on ``as_of`` (``jurisdiction`` must be loaded)."""
    jurisdiction = plan.jurisdiction.name
    stats = statistics(plan.problems.all(), as_of)
    return {
        "title": plan.title,
        "doc_number": plan.doc_number,
        "issue_date": plan.issue_date.isoformat() if plan.issue_date else "",
        "jurisdiction": jurisdiction,
        "summary": summary_paragraph(stats, jurisdiction),
        "as_of": as_of.isoformat(),
    }


def public_tasks(plan: Plan) -> list[Problem]:
    """The tasks a plan publishes: its top-level problems not merged into another, in plan order."""
    return list(
        plan.problems.filter(parent__isnull=True, merged_into__isnull=True)
        .order_by("position", "pk")
        .only("pk", "number", "number_text", "title", "description", "due_raw", "status", "plan_id")
    )


def _status_words(problem: Problem, pace: Pace | None) -> str:
    if problem.status == ItemStatus.SIGNED_OFF:
        return PACE_LABELS[Pace.SIGNED_OFF]
    return PACE_LABELS[pace] if pace else ""


def _latest_narratives(problem_ids: list[int]) -> dict[int, str]:
    """The narrative of each problem's latest current report on the problem as a whole (one query)."""
    rows = (
        ProgressReport.objects.filter(problem_id__in=problem_ids, measure__isnull=True, is_current=True)
        .order_by("problem_id", "-period_end", "-submitted_at", "-pk")
        .values_list("problem_id", "narrative")
    )
    latest: dict[int, str] = {}
    for problem_id, narrative in rows:
        latest.setdefault(problem_id, narrative)
    return latest


def problem_payloads(plan: Plan, tasks: list[Problem], as_of: date) -> dict[int, dict]:
    """Each task's public fields on ``as_of``, by problem id."""
    states = ledger_state(plan.problems.all(), as_of)
    narratives = _latest_narratives([task.pk for task in tasks])
    payloads = {}
    for task in tasks:
        state = states.get(task.pk)
        payloads[task.pk] = {
            "number": task.number_text or (str(task.number) if task.number else ""),
            "title": task.title,
            "description": task.description,
            "deadline": task.due_raw,
            "status": _status_words(task, state.pace if state else None),
            "as_of": as_of.isoformat(),
            "progress": narratives.get(task.pk, ""),
        }
    return payloads


def notice_title(notice: PublicNotice) -> str:
    """The public title of a notice: the task, or the complaint case (its number, region and pollution types
    only: ``CaseSubject.public_title``), as the notice's own text names it."""
    return notice.request.subject.public_title


def notice_payload(notice: PublicNotice) -> dict:
    return {
        "problem": notice_title(notice),
        "starts_on": notice.starts_on.isoformat(),
        "ends_on": notice.ends_on.isoformat(),
        "objection_url": reverse("notices:notice", args=[notice.code]),
    }
