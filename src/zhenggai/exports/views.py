"""Ledger pages: download a plan's ledger as .xlsx, upload an edited one back (dry run, then confirm).

Plans are selected through ``Plan.objects.visible_to(user)`` (outside it: 404); the download holds
the rows the user sees.  Only an office of the plan (``Plan.objects.editable_by``) may upload
(otherwise 403).  The uploaded bytes wait in the session (base64, files up to 2 MB) between the dry
run and the confirmation, with a fingerprint of the changes shown; on confirmation the file is read
and planned again, and applied only if the plan is still the one the user saw.

Large ledgers: a GET of the download address answers the file itself up to ``EXPORT_SYNC_MAX_ROWS``
data rows; above, a page offers the background export (a POST to the same address, which
``request_export`` turns into an ``ExportJob``, or returns the user's job already under way) and
lists the user's recent exports of the plan.  The job page ``/exports/jobs/<id>/`` polls a small
fragment every 2 s (htmx) until the file is ready; the job, its page and its file are the requester's
alone (``ExportJob.objects.visible_to``: anyone else, or the requester once the plan is out of sight,
gets 404), because the file holds the rows the requester sees.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views import View
from django.views.decorators.http import require_http_methods, require_safe

from zhenggai.core.downloads import private_download
from zhenggai.core.errors import ConflictError
from zhenggai.exports.actions import request_export, selection
from zhenggai.exports.choices import ExportStatus
from zhenggai.exports.forms import LedgerUploadForm
from zhenggai.exports.ledger_import import MEASURE, PROBLEM, ImportPlan, apply_import, plan_import, read_changes
from zhenggai.exports.ledger_xlsx import count_rows, write_ledger
from zhenggai.exports.models import ExportJob
from zhenggai.exports.tasks import ledger_title
from zhenggai.ledger.models import Plan

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FIELD_LABELS = {
    (PROBLEM, "title"): _lazy("Problem title"),
    (PROBLEM, "description"): _lazy("Problem text"),
    (PROBLEM, "cause"): _lazy("Cause analysis"),
    (PROBLEM, "deadline"): _lazy("Deadline"),
    (MEASURE, "text"): _lazy("Measure"),
    (MEASURE, "deadline"): _lazy("Measure deadline"),
}


RECENT_JOBS = 5


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def ledger_download(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the plan's ledger with the rows the user sees, as of today, as an attachment — or, above
    ``EXPORT_SYNC_MAX_ROWS`` rows, the page offering the background export. POST: start that export."""
    plan = get_object_or_404(Plan.objects.visible_to(request.user), pk=pk)
    if request.method == "POST":
        job = request_export(plan, acting_user=request.user)
        return HttpResponseRedirect(reverse("exports:job_detail", args=[job.pk]))
    problems = selection(plan, request.user)
    rows = count_rows(problems)
    if rows > settings.EXPORT_SYNC_MAX_ROWS:
        jobs = ExportJob.objects.filter(requested_by=request.user, plan=plan).order_by("-created_at", "-pk")
        context = {"plan": plan, "rows": rows, "limit": settings.EXPORT_SYNC_MAX_ROWS, "jobs": jobs[:RECENT_JOBS]}
        return render(request, "exports/ledger_export.html", context)
    today = timezone.localdate()
    out = io.BytesIO()
    write_ledger(problems, out, title=ledger_title(plan), as_of=today)
    out.seek(0)
    return private_download(out, _filename(plan, today), XLSX_CONTENT_TYPE)


def _filename(plan: Plan, as_of) -> str:
    return f"{ledger_title(plan)}-{as_of:%Y%m%d}.xlsx"


def _job(request: HttpRequest, pk: int) -> ExportJob:
    return get_object_or_404(ExportJob.objects.visible_to(request.user).select_related("plan"), pk=pk)


@require_safe
@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An export job's page: its progress (polled while it runs) and the download link once done."""
    return render(request, "exports/job_detail.html", {"job": _job(request, pk)})


