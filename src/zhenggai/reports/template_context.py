"""What an office's own .docx report template can say: the names its placeholders may use.

An uploaded template is a Word document with docxtpl placeholders (Jinja2 syntax): ``{{ summary }}``
prints a value, ``{% for c in categories %}…{% endfor %}`` repeats (``{%p … %}`` repeats a whole
paragraph, ``{%tr … %}`` a table row), ``{% if overdue %}…{% endif %}`` tests. It is rendered from
``docx_report.compose()`` — the same numbers and summary the built-in report prints — by
``build_context(content, title=…, issuer=…)``; nothing here reads the database.

Top-level names (``REFERENCE`` below lists them for the upload page; a test keeps the three in step):

=================== ===========================================================================
``title``           the report title typed when generating
``issuer``          who issues it (default: the plan's jurisdiction)
``plan_title``      the plan's title
``as_of``           the report date in Chinese, e.g. 2026年3月15日
``as_of_iso``       the same date as 2026-03-15
``summary``         the summary paragraph, exactly as the built-in report prints it
``tasks_total``     number of rectification tasks (整改任务)
``measures_total``  number of concrete measures (具体整改措施)
``completed``       tasks completed (完成整改 or 完成交账销号) by the report date
``completion_rate`` ``completed`` as a share of all tasks, e.g. 33.3% (— when there are none)
``overdue_count``   tasks past their deadline and not completed
``behind_count``    tasks behind the expected pace (未达到序时进度)
``categories``      list of categories, each ``{title, name, tasks, measures, problems}``: ``name``
                    is the title without its leading number (一、), ``tasks``/``measures`` the
                    counts of that category
``overdue``         list of the overdue problems (same shape as a category's problems)
``behind``          list of the problems behind pace
``stats``           the statistics engine's full result, ``Statistics.to_dict()`` (e.g.
                    ``stats.tasks.by_pace.behind``, ``stats.completion.all_tasks.value``)
=================== ===========================================================================

A problem is ``{number, title, deadline, status, progress, measures}``: ``number`` as written
(第1项), ``deadline`` the 整改时限 as written, ``status`` its 整改进度 on the report date (达到序时进度,
完成整改, 长期坚持 …), ``progress`` its own 整改进展 when it has no measures (else empty) and
``measures`` a list of ``{number, text, deadline, progress}``, ``progress`` being the measure's
latest 整改进展 submitted by the report date.

Templates are rendered in Jinja2's sandbox (no access to Python internals: an office's template is
code run on the server) with strict undefined values: a misspelt name or attribute is an error
shown to the office, never a silently empty place in an official document. Values are XML-escaped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from zhenggai.core.schedule import PACE_LABELS, Pace
from zhenggai.reports.docx_report import ProblemEntry, ReportContent, chinese_date
from zhenggai.stats.engine import DUE_BY, Counts, Rate, Statistics, UnitStats
from zhenggai.stats.phrasing import percent_text

__all__ = ["REFERENCE", "ContextName", "build_context", "sample_context"]

_LEADING_NUMBER = re.compile(r"^\s*(?:[一二三四五六七八九十百]+[、.．]|[（(][一二三四五六七八九十百]+[）)])\s*")


@dataclass(frozen=True)
class ContextName:
    """One name a template may use, as the upload page lists it."""

    name: str
    description: Promise
    example: str


REFERENCE: list[ContextName] = [
    ContextName("title", _("The report title typed when generating"), "{{ title }}"),
    ContextName("issuer", _("Who issues the report (default: the plan's jurisdiction)"), "{{ issuer }}"),
    ContextName("plan_title", _("The plan's title"), "{{ plan_title }}"),
    ContextName("as_of", _("The report date in Chinese, e.g. 2026年3月15日"), "截至{{ as_of }}"),
    ContextName("as_of_iso", _("The report date as YYYY-MM-DD"), "{{ as_of_iso }}"),
    ContextName("summary", _("The summary paragraph, exactly as the built-in report prints it"), "{{ summary }}"),
    ContextName("tasks_total", _("Number of rectification tasks"), "共{{ tasks_total }}项"),
    ContextName("measures_total", _("Number of concrete measures"), "{{ measures_total }}项措施"),
    ContextName("completed", _("Tasks completed by the report date"), "已完成{{ completed }}项"),
    ContextName(
        "completion_rate", _("Completed tasks as a share of all tasks, as a percentage"), "{{ completion_rate }}"
    ),
    ContextName("overdue_count", _("Tasks past their deadline and not completed"), "{{ overdue_count }}"),
    ContextName("behind_count", _("Tasks behind the expected pace"), "{{ behind_count }}"),
    ContextName(
        "categories",
        _(
            "Categories: title, name (without its number), tasks, measures, problems. A problem: number, title, "
            "deadline, status, progress, measures; a measure: number, text, deadline, progress"
        ),
        "{% for c in categories %}{{ c.name }}：{{ c.tasks }}项{% endfor %}",
    ),
    ContextName(
        "overdue",
        _("The overdue problems (same fields as a category's problems)"),
        "{% for p in overdue %}{{ p.title }}（{{ p.deadline }}）{% endfor %}",
    ),
    ContextName(
        "behind", _("The problems behind pace (same fields)"), "{% for p in behind %}{{ p.title }}{% endfor %}"
    ),
    ContextName("stats", _("Every figure of the statistics engine"), "{{ stats.tasks.by_pace.behind }}"),
]


def _problem(entry: ProblemEntry) -> dict:
    return {
        "number": entry.number,
        "title": entry.title,
        "deadline": entry.deadline,
        "status": entry.pace_label,
        "progress": entry.progress,
        "measures": [
            {"number": m.number, "text": m.text, "deadline": m.deadline, "progress": m.progress} for m in entry.measures
        ],
    }


def build_context(content: ReportContent, *, title: str, issuer: str) -> dict:
    """The names of the module docstring, from ``compose()``'s output (no query)."""
    stats = content.stats
    problems: dict[int, dict] = {}

    def problem(entry: ProblemEntry) -> dict:
        # The same problem in a category and in ``overdue`` is the same dict.
        if entry.problem_id not in problems:
            problems[entry.problem_id] = _problem(entry)
        return problems[entry.problem_id]

    everything = stats.completion["all_tasks"]
    return {
        "title": title,
        "issuer": issuer,
        "plan_title": content.plan_title,
        "as_of": chinese_date(content.as_of),
        "as_of_iso": content.as_of.isoformat(),
        "summary": content.summary,
        "tasks_total": stats.tasks.total,
        "measures_total": stats.measures.total,
        "completed": everything.numerator,
        "completion_rate": percent_text(everything.numerator, everything.denominator),
        "overdue_count": len(stats.overdue),
        "behind_count": len(stats.behind),
        "categories": [
            {
                "title": category,
                "name": _LEADING_NUMBER.sub("", category) or category,
                "tasks": stats.tasks.by_category.get(category, 0),
                "measures": stats.measures.by_category.get(category, 0),
                "problems": [problem(entry) for entry in entries],
            }
            for category, entries in content.categories
        ],
        "overdue": [problem(entry) for entry in content.overdue],
        "behind": [problem(entry) for entry in content.behind],
        "stats": stats.to_dict(),
    }


