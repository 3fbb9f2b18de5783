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
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from zhenggai.progress.choices import Grade, Pace
from zhenggai.stats.engine import Statistics

__all__ = [
    "GRADE_COLORS",
    "PACE_COLORS",
    "GradeCounts",
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


def chart_data(
    stats: Statistics, grades: GradeCounts, *, stats_link: Link, rows_link: Link, province_map: dict | None = None
) -> dict:
    """Every chart of the page, in page order, keyed by id (the payload ``charts.js`` reads); the province
    map (``province_chart``'s result) after the regions when there is one."""
    charts = [
        pace_chart(stats, stats_link),
        lead_unit_chart(stats, stats_link),
        region_chart(stats, stats_link),
        *([province_map] if province_map else []),
        months_chart(stats, rows_link),
        grade_chart(grades, rows_link),
    ]
    return {
        "as_of": stats.as_of.isoformat(),
        "order": [c["id"] for c in charts],
        "charts": {c["id"]: c for c in charts},
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
