"""The statistics page (统计): every number of ``stats.engine.statistics`` for the problems the user sees
(one plan, or all), on any as-of date, each number a link to the rows behind it (``?show=<key>``)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.mixins import LoginRequiredMixin
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from zhenggai.ledger.models import Problem
from zhenggai.progress.choices import Pace
from zhenggai.stats.engine import DEADLINE_GROUPS
from zhenggai.stats.forms import StatisticsForm
from zhenggai.stats.stored import serve_statistics
from zhenggai.stats.trends import PERIODS, compare

SHOW_LIMIT = 200  # rows listed under a chosen number
TABLE_LIMIT = 50  # rows of a breakdown or of the units table (``?rows=all``: every row; a country has thousands)
BASIS_LABELS = {
    "all tasks": gettext_lazy("Closed tasks / all tasks"),
    "tasks due by the as-of date": gettext_lazy("Closed / tasks due by the as-of date"),
}


def _rows_for(stats, show: str) -> list[int]:
    """The problem ids behind ``show``: "tasks:<count key>", "measures:<count key>", "overdue", "behind",
    "rate:<name>:numerator|denominator"."""
    kind, _, key = show.partition(":")
    if kind in ("tasks", "measures"):
        return getattr(stats, kind).rows.get(key, [])
    if kind in ("overdue", "behind"):
        return getattr(stats, kind)
    if kind == "rate":
        name, _, side = key.partition(":")
        rate = stats.completion.get(name)
        if rate is not None and side in ("numerator", "denominator"):
            return getattr(rate, f"{side}_ids")
    return []


def shown_rows(ids: list[int]) -> list[Problem]:
    """The problems behind a chosen number, in the order of ``ids``, at most ``SHOW_LIMIT`` (one query; the
    parent for an aspect's label, the plan for its title)."""
    ids = ids[:SHOW_LIMIT]
    if not ids:
        return []
    order = {pk: index for index, pk in enumerate(ids)}
    return sorted(Problem.objects.filter(pk__in=ids).select_related("plan", "parent"), key=lambda p: order[p.pk])


class StatisticsView(LoginRequiredMixin, TemplateView):
    """Counts by status, deadline group, category and lead unit; completion rates with their basis;
    overdue and behind; per unit on-time rate and days to close. Visible problems only."""

    template_name = "stats/statistics.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = StatisticsForm(self.request.GET or None, user=self.request.user)
        as_of = form.as_of_date()
        problems, plan, _unit = form.select(Problem.objects.visible_to(self.request.user))
        show = self.request.GET.get("show", "")
        served = serve_statistics(problems, as_of, ids=bool(show))  # the ids behind numbers: for ?show= only
        stats = served.stats
        base = {"as_of": as_of.isoformat(), **form.link_params()}
        limit = None if self.request.GET.get("rows") == "all" else TABLE_LIMIT
        ids = _rows_for(stats, show) if show else []
        shown = shown_rows(ids)

        def link(key: str) -> str:
            return "?" + urlencode({**base, "show": key}) + "#rows"

        context.update(
            form=form,
            stats=stats,
            as_of=as_of,
            plan=plan,
            selection=urlencode(base),
            stored_at=served.taken_at,
            tables=_tables(stats, link, limit),
            units=stats.units[:limit],
            all_rows_url="?" + urlencode({**base, "rows": "all"}),
            rates=[
                (
                    BASIS_LABELS.get(rate.basis, rate.basis),
                    rate,
                    link(f"rate:{name}:numerator"),
                    link(f"rate:{name}:denominator"),
                )
                for name, rate in stats.completion.items()
            ],
            overdue_link=link("overdue"),
            behind_link=link("behind"),
            show=show,
            shown=shown,
            shown_total=len(ids),
        )
        return context


class StatisticsTrendsView(LoginRequiredMixin, TemplateView):
    """The 环比/同比 block of the statistics page, for the same selection (``?plan=&unit=&as_of=``).

    The page loads it after itself (htmx): it runs the engine for the date, a month and a year earlier —
    three times the page's own work, which kept the page itself over its budget when it waited for it."""

    template_name = "stats/_trends.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = StatisticsForm(self.request.GET or None, user=self.request.user)
        as_of = form.as_of_date()
        problems, _plan, _unit = form.select(Problem.objects.visible_to(self.request.user))
        context["trends"] = _trends(compare(problems, as_of), form.link_params())
        return context


def _trends(comparison, selection: dict) -> dict:
    """The 环比/同比 block: each figure now, a month and a year earlier (each linked to its rows on
    that date, as the page's ``?show=`` does), and the two changes."""

    page = reverse("stats:statistics")

    def link(day, key: str) -> str:
        return page + "?" + urlencode({"as_of": day.isoformat(), **selection, "show": key}) + "#rows"

    rows = []
    for figure in comparison.figures:
        cells = []
        for period in PERIODS:
            day = comparison.dates[period]
            links = [link(day, key) for key in figure.shows]
            if figure.is_rate:
                rate = figure.rates[period]
                percent = None if rate.value is None else rate.value * 100
                cells.append(
                    {"rate": rate, "percent": percent, "numerator_link": links[0], "denominator_link": links[1]}
                )
            else:
                cells.append({"count": figure.values[period], "link": links[0]})
        changes = []
        for period in PERIODS[1:]:
            change = figure.change(period)
            if change is None:
                changes.append("—")
            elif figure.is_rate:
                changes.append(_("%(points)s pp") % {"points": f"{change * 100:+.1f}"})
            else:
                changes.append(f"{change:+d}")
        basis = BASIS_LABELS.get(figure.basis, figure.basis) if figure.is_rate else ""
        rows.append({"key": figure.key, "label": figure.label, "basis": basis, "cells": cells, "changes": changes})
    return {"dates": [comparison.dates[period] for period in PERIODS], "rows": rows}


def _label(kind: str, key: str) -> str:
    if kind == "pace":
        return str(Pace(key).label) if key in Pace.values else _("No status")
    if kind == "deadline":
        return DEADLINE_GROUPS.get(key, key)
    return key


def _tables(stats, link, limit: int | None = None) -> list[tuple[str, list[tuple[str, int, str]], int]]:
    """(title, [(label, count, link)], rows in all) for each breakdown of tasks and measures, zero rows left
    out, at most ``limit`` rows each (the breakdown's order: the engine's, first met first)."""
    tables = []
    for scope, title_scope in (("tasks", _("Tasks")), ("measures", _("Measures"))):
        counts = getattr(stats, scope)
        for kind, field, title in (
            ("pace", "by_pace", _("by status")),
            ("deadline", "by_deadline", _("by deadline")),
            ("category", "by_category", _("by category")),
            ("unit", "by_lead_unit", _("by lead unit")),
        ):
            keys = [(key, count) for key, count in getattr(counts, field).items() if count]
            rows = [(_label(kind, key), count, link(f"{scope}:{kind}:{key}")) for key, count in keys[:limit]]
            tables.append((f"{title_scope} {title}", rows, len(keys)))
    return tables


urlpatterns = [
    path("", StatisticsView.as_view(), name="statistics"),
    path("trends/", StatisticsTrendsView.as_view(), name="trends"),
]