def sample_context() -> dict:
    """A made-up context of the same shape, used to try a template when it is uploaded.

    Its ``stats`` come from the engine's own classes (one task, behind pace, overdue), so a new
    figure of the engine appears here without a change."""
    day = date(2026, 3, 15)
    measure = {"number": "1.", "text": "开展排查整治", "deadline": "2026年3月1日前", "progress": "已完成排查。"}
    problem = {
        "number": "第1项",
        "title": "示例问题",
        "deadline": "2026年3月1日前",
        "status": PACE_LABELS[Pace.BEHIND],
        "progress": "",
        "measures": [measure],
    }
    category = "一、示例类别"
    tasks, measures = Counts(), Counts()
    for counts in (tasks, measures):
        counts.add(Pace.BEHIND, DUE_BY, category, ["示例县人民政府"], 1)
    rate = Rate.of("all tasks", day, [1], set())
    unit = UnitStats(1, "示例县人民政府", 1, 0, Rate.of("completed tasks with a due date", day, [], set()), None)
    stats = Statistics(day, tasks, measures, {"all_tasks": rate, "due_by_as_of": rate}, [1], [1], [unit])
    return {
        "title": "示例报告",
        "issuer": "示例市",
        "plan_title": "示例整改方案",
        "as_of": chinese_date(day),
        "as_of_iso": day.isoformat(),
        "summary": "《示例整改方案》共明确1项整改任务、1项具体整改措施。",
        "tasks_total": 1,
        "measures_total": 1,
        "completed": 0,
        "completion_rate": percent_text(0, 1),
        "overdue_count": 1,
        "behind_count": 1,
        "categories": [{"title": category, "name": "示例类别", "tasks": 1, "measures": 1, "problems": [problem]}],
        "overdue": [problem],
        "behind": [problem],
        "stats": stats.to_dict(),
    }
