"""Progress-report pages: submit a report, a problem's report history, correct a report, download evidence.

Every page selects through ``visible_to(user)``: a problem, report or file outside it is a 404. A
problem the user sees but may not report on (``actions.can_report``) is a 403. The views validate
and call ``progress.actions``; a refusal there comes back as form errors, a conflict as a message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from zhenggai.core.downloads import private_download
from zhenggai.core.errors import ConflictError
from zhenggai.ledger.choices import ItemStatus
from zhenggai.ledger.models import Measure, Problem
from zhenggai.progress import actions
from zhenggai.progress.forms import (
    CorrectionForm,
    ReportForm,
    indicator_formset,
    indicator_inputs,
    offered_periods,
)
from zhenggai.progress.models import Evidence, Indicator, ProgressReport

# Keys of the action's ValidationError that name a form field under another name.
_FIELD_FOR_KEY = {"period_start": "period", "period_end": "period", "correction_reason": "reason"}


def _add_action_errors(form: Form, exc: ValidationError) -> None:
    """Put an action's errors on the form: known fields on the field, the rest above the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for key, errors in exc.message_dict.items():
        name = _FIELD_FOR_KEY.get(key, key)
        form.add_error(name if name in form.fields else None, errors)


def _history_url(problem_id: int, report_id: int | None = None) -> str:
    url = reverse("progress:report_history", args=[problem_id])
    return f"{url}#report-{report_id}" if report_id else url


def _visible_problem(user, pk: int) -> Problem:
    return get_object_or_404(
        Problem.objects.visible_to(user).select_related("plan__schedule", "parent"),
        pk=pk,
    )


def _signed_off_redirect(request: HttpRequest, problem: Problem) -> HttpResponse | None:
    if problem.status != ItemStatus.SIGNED_OFF:
        return None
    messages.warning(request, _("The problem is signed off: no more progress reports."))
    return HttpResponseRedirect(_history_url(problem.pk))


class ReportSubmitView(LoginRequiredMixin, View):
    """Submit the report of one period on a measure (``?measure=<pk>``) or on the whole problem."""

    template_name = "progress/report_form.html"

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.problem = _visible_problem(request.user, kwargs["problem_pk"])
        if not actions.can_report(request.user, self.problem):
            raise PermissionDenied
        self.measure = None
        if measure_pk := request.GET.get("measure"):
            if not measure_pk.isdigit():
                raise Http404
            self.measure = get_object_or_404(Measure, pk=measure_pk, problem=self.problem)
        if redirect := _signed_off_redirect(request, self.problem):
            return redirect
        self.periods = offered_periods(self.problem.plan)
        return super().dispatch(request, *args, **kwargs)

    def render_form(self, form: ReportForm, formset, *, conflicting: ProgressReport | None = None) -> HttpResponse:
        context = {
            "problem": self.problem,
            "measure": self.measure,
            "form": form,
            "formset": formset,
            "conflicting": conflicting,
        }
        return render(self.request, self.template_name, context)

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return self.render_form(ReportForm(periods=self.periods), indicator_formset())

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        form = ReportForm(request.POST, request.FILES, periods=self.periods)
        formset = indicator_formset(request.POST)
        if not (form.is_valid() and formset.is_valid()):
            return self.render_form(form, formset)
        period = form.chosen_period()
        data = form.report_input(period.start, period.end, indicator_inputs(formset))
        try:
            report = actions.submit_report(self.problem, data, acting_user=request.user, measure=self.measure)
        except ValidationError as exc:
            _add_action_errors(form, exc)
            return self.render_form(form, formset)
        except ConflictError as exc:
            messages.error(request, str(exc))
            conflicting = (
                ProgressReport.objects.current()
                .filter(problem=self.problem, measure=self.measure, period_start=period.start)
                .first()
            )
            return self.render_form(form, formset, conflicting=conflicting)
        messages.success(request, _("Report submitted."))
        return HttpResponseRedirect(_history_url(self.problem.pk, report.pk))


@dataclass
class PeriodReports:
    """Every version reported for one period, newest first."""

    start: date
    end: date
    reports: list[ProgressReport] = field(default_factory=list)


@dataclass
class ItemReports:
    """The reports on one measure (``measure`` None: on the whole problem), newest period first."""

    measure: Measure | None
    periods: list[PeriodReports] = field(default_factory=list)


