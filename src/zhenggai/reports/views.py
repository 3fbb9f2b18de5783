"""Generated report pages: list a plan's report versions, generate a new one, download one.

Plans are selected through ``Plan.objects.visible_to(user)`` (outside it: 404), and so are the
reports (through their plan). Only who ``can_generate`` sees the form; a POST from anyone else is
refused with 403 (``generate_report`` checks again inside its transaction).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_safe

from zhenggai.core.downloads import private_download
from zhenggai.ledger.models import Plan
from zhenggai.reports.actions import can_generate, generate_report
from zhenggai.reports.forms import GenerateReportForm
from zhenggai.reports.models import GeneratedReport

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def default_title(plan: Plan) -> str:
    return f"{plan.title}整改进展情况报告"


class PlanReportsView(LoginRequiredMixin, View):
    """GET: the plan's report versions (newest first) and, for its office, the form. POST: generate."""

    template_name = "reports/plan_reports.html"

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.plan = get_object_or_404(Plan.objects.visible_to(request.user), pk=kwargs["pk"])
        self.can_generate = can_generate(request.user, self.plan)
        return super().dispatch(request, *args, **kwargs)

    def render_page(self, form: GenerateReportForm | None) -> HttpResponse:
        reports = GeneratedReport.objects.filter(plan=self.plan).select_related("created_by").order_by("-version")
        context = {"plan": self.plan, "reports": reports, "form": form}
        return render(self.request, self.template_name, context)

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        form = None
        if self.can_generate:
            form = GenerateReportForm(initial={"as_of": timezone.localdate(), "title": default_title(self.plan)})
        return self.render_page(form)

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not self.can_generate:
            raise PermissionDenied
        form = GenerateReportForm(request.POST)
        if not form.is_valid():
            return self.render_page(form)
        try:
            report = generate_report(
                self.plan,
                acting_user=request.user,
                as_of=form.cleaned_data["as_of"],
                title=form.cleaned_data["title"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
            return self.render_page(form)
        messages.success(request, _("Version %(version)d of the report was generated.") % {"version": report.version})
        return HttpResponseRedirect(reverse("reports:plan_reports", args=[self.plan.pk]))


@require_safe
@login_required
def report_download(request: HttpRequest, pk: int) -> FileResponse:
    """Send one stored report version as an attachment, if the user sees its plan (else 404)."""
    report = get_object_or_404(
        GeneratedReport.objects.filter(plan__in=Plan.objects.visible_to(request.user).values("pk")), pk=pk
    )
    return private_download(report.file, f"{report.title}-v{report.version}.docx", DOCX_CONTENT_TYPE)
