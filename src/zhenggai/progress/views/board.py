"""Scheduling pages (调度): the unit's to-do page, the office dashboard, the warning list, notifications.

Everything a page lists is limited by ``visible_to(user)``; a signed-in user of a role the page is not
for gets a 403. Warnings come from the current (latest successful) warning run, pace and as-of
figures from ``progress.status.ledger_state``. The supervision pages (escalations, extensions) are in
``board_supervision``; ``urlpatterns`` below includes them.
"""

from __future__ import annotations

from collections import defaultdict
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Case, IntegerField, When
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView
from django_filters.views import FilterView

from zhenggai.accountability.choices import Rank, Sanction
from zhenggai.accountability.models import TransferredProblem
from zhenggai.accountability.stats import counts_for_problems
from zhenggai.accounts.choices import Role
from zhenggai.cases.choices import CLOSED_STATUSES, TRUE_FINDINGS, CaseStatus
from zhenggai.cases.models import Case as ComplaintCase  # ``Case`` is the SQL expression below
from zhenggai.cases.stats import case_counts, case_list_url
from zhenggai.ledger.filtersets import units_in_scope
from zhenggai.ledger.models import Measure, Problem
from zhenggai.progress import actions
from zhenggai.progress.board_forms import DashboardForm, MuteForm, WarningFilterSet
from zhenggai.progress.choices import Grade, Pace, WarningKind
from zhenggai.progress.dashboard import (
    job_health,
    may_escalate,
    run_counts,
    suggest_escalation,
    todo_rows,
    warning_view,
)
from zhenggai.progress.figures import LIST_LIMIT, live_figures, run_figures
from zhenggai.progress.jobs import current_run
from zhenggai.progress.models import Escalation, Notification, NotificationMute, WarningItem
from zhenggai.progress.views.board_supervision import (
    OFFICE_ROLES,
    READER_ROLES,
    UNIT_ROLES,
    RoleRequiredMixin,
    has_role,
)
from zhenggai.progress.views.board_supervision import urlpatterns as supervision_urlpatterns


class HomeView(RoleRequiredMixin, View):
    """``/progress/``: offices, reviewers and administrators to the dashboard, everyone else to the to-do page."""

    def get(self, request, *args, **kwargs):
        return redirect("progress:dashboard" if has_role(request.user, READER_ROLES) else "progress:todo")


class TodoView(RoleRequiredMixin, TemplateView):
    """待办: for each item of the user's open problems — this period's report (made or due), earlier
    periods missed, pace today, warnings and a pending extension request — with links to report."""

    template_name = "progress/board_todo.html"
    roles = UNIT_ROLES

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        today = timezone.localdate()
        rows = todo_rows(user, today, current_run())
        context.update(
            today=today,
            rows=rows,
            due_count=sum(row.due for row in rows),
            late_count=sum(row.missed > 0 for row in rows),
            may_report=has_role(user, (Role.UNIT, Role.ADMIN)),
        )
        return context


def _problem_row(listed, problem, leads) -> dict:
    return {
        "problem": problem,
        "pace": listed.pace or None,
        "pace_label": Pace(listed.pace).label if listed.pace else "",
        "days_overdue": listed.days_overdue,
        "leads": [name for _unit, name in leads.get((problem.pk, None), [])],
        "warnings": [warning_view(*w) for w in listed.warnings],
    }


