"""The data of the charts page, built from a ``stats.engine.Statistics`` (and the warning grades).

Pure functions: no query, no request. Each chart is a plain dict, JSON as it stands, that the page
embeds with ``json_script`` and ``static/zhenggai/charts.js`` draws with ECharts; the same dict feeds
the text table under each chart, so the picture and the numbers cannot disagree::

    {"id": "lead_unit", "type": "bar", "title": "...", "total": 7,
     "items": [{"key": "tasks:unit:甲一县", "label": "甲一县", "value": 1, "url": "/stats/?...&show=..."}]}

``key`` names the rows behind a number: the statistics page's ``?show=`` keys (``tasks:pace:<p>``,
``tasks:unit:<name>``, ``tasks:region:<name>``) or the charts page's own (``month:YYYY-MM``,
``cumulative:YYYY-MM``, ``grade:<g>``, see ``rows_for``). ``url`` is where a click on the bar or
slice goes: the caller decides (``stats_link`` for keys the statistics page lists, ``rows_link`` for
the others).

The complaint-case charts (``case_charts``, from ``cases.stats.CaseStatistics``) use the keys
``cases:<parameter>:<value>``, the case list's own filter (``cases:status:closed`` is
``/cases/list/?status=closed``); the accountability charts (``accountability_charts``, from
``accountability.stats.AccountabilityStats``) ``persons:<rows key>`` (``persons:rank:bureau``), the key
its ``rows`` and ``rows_url`` take. An item whose ``url`` is empty has no list to open.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from zhenggai.accountability.choices import Rank, Sanction
from zhenggai.accountability.stats import AccountabilityStats
from zhenggai.cases.choices import CaseStatus, Findings, PollutionType
from zhenggai.cases.stats import CaseStatistics
from zhenggai.progress.choices import Grade, Pace
from zhenggai.stats.engine import Statistics

__all__ = [
    "CASE_STATUS_COLORS",
    "FINDINGS_COLORS",
    "GRADE_COLORS",
    "PACE_COLORS",
    "GradeCounts",
    "accountability_charts",
    "case_charts",
    "chart_data",
    "grade_chart",
    "lead_unit_chart",
    "months_chart",
    "pace_chart",
    "province_chart",
    "region_chart",
    "rows_for",
]

Link = Callable[[str], str]

# Bootstrap's primary / warning / danger, the colours of the grade badges on the warning pages.
GRADE_COLORS = {Grade.BLUE: "#0d6efd", Grade.YELLOW: "#ffc107", Grade.RED: "#dc3545"}
# A status keeps its colour whichever slices a plan has: behind in red, closed in greens, open in blues.
PACE_COLORS = {
    Pace.NOT_STARTED: "#adb5bd",
    Pace.BEHIND: "#dc3545",
    Pace.ON_PACE: "#0d6efd",
    Pace.AHEAD: "#0dcaf0",
    Pace.COMPLETED: "#20c997",
    Pace.SIGNED_OFF: "#198754",
    Pace.LONG_TERM: "#6f42c1",
    Pace.IMMEDIATE: "#fd7e14",
    "none": "#dee2e6",
}

# Cases: still being handled in blue, reported back in orange, closed in greens (as the tasks' paces).
CASE_STATUS_COLORS = {
    CaseStatus.IN_PROGRESS: "#0d6efd",
    CaseStatus.STAGE_CLOSED: "#fd7e14",
    CaseStatus.CLOSED: "#20c997",
    CaseStatus.SIGNED_OFF: "#198754",
}
# Findings: true in red, partly in yellow, untrue grey, not investigated yet light grey.
FINDINGS_COLORS = {Findings.TRUE: "#dc3545", Findings.PARTLY: "#ffc107", Findings.UNTRUE: "#6c757d", "": "#dee2e6"}


@dataclass
class GradeCounts:
    """Warnings by grade and the problems that carry them (ledger order), as the dashboard counts them.

    ``counts`` counts warnings (a problem with two red warnings adds two), ``rows`` lists each problem
    once per grade; ``from_run`` says the numbers are the stored warning run's, not computed."""

    counts: dict[str, int] = field(default_factory=dict)
    rows: dict[str, list[int]] = field(default_factory=dict)
    from_run: bool = False


def _item(key: str, label: str, value: int, url: str, **extra) -> dict:
    return {"key": key, "label": str(label), "value": value, "url": url, **extra}


def _ranked(counts: dict[str, int]) -> list[tuple[str, int]]:
    """Non-zero counts, largest first, then by name (a stable order for bars)."""
    return sorted(((name, n) for name, n in counts.items() if n), key=lambda entry: (-entry[1], entry[0]))


