"""Generated report pages: a plan's report versions, generating a new one (built-in layout or an
office's template), the office's templates (upload, retire, download), and the report download.

Plans are selected through ``Plan.objects.visible_to(user)`` (outside it: 404), and so are the
reports (through their plan). Only who ``can_generate`` sees the forms and the templates; a POST or
a template download from anyone else who sees the plan is refused with 403 (the actions check again
inside their transactions).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST, require_safe

from zhenggai.core.downloads import private_download
from zhenggai.core.forms import errors_to_form
from zhenggai.ledger.models import Plan
from zhenggai.reports.actions import can_generate, generate_report, retire_template, upload_template
from zhenggai.reports.forms import FOR_PLAN, GenerateReportForm, UploadTemplateForm
from zhenggai.reports.models import GeneratedReport, ReportTemplate
from zhenggai.reports.template_context import REFERENCE

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def default_title(plan: Plan) -> str:
    return f"{plan.title}整改进展情况报告"


class PlanPageMixin(LoginRequiredMixin):
    """Loads the plan the user sees (else 404) and whether the user may generate and manage templates."""

    template_name = "reports/plan_reports.html"

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        plans = Plan.objects.visible_to(request.user).select_related("jurisdiction")
        self.plan = get_object_or_404(plans, pk=kwargs["pk"])
        self.can_generate = can_generate(request.user, self.plan)
        return super().dispatch(request, *args, **kwargs)

    def templates(self) -> list[ReportTemplate]:
        if not hasattr(self, "_templates"):
            rows = ReportTemplate.objects.for_plan(self.plan).select_related("uploaded_by")
            self._templates = list(rows) if self.can_generate else []
        return self._templates

    def generate_form(self, data=None) -> GenerateReportForm:
        initial = {"as_of": timezone.localdate(), "title": default_title(self.plan)}
        return GenerateReportForm(data, initial=initial, templates=self.templates())

    def render_page(
        self, generate_form: GenerateReportForm | None = None, upload_form: UploadTemplateForm | None = None
    ) -> HttpResponse:
        reports = (
            GeneratedReport.objects.filter(plan=self.plan).select_related("created_by", "template").order_by("-version")
        )
        context = {"plan": self.plan, "reports": reports}
        if self.can_generate:
            context |= {
                "form": generate_form or self.generate_form(),
                "upload_form": upload_form or UploadTemplateForm(plan=self.plan),
                "templates": self.templates(),
                "reference": REFERENCE,
            }
        return render(self.request, self.template_name, context)


class PlanReportsView(PlanPageMixin, View):
    """GET: the plan's report versions (newest first) and, for its office, the forms. POST: generate."""

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return self.render_page()

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not self.can_generate:
            raise PermissionDenied
        form = self.generate_form(request.POST)
        if not form.is_valid():
            return self.render_page(generate_form=form)
        try:
            report = generate_report(
                self.plan,
                acting_user=request.user,
                as_of=form.cleaned_data["as_of"],
                title=form.cleaned_data["title"],
                template=form.cleaned_data["template"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
            return self.render_page(generate_form=form)
        messages.success(request, _("Version %(version)d of the report was generated.") % {"version": report.version})
        return HttpResponseRedirect(reverse("reports:plan_reports", args=[self.plan.pk]))


class TemplateUploadView(PlanPageMixin, View):
    """POST: upload a template for this plan or for every plan of its jurisdiction."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not self.can_generate:
            raise PermissionDenied
        form = UploadTemplateForm(request.POST, request.FILES, plan=self.plan)
        if not form.is_valid():
            return self.render_page(upload_form=form)
        scope = (
            {"plan": self.plan}
            if form.cleaned_data["applies_to"] == FOR_PLAN
            else {"jurisdiction": self.plan.jurisdiction}
        )
        try:
            template = upload_template(
                form.cleaned_data["file"], acting_user=request.user, name=form.cleaned_data["name"], **scope
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
            return self.render_page(upload_form=form)
        messages.success(request, _("The template “%(name)s” was uploaded.") % {"name": template.name})
        return HttpResponseRedirect(reverse("reports:plan_reports", args=[self.plan.pk]))


def _editable_plan(request: HttpRequest, pk: int) -> Plan:
    """The plan, if the user sees it (else 404) and may generate its reports (else 403)."""
    plan = get_object_or_404(Plan.objects.visible_to(request.user).select_related("jurisdiction"), pk=pk)
    if not can_generate(request.user, plan):
        raise PermissionDenied
    return plan


@require_POST
@login_required
def template_retire(request: HttpRequest, pk: int, template_pk: int) -> HttpResponse:
    """Retire one of the plan's active templates (its own or its jurisdiction's)."""
    plan = _editable_plan(request, pk)
    template = get_object_or_404(ReportTemplate.objects.for_plan(plan), pk=template_pk)
    try:
        retire_template(template, acting_user=request.user)
    except ValidationError as exc:  # retired by someone else in between
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The template “%(name)s” was retired.") % {"name": template.name})
    return HttpResponseRedirect(reverse("reports:plan_reports", args=[plan.pk]))


@require_safe
@login_required
def template_download(request: HttpRequest, pk: int, template_pk: int) -> FileResponse:
    """The stored file of a template (active or retired) of the plan or its jurisdiction, for its office."""
    plan = _editable_plan(request, pk)
    templates = ReportTemplate.objects.filter(Q(plan=plan) | Q(jurisdiction_id=plan.jurisdiction_id))
    template = get_object_or_404(templates, pk=template_pk)
    return private_download(template.file, template.original_name or f"{template.name}.docx", DOCX_CONTENT_TYPE)


@require_safe
@login_required
def report_download(request: HttpRequest, pk: int) -> FileResponse:
    """Send one stored report version as an attachment, if the user sees its plan (else 404)."""
    report = get_object_or_404(
        GeneratedReport.objects.filter(plan__in=Plan.objects.visible_to(request.user).values("pk")), pk=pk
    )
    return private_download(report.file, f"{report.title}-v{report.version}.docx", DOCX_CONTENT_TYPE)