def case_block(user, today) -> dict | None:
    """The dashboard's 信访件 block: the cases the user sees (``visible_to``, as ``for_counting``) — total, the
    closing rate over all cases with its basis (and the two other bases), in progress, overdue on
    ``today`` and signed off — each number linked to the case list filtered to its rows. ``None`` when the
    user sees no case (the block is left out). One query (none for a user who may see no case), after the
    two that read an office's case ids (``CaseQuerySet.for_counting``)."""
    counts = case_counts(ComplaintCase.objects.for_counting(user), today)
    if not counts.total:
        return None
    closed, true = list(CLOSED_STATUSES), list(TRUE_FINDINGS)
    bases = (  # rate key, label, the case list's filters for its numerator and for its denominator
        ("all", _("Closed, over all cases"), {"status": closed}, {}),
        (
            "with_stage",
            _("Closed or closed for this stage, over all cases"),
            {"status": [CaseStatus.STAGE_CLOSED, *closed]},
            {},
        ),
        (
            "verified_true",
            _("Closed, over cases found true or partly true"),
            {"status": closed, "findings": true},
            {"findings": true},
        ),
    )
    in_progress, signed_off = CaseStatus.IN_PROGRESS, CaseStatus.SIGNED_OFF
    tiles = (  # key, label, count, the case list's filters
        (in_progress, in_progress.label, counts.by_status[in_progress], {"status": in_progress}),
        ("overdue", _("Overdue, not closed"), counts.overdue.numerator, {"overdue": "1"}),
        (signed_off, signed_off.label, counts.by_status[signed_off], {"status": signed_off}),
    )
    return {
        "counts": counts,
        "total_url": case_list_url(),
        "statistics_url": reverse("cases:statistics"),
        "rates": [
            {
                "key": key,
                "label": label,
                "rate": counts.rates[key],
                "numerator_url": case_list_url(**numerator),
                "denominator_url": case_list_url(**denominator),
            }
            for key, label, numerator, denominator in bases
        ],
        "tiles": [
            {"key": str(key), "label": label, "count": n, "url": case_list_url(**params)}
            for key, label, n, params in tiles
        ],
    }


def accountability_block(user) -> dict | None:
    """The dashboard's 责任追究 block: the transferred problems the user sees (``visible_to``: offices and
    administrators only) and the persons held accountable for them, by rank and by sanction, each number
    linked to its rows (``AccountabilityStats.rows_url``). ``None`` when the user sees no transferred
    problem. Two queries (one without a problem, none for a user who may see none), counting in the
    database."""
    numbers = counts_for_problems(TransferredProblem.objects.visible_to(user))
    if not numbers.problems:
        return None

    def tiles(prefix: str, choices, groups) -> list[dict]:
        return [
            {"key": key, "label": label, "count": groups[key], "url": numbers.rows_url(f"{prefix}:{key}")}
            for key, label in choices
        ]

    return {
        "problems": numbers.problems,
        "problems_url": numbers.rows_url("problems"),
        "persons": numbers.persons,
        "persons_url": numbers.rows_url("persons"),
        "ranks": tiles("rank", Rank.choices, numbers.by_rank),
        "sanctions": tiles("sanction", Sanction.choices, numbers.by_sanction),
    }


