"""The statistics as a JSON document (``zhenggai stats --format json``, ``zhenggai report --format json``).

Every count says what it counts: ``problems`` and ``measures`` each have ``total`` and a ``basis`` (the
population), and every breakdown is ``{"basis", "counts"}`` — plus ``rows``, the problem ids behind each
number (keys as in ``Counts.rows``). Completion rates are ``Rate.to_dict()``: numerator, denominator,
their ids, the basis and the as-of date. ``summary`` is the report's summary paragraph.
"""

from __future__ import annotations

from zhenggai.ledger.models import Plan
from zhenggai.stats.engine import DEADLINE_GROUPS, Counts, Statistics
from zhenggai.stats.phrasing import summary_paragraph

__all__ = ["stats_document"]

POPULATION = {
    "problems": "tasks (整改任务): top-level problems of the selection, merged ones left out",
    "measures": "measures (整改措施) of every non-merged problem of the selection, aspects' included",
}


def _breakdowns(counts: Counts, stats: Statistics) -> dict:
    day, due_by = stats.as_of.isoformat(), (stats.due_by or stats.as_of).isoformat()
    return {
        "by_status": {
            "basis": f"pace on {day}: the ledger as it stood at the end of that day (zhenggai.core.schedule rules)",
            "counts": counts.by_pace,
        },
        "by_claimed": {
            "basis": f"the status the responsible unit last reported by {day} (整改进度); 'none': no report",
            "counts": counts.by_claimed,
        },
        "by_deadline": {
            "basis": f"deadline in force on {day}, grouped against the due-by date {due_by}",
            "labels": DEADLINE_GROUPS,
            "counts": counts.by_deadline,
        },
        "by_deadline_claimed": {
            "basis": "deadline group × the reported status (003's 'N项应完成的整改任务中M项全面完成')",
            "counts": counts.by_deadline_claimed,
        },
        "by_category": {"basis": "the task's category (未分类 without one)", "counts": counts.by_category},
        "by_lead_unit": {
            "basis": "every unit holding the problem-level lead role (a task with two counts under both)",
            "counts": counts.by_lead_unit,
        },
        "by_region": {
            "basis": "the nearest county, city or province on each lead unit's path (未指定地区 without a lead)",
            "counts": counts.by_region,
        },
        "by_level": {"basis": "the level of each lead unit", "counts": counts.by_level},
        "rows": counts.rows,
    }


def stats_document(stats: Statistics, *, plan: Plan | None = None, scope: str = "") -> dict:
    """``stats`` as plain JSON data (module docstring)."""
    data = stats.to_dict()
    return {
        "plan": {"id": plan.pk, "title": plan.title, "doc_number": plan.doc_number} if plan else None,
        "as_of": data["as_of"],
        "due_by": data["due_by"],
        "problems": {"total": stats.tasks.total, "basis": POPULATION["problems"], **_breakdowns(stats.tasks, stats)},
        "measures": {
            "total": stats.measures.total,
            "basis": POPULATION["measures"],
            **_breakdowns(stats.measures, stats),
        },
        "completion": data["completion"],
        "overdue": {"basis": f"tasks due before {data['as_of']} and not closed on it", "ids": stats.overdue},
        "behind": {"basis": "tasks whose pace is behind 序时进度", "ids": stats.behind},
        "units": data["units"],
        "completions_by_month": data["completions_by_month"],
        "summary": summary_paragraph(stats, scope),
    }
