"""Importing a batch file: upload → dry run with row errors → confirm (all or nothing); large files in a job.

Only the batch's office (``CaseBatch.objects.manageable_by``) may import (403 otherwise; 404 for a batch
outside the user's sight). The upload is at most 5 MB, and ``batch_import.MAX_UNCOMPRESSED_BYTES`` once
unpacked; the request reads at most ``EXPORT_SYNC_MAX_ROWS`` + 1 data rows to decide. Up to
``EXPORT_SYNC_MAX_ROWS`` data rows the dry run is shown at once and the
file waits in the session (base64, with the SHA-256 of the bytes checked) for the confirmation, which
checks it again and applies it. Above, the file is stored and a ``CaseImportJob`` checks and imports
it in the background; its page polls a progress fragment (htmx) and lists the row errors at the end.
"""

from __future__ import annotations

import base64
import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from zhenggai.cases import actions
from zhenggai.cases.batch_import import apply_import, check_rows, read_sheet
from zhenggai.cases.forms import BatchUploadForm
from zhenggai.cases.models import CaseBatch, CaseImportJob

SHOWN_ERRORS = 500


def _session_key(batch: CaseBatch) -> str:
    return f"cases.batch_import.{batch.pk}"


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def batch_import(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(
        CaseBatch.objects.visible_to(request.user).select_related("inspection", "jurisdiction"), pk=pk
    )
    if not CaseBatch.objects.manageable_by(request.user).filter(pk=batch.pk).exists():
        raise PermissionDenied
    context = {
        "batch": batch,
        "form": BatchUploadForm(),
        "jobs": batch.import_jobs.filter(requested_by=request.user)[:5],
    }
    if request.method != "POST":
        return render(request, "cases/batch_import.html", context)
    if "confirm" in request.POST:
        return _confirm(request, batch)
    form = BatchUploadForm(request.POST, request.FILES)
    context["form"] = form
    if not form.is_valid():
        return render(request, "cases/batch_import.html", context, status=400)
    data = form.cleaned_data["file"].read()
    try:
        # Read only as far as deciding needs: a file above the limit is read again, whole, by the job.
        rows = read_sheet(data, limit=settings.EXPORT_SYNC_MAX_ROWS + 1)
    except ValidationError as exc:
        form.add_error("file", exc.messages)
        return render(request, "cases/batch_import.html", context, status=400)
    if len(rows) > settings.EXPORT_SYNC_MAX_ROWS:
        job = actions.request_import(batch, data, acting_user=request.user)
        return HttpResponseRedirect(reverse("cases:job_detail", args=[job.pk]))
    plan = check_rows(rows, batch)
    context |= {"plan": plan, "errors": plan.errors[:SHOWN_ERRORS], "preview": plan.cases[:20]}
    if plan.ok:
        digest = hashlib.sha256(data).hexdigest()
        request.session[_session_key(batch)] = {"data": base64.b64encode(data).decode("ascii"), "sha256": digest}
        context["sha256"] = digest
    else:
        request.session.pop(_session_key(batch), None)
    return render(request, "cases/batch_import.html", context)


def _confirm(request: HttpRequest, batch: CaseBatch) -> HttpResponse:
    pending = request.session.pop(_session_key(batch), None)
    if not pending or pending.get("sha256") != request.POST.get("sha256"):
        messages.error(request, _("Nothing to import: upload the file again."))
        return HttpResponseRedirect(reverse("cases:batch_import", args=[batch.pk]))
    plan = check_rows(read_sheet(base64.b64decode(pending["data"])), batch)
    try:
        count = apply_import(plan, batch, acting_user=request.user)
    except ValidationError as exc:
        # Checked again: something changed since the dry run (e.g. another import took a number).
        messages.error(request, " ".join(exc.messages))
        return HttpResponseRedirect(reverse("cases:batch_import", args=[batch.pk]))
    messages.success(request, _("%(count)d cases imported.") % {"count": count})
    return HttpResponseRedirect(reverse("cases:batch_detail", args=[batch.pk]))


def _job(request: HttpRequest, pk: int) -> CaseImportJob:
    return get_object_or_404(CaseImportJob.objects.visible_to(request.user).select_related("batch"), pk=pk)


@require_safe
@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "cases/job_detail.html", {"job": _job(request, pk)})


@require_safe
@login_required
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The fragment the job page polls every 2 s until the job has finished."""
    return render(request, "cases/_job_progress.html", {"job": _job(request, pk)})
