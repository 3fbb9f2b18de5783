"""The charts page (图表): ``/stats/charts/?plan=<id>&as_of=<date>`` draws the statistics engine's numbers
with ECharts — tasks by status, by lead unit, by region, completions by month, warnings by grade.

Who sees what is the statistics page's rule: any signed-in user, over ``Problem.objects.visible_to(user)``;
a plan the user cannot see answers 404. The chart data travels inside the page (``json_script``): the
numbers are computed once for the page anyway (the text tables under the charts need them), so a JSON
endpoint would only add a second request and a second permission check that must agree with the first.
Every bar and slice links to its rows: the statistics page's ``?show=`` list, or for months and
grades (which that page does not list) this page's own ``?show=`` list.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from zhenggai.ledger.models import Plan, Problem
from zhenggai.progress.dashboard import state_counts
from zhenggai.progress.jobs import current_run
from zhenggai.progress.models import WarningItem
from zhenggai.progress.status import ledger_state
from zhenggai.stats.charts import GradeCounts, chart_data, rows_for
from zhenggai.stats.engine import statistics
from zhenggai.stats.forms import StatisticsForm

SHOW_LIMIT = 200  # rows listed under a chosen bar, as on the statistics page


def _append_once(ids: list[int], problem_id: int) -> None:
    if problem_id not in ids:
        ids.append(problem_id)


def warning_grades(user, problems: QuerySet[Problem], as_of, plan: Plan | None) -> GradeCounts:
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
    states = ledger_state(problems, as_of)
    grades.counts = dict(state_counts(states).by_grade)
    for state in states.values():
        for item in state.items:
            for _kind, grade, _reason in item.warnings:
                _append_once(grades.rows.setdefault(str(grade), []), state.problem_id)
    return grades


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
        plan = form.cleaned_data.get("plan") if form.is_valid() else None
        problems = Problem.objects.visible_to(user)
        if plan is not None:
            problems = problems.filter(plan=plan)
        stats = statistics(problems, as_of)
        grades = warning_grades(user, problems, as_of, plan)
        base = {**({"plan": plan.pk} if plan else {}), "as_of": as_of.isoformat()}
        statistics_url, charts_url = reverse("stats:statistics"), reverse("stats:charts")

        def stats_link(key: str) -> str:
            return f"{statistics_url}?{urlencode({**base, 'show': key})}#rows"

        def rows_link(key: str) -> str:
            return f"{charts_url}?{urlencode({**base, 'show': key})}#rows"

        data = chart_data(stats, grades, stats_link=stats_link, rows_link=rows_link)
        show = self.request.GET.get("show", "")
        ids = (rows_for(stats, grades, show) or []) if show else []
        shown = list(Problem.objects.filter(pk__in=ids[:SHOW_LIMIT]).select_related("plan", "parent")) if ids else []
        order = {pk: index for index, pk in enumerate(ids)}
        shown.sort(key=lambda problem: order[problem.pk])
        context.update(
            form=form,
            plan=plan,
            as_of=as_of,
            stats=stats,
            chart_data=data,
            charts=[data["charts"][chart_id] for chart_id in data["order"]],
            statistics_link=f"{statistics_url}?{urlencode(base)}",
            show=show,
            shown=shown,
            shown_total=len(ids),
        )
        return context
