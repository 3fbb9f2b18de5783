"""Ledger pages: download a plan's ledger as .xlsx, upload an edited one back (dry run, then confirm).

Plans are selected through ``Plan.objects.visible_to(user)`` (outside it: 404); the download holds
the rows the user sees.  Only an office of the plan (``Plan.objects.editable_by``) may upload
(otherwise 403).  The uploaded bytes wait in the session (base64, files up to 2 MB) between the dry
run and the confirmation, with a fingerprint of the changes shown; on confirmation the file is read
and planned again, and applied only if the plan is still the one the user saw.

Exports too large to build during a request (a background job) are not part of this step.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views import View
from django.views.decorators.http import require_safe

from zhenggai.core.downloads import private_download
from zhenggai.core.errors import ConflictError
from zhenggai.exports.forms import LedgerUploadForm
from zhenggai.exports.ledger_import import MEASURE, PROBLEM, ImportPlan, apply_import, plan_import, read_changes
from zhenggai.exports.ledger_xlsx import write_ledger
from zhenggai.ledger.models import Plan, Problem

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FIELD_LABELS = {
    (PROBLEM, "title"): _lazy("Problem title"),
    (PROBLEM, "description"): _lazy("Problem text"),
    (PROBLEM, "cause"): _lazy("Cause analysis"),
    (PROBLEM, "deadline"): _lazy("Deadline"),
    (MEASURE, "text"): _lazy("Measure"),
    (MEASURE, "deadline"): _lazy("Measure deadline"),
}


@require_safe
@login_required
def ledger_download(request: HttpRequest, pk: int) -> FileResponse:
    """The plan's ledger with the rows the user sees, as of today, as an attachment."""
    plan = get_object_or_404(Plan.objects.visible_to(request.user), pk=pk)
    problems = Problem.objects.visible_to(request.user).filter(plan=plan).order_by("position", "pk")
    today = timezone.localdate()
    out = io.BytesIO()
    write_ledger(problems, out, title=f"{plan.title}整改台账", as_of=today)
    out.seek(0)
    return private_download(out, f"{plan.title}整改台账-{today:%Y%m%d}.xlsx", XLSX_CONTENT_TYPE)


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