class DashboardView(RoleRequiredMixin, TemplateView):
    """整改调度看板 for offices, reviewers and administrators, on ``?as_of=YYYY-MM-DD`` (default today).

    * problems by pace (``ledger_state`` on the visible problems for the as-of date; for today, once the
      day's warning run exists, the standings stored with it: ``progress.figures``);
    * warnings by grade and kind: the current run's items when the as-of date is today and the run is
      for today, else computed by ``ledger_state``;
    * the overdue and behind lists (first 50 each); ``?pace=``, ``?grade=`` or ``?kind=`` adds the rows
      behind a count (computed for the as-of date);
    * lead units ranked by on-time reporting (the first 50, ``?units=all`` every unit). The rule
      (``progress.dashboard.reporting_overview``): an
      item is a measure, or a problem without measures, still open on the as-of date (pace neither
      completed nor signed off). For each item and each of the last 6 periods of its plan's cadence whose
      report window had closed by the as-of date (periods ending before the plan's start left out), one
      report is expected; it is on time when the first report for that period start, on the measure or
      on the problem as a whole, was submitted before the end of the window's closing day, counting only
      submissions made by the end of the as-of date. Each expected report is credited to the item's lead
      units (the measure's own lead units, else the problem's). Share = on time / expected; sorted by
      share, then expected reports (more first), then name;
    * lead units with an open item and no report yet for the period being reported on at the as-of
      date (``period_for``), flagged late once its window has closed (the first 50, as the ranking);
    * the warning job's health (last successful run, stale after ``WARNING_STALE_HOURS``);
    * complaint cases (``case_block``) and accountability (``accountability_block``) when the user sees
      any: today's figures whatever the as-of date (they count the rows as they stand now).

    Counts link to their rows: warning counts taken from the run to the warning list, other counts to
    the dashboard's own drill-down for the same date, units to the ledger list filtered by unit.
    """

    template_name = "progress/board_dashboard.html"
    roles = READER_ROLES

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, today = self.request.user, timezone.localdate()
        form = DashboardForm(self.request.GET or None)
        as_of, drill, all_units = today, {}, False
        if form.is_bound and form.is_valid():
            as_of = form.cleaned_data["as_of"] or today
            all_units = form.cleaned_data["units"] == "all"
            drill = {name: form.cleaned_data[name] for name in ("pace", "grade", "kind") if form.cleaned_data[name]}
        run = current_run()
        from_run = run is not None and as_of == today == run.as_of
        figures, source = None, "computed"
        if from_run and not ("grade" in drill or "kind" in drill):
            figures = run_figures(run, user, drill.get("pace"))  # None: a problem came after the scan
            source = "run" if figures is not None else source
        if figures is None:
            figures = live_figures(Problem.objects.visible_to(user), as_of, drill)
        counts = figures.counts
        if from_run:
            run_counts(run, user, counts)
        shown = figures.overdue + figures.behind + figures.drill_problems
        problem_ids = {s.problem_id for s in shown} | {item.problem_id for item, _w in figures.drill_items}
        problems = Problem.objects.filter(pk__in=problem_ids).select_related("parent").in_bulk()
        measure_ids = {item.measure_id for item, _w in figures.drill_items if item.measure_id}
        measures = Measure.objects.in_bulk(measure_ids) if measure_ids else {}

        def rows(selected):
            return [_problem_row(s, problems[s.problem_id], figures.leads) for s in selected]

        def link(name: str, value: str) -> str:
            if from_run and name != "pace":
                return f"{reverse('progress:warning_list')}?{urlencode({name: value})}"
            return f"{reverse('progress:dashboard')}?{urlencode({'as_of': as_of.isoformat(), name: value})}#drill"

        def tiles(name, choices, counter):
            return [
                {"value": value, "label": label, "count": counter.get(value, 0), "url": link(name, value)}
                for value, label in choices
            ]

        context.update(
            form=form,
            as_of=as_of,
            today=today,
            from_run=from_run,
            figures_source=source,
            problem_count=figures.problem_count,
            pace_tiles=tiles("pace", Pace.choices, counts.by_pace),
            grade_tiles=tiles("grade", Grade.choices, counts.by_grade),
            kind_tiles=tiles("kind", WarningKind.choices, counts.by_kind),
            may_decide=has_role(user, OFFICE_ROLES),
            overdue_count=figures.overdue_count,
            overdue_url=link("kind", WarningKind.OVERDUE),
            behind_url=link("pace", Pace.BEHIND),
            overdue_rows=rows(figures.overdue),
            behind_count=figures.behind_count,
            behind_rows=rows(figures.behind),
            drill=drill,
            drill_count=figures.drill_count,
            drill_rows=rows(figures.drill_problems),
            drill_items=[
                {"problem": problems[item.problem_id], "measure": measures.get(item.measure_id), **warning_view(*w)}
                for item, w in figures.drill_items
            ],
            ranking=figures.overview.ranking[: None if all_units else LIST_LIMIT],
            ranking_count=len(figures.overview.ranking),
            not_reported=figures.overview.not_reported[: None if all_units else LIST_LIMIT],
            not_reported_count=len(figures.overview.not_reported),
            all_units_url=f"{reverse('progress:dashboard')}?{urlencode({'as_of': as_of.isoformat(), 'units': 'all'})}",
            health=job_health(run),
            cases=case_block(user, today),
            accountability=accountability_block(user),
        )
        return context