def pace_chart(stats: Statistics, stats_link: Link) -> dict:
    """Tasks by status (pie), in ``Pace`` order, zero slices left out."""
    items = []
    for key, count in stats.tasks.by_pace.items():
        if count:
            label = Pace(key).label if key in Pace.values else _("No status")
            url = stats_link(f"tasks:pace:{key}")
            items.append(_item(f"tasks:pace:{key}", label, count, url, color=PACE_COLORS.get(key, "#dee2e6")))
    return {"id": "pace", "type": "pie", "title": _("Tasks by status"), "total": stats.tasks.total, "items": items}


def _bars(chart_id: str, title: str, stats: Statistics, field_name: str, kind: str, stats_link: Link) -> dict:
    counts = getattr(stats.tasks, field_name)
    items = [_item(f"tasks:{kind}:{name}", name, n, stats_link(f"tasks:{kind}:{name}")) for name, n in _ranked(counts)]
    return {"id": chart_id, "type": "bar", "title": title, "total": stats.tasks.total, "items": items}


def lead_unit_chart(stats: Statistics, stats_link: Link) -> dict:
    """Tasks by lead unit (bars, most tasks first). A task with two lead units counts under both."""
    return _bars("lead_unit", _("Tasks by lead unit"), stats, "by_lead_unit", "unit", stats_link)


def region_chart(stats: Statistics, stats_link: Link) -> dict:
    """Tasks by region of the first lead unit (bars, most tasks first)."""
    return _bars("region", _("Tasks by region"), stats, "by_region", "region", stats_link)


def _province_rows(stats: Statistics, province_of: dict[str, str]) -> dict[str, list[int]]:
    """Each province's tasks (ledger order, each once): the tasks of the regions placed in it."""
    members: dict[str, set[int]] = {}
    for region, province in province_of.items():
        members.setdefault(province, set()).update(stats.tasks.rows.get(f"region:{region}", []))
    order = stats.completion["all_tasks"].denominator_ids if "all_tasks" in stats.completion else []
    return {code: [pk for pk in order if pk in ids] for code, ids in members.items()}


def province_chart(
    stats: Statistics, province_of: dict[str, str], provinces: dict[str, str], rows_link: Link, geo_url: str
) -> dict | None:
    """Tasks by province on the map of China, or ``None`` (no map) when no region of the chart's tasks
    carries a province the map knows. ``province_of`` maps a region name (``by_region``) to the
    province's division code (``530000``), ``provinces`` a division code to the map's name (``云南``).
    A task counts once per province, however many of its lead units' regions lie in it."""
    rows = {code: ids for code, ids in _province_rows(stats, province_of).items() if code in provinces and ids}
    if not rows:
        return None
    items = [
        _item(f"province:{code}", provinces[code], len(ids), rows_link(f"province:{code}"), code=code)
        for code, ids in sorted(rows.items(), key=lambda entry: (-len(entry[1]), entry[0]))
    ]
    return {
        "id": "province",
        "type": "map",
        "title": _("Tasks by province"),
        "total": stats.tasks.total,
        "geo_url": geo_url,
        "items": items,
    }


UNDATED = "undated"  # the engine's month None: tasks closed by a report whose date is unknown


def _month_key(month: dict) -> str:
    return month["month"] or UNDATED


def months_chart(stats: Statistics, rows_link: Link) -> dict:
    """Tasks completed each month (bars; a task counts in the month of its first completion) and the
    running total (line). A bar lists that month's tasks, a point of the line every task up to it. The
    engine's last entry without a month (closed, date unknown) becomes a bar labelled so."""
    items = [
        _item(
            f"month:{_month_key(month)}",
            month["month"] or _("Date unknown"),
            month["completed"],
            rows_link(f"month:{_month_key(month)}"),
            cumulative=month["cumulative"],
            cumulative_url=rows_link(f"cumulative:{_month_key(month)}"),
        )
        for month in stats.completions_by_month
    ]
    total = items[-1]["cumulative"] if items else 0
    return {
        "id": "months",
        "type": "months",
        "title": _("Completions by month"),
        "total": total,
        "series": {"value": _("Completed in the month"), "cumulative": _("Completed in total")},
        "items": items,
    }


def grade_chart(grades: GradeCounts, rows_link: Link) -> dict:
    """Warnings by grade (bars 蓝签 / 黄牌 / 红灯, zeros kept so the three always show)."""
    items = [
        _item(
            f"grade:{value}", label, grades.counts.get(value, 0), rows_link(f"grade:{value}"), color=GRADE_COLORS[value]
        )
        for value, label in Grade.choices
    ]
    return {
        "id": "grade",
        "type": "bar",
        "title": _("Warnings by grade"),
        "total": sum(item["value"] for item in items),
        "from_run": grades.from_run,
        "items": items,
    }