@require_safe
@login_required
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment the job page polls every 2 s (it stops polling once the job has finished)."""
    return render(request, "exports/_job_progress.html", {"job": _job(request, pk)})


@require_safe
@login_required
def job_download(request: HttpRequest, pk: int) -> FileResponse:
    """The finished job's workbook; 404 for a job that is not done (or not the user's)."""
    job = _job(request, pk)
    if job.status != ExportStatus.DONE or not job.file:
        raise Http404
    return private_download(job.file, _filename(job.plan, job.as_of), XLSX_CONTENT_TYPE)


def _session_key(plan: Plan) -> str:
    return f"exports.ledger_import.{plan.pk}"


def _fingerprint(plan: ImportPlan) -> str:
    return hashlib.sha256(json.dumps(plan.fingerprint(), ensure_ascii=False).encode()).hexdigest()


class LedgerUploadView(LoginRequiredMixin, View):
    """GET: the upload form. POST with a file: the dry run. POST ``confirm``: apply the file kept in the session."""

    template_name = "exports/ledger_upload.html"

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.plan = get_object_or_404(Plan.objects.visible_to(request.user), pk=kwargs["pk"])
        if not Plan.objects.editable_by(request.user).filter(pk=self.plan.pk).exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def render_page(self, form: LedgerUploadForm, import_plan: ImportPlan | None = None, **extra) -> HttpResponse:
        context = {"plan": self.plan, "form": form, "import_plan": import_plan, **extra}
        if import_plan is not None:
            context["fingerprint"] = _fingerprint(import_plan)
            context["changes"] = [
                (change, FIELD_LABELS.get((change.kind, change.field), change.field)) for change in import_plan.changes
            ]
        return render(self.request, self.template_name, context)

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return self.render_page(LedgerUploadForm())

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if "confirm" in request.POST:
            return self.confirm(request)
        form = LedgerUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_page(form)
        data = form.cleaned_data["file"].read()
        try:
            import_plan = plan_import(read_changes(data), user=request.user, plan=self.plan)
        except ValidationError as exc:
            form.add_error("file", exc.messages)
            return self.render_page(form)
        if import_plan.ok and import_plan.changes:
            request.session[_session_key(self.plan)] = {
                "data": base64.b64encode(data).decode("ascii"),
                "fingerprint": _fingerprint(import_plan),
            }
        else:
            request.session.pop(_session_key(self.plan), None)
        return self.render_page(LedgerUploadForm(), import_plan)

    def confirm(self, request: HttpRequest) -> HttpResponse:
        pending = request.session.get(_session_key(self.plan))
        if not pending or pending.get("fingerprint") != request.POST.get("fingerprint"):
            messages.error(request, _("Nothing to apply: upload the file again."))
            return HttpResponseRedirect(reverse("exports:ledger_upload", args=[self.plan.pk]))
        data = base64.b64decode(pending["data"])
        import_plan = plan_import(read_changes(data), user=request.user, plan=self.plan)
        if _fingerprint(import_plan) != pending["fingerprint"]:
            # The ledger changed since the dry run: show the new one instead of applying something unseen.
            messages.warning(request, _("The ledger has changed since the preview. Check the changes again."))
            request.session[_session_key(self.plan)] = {**pending, "fingerprint": _fingerprint(import_plan)}
            if not (import_plan.ok and import_plan.changes):
                request.session.pop(_session_key(self.plan), None)
            return self.render_page(LedgerUploadForm(), import_plan)
        try:
            count = apply_import(import_plan, acting_user=request.user)
        except (ConflictError, ValidationError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            return HttpResponseRedirect(reverse("exports:ledger_upload", args=[self.plan.pk]))
        request.session.pop(_session_key(self.plan), None)
        messages.success(request, _("%(count)d changes from the ledger applied.") % {"count": count})
        return HttpResponseRedirect(reverse("ledger:plan_detail", args=[self.plan.pk]))