def group_reports(measures: list[Measure], reports: list[ProgressReport]) -> list[ItemReports]:
    """Group ``reports`` (newest period and version first) by measure, then by period.

    Each report gets ``previous`` (the version it corrects), found among ``reports`` without a query.
    """
    by_pk = {report.pk: report for report in reports}
    groups = {None: ItemReports(None)} | {measure.pk: ItemReports(measure) for measure in measures}
    for report in reports:
        report.previous = by_pk.get(report.supersedes_id)
        item = groups[report.measure_id]
        if not item.periods or item.periods[-1].start != report.period_start:
            item.periods.append(PeriodReports(report.period_start, report.period_end))
        item.periods[-1].reports.append(report)
    return list(groups.values())


class ReportHistoryView(LoginRequiredMixin, TemplateView):
    """All reports on a problem, every version, grouped by measure and period, with indicators and evidence."""

    template_name = "progress/report_history.html"

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        problem = _visible_problem(user, kwargs["pk"])
        measures = list(problem.measures.order_by("position", "pk"))
        reports = list(
            problem.progress_reports.select_related("reporter", "unit")
            .prefetch_related(
                Prefetch("indicators", queryset=Indicator.objects.order_by("position", "pk")),
                Prefetch("evidence", queryset=Evidence.objects.order_by("pk")),
            )
            .order_by("-period_start", "-version", "-pk")
        )
        context.update(
            problem=problem,
            groups=group_reports(measures, reports),
            report_count=len(reports),
            can_report=problem.status != ItemStatus.SIGNED_OFF and actions.can_report(user, problem),
        )
        return context


class ReportCorrectView(LoginRequiredMixin, View):
    """Correct the current version of a report: a new version with a reason; the old one stays.

    An older version cannot be corrected: the page sends the user back to the history with a message.
    """

    template_name = "progress/report_form.html"

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.report = get_object_or_404(
            ProgressReport.objects.visible_to(request.user).select_related(
                "problem__plan", "problem__parent", "measure"
            ),
            pk=kwargs["pk"],
        )
        self.problem = self.report.problem
        if not actions.can_report(request.user, self.problem):
            raise PermissionDenied
        if not self.report.is_current:
            messages.warning(request, _("Only the newest version of a report can be corrected."))
            return HttpResponseRedirect(_history_url(self.problem.pk, self.report.pk))
        if redirect := _signed_off_redirect(request, self.problem):
            return redirect
        return super().dispatch(request, *args, **kwargs)

    def render_form(self, form: CorrectionForm, formset) -> HttpResponse:
        context = {
            "problem": self.problem,
            "measure": self.report.measure,
            "report": self.report,
            "evidence": list(self.report.evidence.all()),
            "form": form,
            "formset": formset,
        }
        return render(self.request, self.template_name, context)

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        form = CorrectionForm(initial=CorrectionForm.initial_for(self.report))
        return self.render_form(form, indicator_formset(report=self.report))

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        form = CorrectionForm(request.POST, request.FILES)
        formset = indicator_formset(request.POST, report=self.report)
        if not (form.is_valid() and formset.is_valid()):
            return self.render_form(form, formset)
        data = form.report_input(self.report.period_start, self.report.period_end, indicator_inputs(formset))
        try:
            new = actions.correct_report(
                self.report, data, acting_user=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            _add_action_errors(form, exc)
            return self.render_form(form, formset)
        except ConflictError as exc:
            messages.error(request, str(exc))
            return self.render_form(form, formset)
        messages.success(request, _("Correction saved as version %(version)d.") % {"version": new.version})
        return HttpResponseRedirect(_history_url(self.problem.pk, new.pk))


@require_safe
@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """Send one evidence file as an attachment under its original name, if the user sees its report."""
    evidence = get_object_or_404(Evidence.objects.visible_to(request.user), pk=pk)
    return private_download(evidence.file, evidence.original_name, evidence.content_type)


urlpatterns = [
    path("problems/<int:problem_pk>/report/", ReportSubmitView.as_view(), name="report_submit"),
    path("problems/<int:pk>/reports/", ReportHistoryView.as_view(), name="report_history"),
    path("reports/<int:pk>/correct/", ReportCorrectView.as_view(), name="report_correct"),
    path("evidence/<int:pk>/", evidence_download, name="evidence_download"),
]