def case_charts(stats: CaseStatistics, case_link: Link) -> list[dict]:
    """Complaint cases by handling status (pie), by findings (pie, 尚未核查 included) and by pollution type
    (bars, most cases first; a case of two types counts under both), zero slices and bars left out.
    ``case_link`` turns a ``cases:<parameter>:<value>`` key into the case list's URL."""

    def item(parameter: str, value: str, label, count: int, **extra) -> dict:
        key = f"cases:{parameter}:{value}"
        return _item(key, label, count, case_link(key), **extra)

    status = [
        item("status", value, label, stats.by_status.get(value, 0), color=CASE_STATUS_COLORS[value])
        for value, label in CaseStatus.choices
        if stats.by_status.get(value)
    ]
    findings = [
        # The list asks for ``none`` where the findings are still empty.
        item("findings", value or "none", label, stats.by_findings.get(value, 0), color=FINDINGS_COLORS[value])
        for value, label in [("", _("Not investigated yet")), *Findings.choices]
        if stats.by_findings.get(value)
    ]
    labels = dict(PollutionType.choices)
    types = [item("type", code, labels.get(code, code), n) for code, n in _ranked(stats.by_pollution_type)]
    total = stats.total
    return [
        {"id": "case_status", "type": "pie", "title": _("Cases by handling status"), "total": total, "items": status},
        {"id": "case_findings", "type": "pie", "title": _("Cases by findings"), "total": total, "items": findings},
        {"id": "case_type", "type": "bar", "title": _("Cases by pollution type"), "total": total, "items": types},
    ]


def accountability_charts(numbers: AccountabilityStats) -> list[dict]:
    """Persons held accountable by rank (pie, zero slices left out) and by sanction (bars, the four kinds
    always shown, as 003 names them). Each number links where ``numbers.rows_url`` lists its persons."""

    def item(kind: str, value: str, label, ids: list[int]) -> dict:
        return _item(f"persons:{kind}:{value}", label, len(ids), numbers.rows_url(f"{kind}:{value}"))

    ranks = [item("rank", value, label, numbers.by_rank[value]) for value, label in Rank.choices]
    sanctions = [item("sanction", value, label, numbers.by_sanction[value]) for value, label in Sanction.choices]
    total = len(numbers.person_ids)
    return [
        {
            "id": "person_rank",
            "type": "pie",
            "title": _("Persons held accountable by rank"),
            "total": total,
            "items": [entry for entry in ranks if entry["value"]],
        },
        {
            "id": "person_sanction",
            "type": "bar",
            "title": _("Persons held accountable by sanction"),
            "total": total,
            # Bars in the choices' order (not ranked), the order of 003's sentence; zeros kept.
            "items": sanctions if total else [],
        },
    ]


def chart_data(
    stats: Statistics,
    grades: GradeCounts,
    *,
    stats_link: Link,
    rows_link: Link,
    province_map: dict | None = None,
    sections: dict[str, list[dict]] | None = None,
) -> dict:
    """Every chart of the page, in page order, keyed by id (the payload ``charts.js`` reads); the province
    map (``province_chart``'s result) after the regions when there is one. ``order`` lists the problem
    charts; ``sections`` adds further groups of charts (``{"cases": case_charts(...)}``), their ids under
    ``sections`` in the payload and the charts themselves under ``charts`` with the others."""
    charts = [
        pace_chart(stats, stats_link),
        lead_unit_chart(stats, stats_link),
        region_chart(stats, stats_link),
        *([province_map] if province_map else []),
        months_chart(stats, rows_link),
        grade_chart(grades, rows_link),
    ]
    more = sections or {}
    return {
        "as_of": stats.as_of.isoformat(),
        "order": [c["id"] for c in charts],
        "sections": {name: [c["id"] for c in group] for name, group in more.items()},
        "charts": {c["id"]: c for c in [*charts, *(c for group in more.values() for c in group)]},
    }


def rows_for(
    stats: Statistics, grades: GradeCounts, key: str, province_of: dict[str, str] | None = None
) -> list[int] | None:
    """The problem ids behind one of the charts page's own keys (``month:YYYY-MM``, ``cumulative:YYYY-MM``,
    ``grade:<g>``, ``province:<code>``) in ledger order within each month; ``None`` for a key that is not
    one of them."""
    kind, _sep, value = key.partition(":")
    if kind == "province":
        return _province_rows(stats, province_of or {}).get(value, [])
    if kind == "grade":
        return grades.rows.get(value, []) if value in Grade.values else None
    if kind in ("month", "cumulative"):
        ids: list[int] = []
        for month in stats.completions_by_month:
            if kind == "cumulative" or _month_key(month) == value:
                ids.extend(month["problem_ids"])
            if _month_key(month) == value:
                return ids
        return []
    return None