_SEVERITY = Case(
    When(grade=Grade.RED, then=3), When(grade=Grade.YELLOW, then=2), default=1, output_field=IntegerField()
)


class WarningListView(RoleRequiredMixin, FilterView):
    """预警清单: the current run's warnings on the problems the user sees, red first; filters grade, kind,
    plan and unit (and units under it). An office (or supervising unit) gets a link to record the
    escalation step the warning suggests (``suggest_escalation``)."""

    template_name = "progress/board_warning_list.html"
    filterset_class = WarningFilterSet
    context_object_name = "warnings"
    paginate_by = 50
    strict = False

    def get_queryset(self):
        self.run = current_run()
        if self.run is None:
            return WarningItem.objects.none()
        return (
            WarningItem.objects.filter(run=self.run)
            .visible_to(self.request.user)
            .select_related("problem__parent", "measure", "plan__jurisdiction")
            .annotate(severity=_SEVERITY)
            .order_by("-severity", "plan_id", "problem__position", "problem_id", "measure_id", "pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        page = list(context["warnings"])
        steps = defaultdict(list)
        if page:
            problem_ids = {item.problem_id for item in page}
            for problem_id, kind in Escalation.objects.filter(problem_id__in=problem_ids).values_list(
                "problem_id", "kind"
            ):
                steps[problem_id].append(kind)
        for item in page:
            item.suggested = suggest_escalation(item.grade, steps[item.problem_id])
            item.escalate_url = ""
            if may_escalate(user, item.plan):
                query = {"suggested": item.suggested, "grade": item.grade}
                if item.measure_id:
                    query["measure"] = item.measure_id
                item.escalate_url = f"{reverse('progress:escalation_new', args=[item.problem_id])}?{urlencode(query)}"
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(warnings=page, run=self.run, querystring=query.urlencode())
        return context


class NotificationListView(RoleRequiredMixin, ListView):
    """The user's daily digests, newest first; the ones shown are marked read. Offices also mute and
    unmute the digests of units in their scope here."""

    template_name = "progress/board_notifications.html"
    context_object_name = "notifications"
    paginate_by = 20

    def get_queryset(self):
        return Notification.objects.filter(user=self.request.user).order_by("-day", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = list(context["notifications"])
        unread = [n.pk for n in page if n.read_at is None]
        if unread:  # the page shows them as new this once
            Notification.objects.filter(pk__in=unread, read_at__isnull=True).update(read_at=timezone.now())
        context["notifications"] = page
        user = self.request.user
        if has_role(user, OFFICE_ROLES):
            context["mute_form"] = MuteForm(user=user)
            context["muted"] = (
                NotificationMute.objects.filter(unit__in=units_in_scope(user))
                .select_related("unit", "muted_by")
                .order_by("unit__path")
            )
        return context


class MuteView(RoleRequiredMixin, View):
    """POST ``unit`` (in the office's scope, else 404) with ``action`` mute (and a reason) or unmute."""

    roles = OFFICE_ROLES
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        unit_id = request.POST.get("unit", "")
        unit = get_object_or_404(units_in_scope(request.user), pk=unit_id if unit_id.isdigit() else 0)
        if request.POST.get("action") == "unmute":
            actions.unmute_unit(unit, acting_user=request.user)
            messages.success(request, _("Digests for %(unit)s are sent again.") % {"unit": unit})
        else:
            form = MuteForm(request.POST, user=request.user)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            actions.mute_unit(unit, acting_user=request.user, reason=reason)
            messages.success(request, _("Digests for %(unit)s are muted.") % {"unit": unit})
        return redirect("progress:notification_list")


urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("todo/", TodoView.as_view(), name="todo"),
    path("dashboard/", DashboardView.as_view(), name="dashboard"),
    path("warnings/", WarningListView.as_view(), name="warning_list"),
    path("notifications/", NotificationListView.as_view(), name="notification_list"),
    path("notifications/mute/", MuteView.as_view(), name="unit_mute"),
    *supervision_urlpatterns,
]
