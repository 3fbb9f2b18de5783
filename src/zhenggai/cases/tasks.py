"""The background import of a large batch file (Django's tasks framework, like ``exports.tasks``).

``import_batch(job_id)`` claims a queued ``CaseImportJob`` (one conditional UPDATE, so it runs once),
reads the stored workbook, checks every row (``batch_import.check_rows``) reporting ``rows_done``
every 500 rows, and then either records the row errors (status failed, nothing imported) or imports
everything in one transaction as the requester (``apply_import``) and records the count. An
unexpected error is logged and the requester sees a plain message. A job silent for
``actions.STALE_IMPORT_AFTER`` is marked failed by the next request for the batch; if its worker was
only slow, it then imports nothing (the job row is locked and checked before importing).
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from zhenggai.cases.batch_import import apply_import, check_rows, read_sheet
from zhenggai.cases.choices import ImportStatus
from zhenggai.cases.models import CaseImportJob

__all__ = ["MAX_STORED_ERRORS", "import_batch"]

logger = logging.getLogger(__name__)
MAX_STORED_ERRORS = 1000


def _update(job_id: int, **fields) -> None:
    CaseImportJob.objects.filter(pk=job_id, status=ImportStatus.RUNNING).update(updated_at=timezone.now(), **fields)


@task
def import_batch(job_id: int) -> dict:
    """Check and import the file of job ``job_id``; return its status and the cases imported."""
    now = timezone.now()
    if not CaseImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, updated_at=now
    ):
        return {"job": job_id, "status": "skipped", "imported": 0}
    job = CaseImportJob.objects.select_related("batch__jurisdiction", "batch__inspection", "requested_by").get(
        pk=job_id
    )
    try:
        with job.file.open("rb") as handle:
            rows = read_sheet(handle.read())
        _update(job_id, rows_total=len(rows))
        plan = check_rows(rows, job.batch, progress=lambda done: _update(job_id, rows_done=done))
        if plan.errors:
            errors = [{"row": e.row, "number": e.number, "message": e.message} for e in plan.errors]
            _finish(job_id, ImportStatus.FAILED, rows_done=len(rows), errors=errors[:MAX_STORED_ERRORS])
            return {"job": job_id, "status": ImportStatus.FAILED.value, "imported": 0}
        with transaction.atomic():
            # Marked failed meanwhile (no progress for a long time, see actions.request_import) and maybe
            # replaced by a new job: this late worker imports nothing.
            if not CaseImportJob.objects.select_for_update().filter(pk=job_id, status=ImportStatus.RUNNING).exists():
                return {"job": job_id, "status": "skipped", "imported": 0}
            imported = apply_import(plan, job.batch, acting_user=job.requested_by)
    except (ValidationError, PermissionDenied) as exc:
        _finish(job_id, ImportStatus.FAILED, error=" ".join(getattr(exc, "messages", [str(exc)])))
        return {"job": job_id, "status": ImportStatus.FAILED.value, "imported": 0}
    except Exception:
        logger.exception("Case import job %s failed", job_id)
        message = _("The import failed (job %(id)s); the administrator can find the cause in the log.") % {"id": job_id}
        _finish(job_id, ImportStatus.FAILED, error=message)
        raise
    _finish(job_id, ImportStatus.DONE, rows_done=len(rows), imported=imported)
    return {"job": job_id, "status": ImportStatus.DONE.value, "imported": imported}


def _finish(job_id: int, status: str, **fields) -> None:
    _update(job_id, status=status, finished_at=timezone.now(), **fields)
