"""The charts page (图表): ``/stats/charts/?plan=<id>&as_of=<date>`` draws the statistics engine's numbers
with ECharts — tasks by status, by lead unit, by region (and by province on a map of China when the
regions carry 行政区划代码), completions by month, warnings by grade.

Who sees what is the statistics page's rule: any signed-in user, over ``Problem.objects.visible_to(user)``;
a plan the user cannot see answers 404. The chart data travels inside the page (``json_script``): the
numbers are computed once for the page anyway (the text tables under the charts need them), so a JSON
endpoint would only add a second request and a second permission check that must agree with the first.
Every bar and slice links to its rows: the statistics page's ``?show=`` list, or for months, grades
and provinces (which that page does not list) this page's own ``?show=`` list.

Below them, when the user sees any, the complaint cases (by handling status, findings, pollution type) and
the persons held accountable (by rank, by sanction): every case the user sees (``Case.objects.visible_to``)
and every transferred problem (``TransferredProblem.objects.visible_to``, offices only), as they stand today.
The plan, unit and date above do not narrow them: the case list a bar opens (``/cases/list/?status=…``)
knows neither plans nor dates, and a bar must open exactly the rows it counts.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from urllib.parse import urlencode

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import QuerySet
from django.http import Http404
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from zhenggai.accountability.models import TransferredProblem
from zhenggai.accountability.stats import for_problems
from zhenggai.cases.models import Case
from zhenggai.cases.stats import case_list_url, case_statistics
from zhenggai.ledger.models import Plan, Problem
from zhenggai.organizations.choices import UnitLevel
from zhenggai.organizations.models import Unit
from zhenggai.progress.dashboard import state_counts
from zhenggai.progress.jobs import current_run
from zhenggai.progress.models import WarningItem
from zhenggai.progress.status import ledger_state
from zhenggai.stats.charts import (
    GradeCounts,
    accountability_charts,
    case_charts,
    chart_data,
    province_chart,
    rows_for,
)
from zhenggai.stats.engine import NO_REGION, statistics
from zhenggai.stats.forms import StatisticsForm
from zhenggai.stats.views import shown_rows

MAP_FILE = "vendor/echarts-map-4.9.0/china.json"  # provinces of China, feature ids = 行政区划代码
_REGION_LEVELS = (UnitLevel.COUNTY, UnitLevel.CITY, UnitLevel.PROVINCE)


@cache
def map_provinces() -> dict[str, str]:
    """Division code → name of each province on the vendored map (``530000`` → ``云南``), read once."""
    geo = json.loads((Path(__file__).resolve().parent.parent / "static" / MAP_FILE).read_text(encoding="utf-8"))
    return {feature["id"]: feature["properties"]["name"] for feature in geo["features"]}


def region_provinces(names: Iterable[str]) -> dict[str, str]:
    """Region name (``Counts.by_region``) → the division code of its province (the first two digits of the
    region unit's ``region_code`` + ``0000``), for the regions whose unit carries one (1 query, none
    without a region). A name two units of different provinces share is ambiguous and left off."""
    names = [name for name in names if name != NO_REGION]
    if not names:
        return {}
    found: dict[str, set[str]] = defaultdict(set)
    rows = Unit.objects.filter(name__in=names, level__in=_REGION_LEVELS).exclude(region_code="")
    for name, code in rows.values_list("name", "region_code"):
        if code[:2].isdigit():
            found[name].add(f"{code[:2]}0000")
    return {name: codes.pop() for name, codes in found.items() if len(codes) == 1}


def _append_once(ids: list[int], problem_id: int) -> None:
    if problem_id not in ids:
        ids.append(problem_id)


def warning_grades(
    user, problems: QuerySet[Problem], as_of, plan: Plan | None, states: dict | None = None
) -> GradeCounts:
    """Warnings by grade as the progress dashboard counts them: the stored run's items the user sees when
    the as-of date is today and the run is for today (1 query), else computed by ``ledger_state`` for the
    as-of date (its 7–11 queries). ``problems`` is already limited to what the user sees (and the plan)."""
    run = current_run()
    today = timezone.localdate()
    grades = GradeCounts()
    if run is not None and as_of == today == run.as_of:
        grades.from_run = True
        items = WarningItem.objects.filter(run=run).visible_to(user)
        if plan is not None:
            items = items.filter(plan=plan)
        for grade, problem_id in items.order_by("plan_id", "problem__position", "problem_id", "pk").values_list(
            "grade", "problem_id"
        ):
            grades.counts[grade] = grades.counts.get(grade, 0) + 1
            _append_once(grades.rows.setdefault(grade, []), problem_id)
        return grades
    states = states if states is not None else ledger_state(problems, as_of)
    grades.counts = dict(state_counts(states).by_grade)
    for state in states.values():
        for item in state.items:
            for _kind, grade, _reason in item.warnings:
                _append_once(grades.rows.setdefault(str(grade), []), state.problem_id)
    return grades


def case_link(key: str) -> str:
    """``cases:<parameter>:<value>`` → the case list filtered so (``cases:type:water`` → ``?type=water``)."""
    _cases, parameter, value = key.split(":", 2)
    return case_list_url(**{parameter: value})


def case_and_accountability_sections(user) -> dict[str, list[dict]]:
    """The charts of the cases and of accountability the user sees, today; a group is left out when the
    user sees no case, or no transferred problem. Two queries (the cases' columns; the transferred
    problems), one more when there is a transferred problem (its persons)."""
    sections = {}
    cases = case_statistics(Case.objects.visible_to(user), timezone.localdate(), with_units=False)
    if cases.total:
        sections["cases"] = case_charts(cases, case_link)
    numbers = for_problems(TransferredProblem.objects.visible_to(user))
    if numbers.problem_ids:
        sections["accountability"] = accountability_charts(numbers)
    return sections


class ChartsView(LoginRequiredMixin, TemplateView):
    """The statistics as charts for one plan (or every plan the user sees) on an as-of date, each chart
    with a table of the same numbers (readable without JavaScript) and each number linked to its rows."""

    template_name = "stats/charts.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        form = StatisticsForm(self.request.GET or None, user=user)
        if form.is_bound and "plan" in form.errors:
            raise Http404("No such plan among those the user sees.")
        as_of = form.as_of_date()
        problems, plan, _unit = form.select(Problem.objects.visible_to(user))
        stats = statistics(problems, as_of)
        grades = warning_grades(user, problems, as_of, plan, stats.states)
        base = {**form.link_params(), "as_of": as_of.isoformat()}
        statistics_url, charts_url = reverse("stats:statistics"), reverse("stats:charts")

        def stats_link(key: str) -> str:
            return f"{statistics_url}?{urlencode({**base, 'show': key})}#rows"

        def rows_link(key: str) -> str:
            return f"{charts_url}?{urlencode({**base, 'show': key})}#rows"

        province_of = region_provinces(stats.tasks.by_region)
        province_map = province_chart(stats, province_of, map_provinces(), rows_link, static(MAP_FILE))
        sections = case_and_accountability_sections(user)
        data = chart_data(
            stats, grades, stats_link=stats_link, rows_link=rows_link, province_map=province_map, sections=sections
        )
        show = self.request.GET.get("show", "")
        ids = (rows_for(stats, grades, show, province_of) or []) if show else []
        shown = shown_rows(ids)
        context.update(
            form=form,
            plan=plan,
            as_of=as_of,
            stats=stats,
            chart_data=data,
            charts=[data["charts"][chart_id] for chart_id in data["order"]],
            case_charts=sections.get("cases", []),
            accountability_charts=sections.get("accountability", []),
            statistics_link=f"{statistics_url}?{urlencode(base)}",
            show=show,
            shown=shown,
            shown_total=len(ids),
        )
        return context
