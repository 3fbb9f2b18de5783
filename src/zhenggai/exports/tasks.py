"""The background ledger export (Django's tasks framework; django-tasks-db's queue in production).

``export_ledger(job_id)`` claims a queued ``ExportJob`` (queued → running in one conditional UPDATE,
so a job runs at most once), writes the workbook of the rows its requester sees to a temporary file
with ``ledger_xlsx.write_ledger`` (write-only openpyxl, problems read in chunks: memory does not grow
with the rows kept in the file), records the progress every ``PROGRESS_EVERY`` rows with one UPDATE of
two columns, then copies the file into the private storage and marks the job done with its size and
SHA-256. Any error marks the job failed with the message, deletes what was stored and is re-raised
(the queue records the traceback). A job no longer running when it reports progress or finishes
(marked lost by ``request_export`` meanwhile) stops and keeps no file.

The export does not read one snapshot: on PostgreSQL each chunk of problems is read afresh, so an
edit made while a long export runs may appear in the later rows only.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile

from django.core.files import File
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from zhenggai.exports.actions import selection
from zhenggai.exports.choices import ExportStatus
from zhenggai.exports.ledger_xlsx import count_rows, write_ledger
from zhenggai.exports.models import ExportJob
from zhenggai.ledger.models import Plan

__all__ = ["PROGRESS_EVERY", "ExportStopped", "export_ledger", "ledger_title"]

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 500  # data rows between two progress UPDATEs
_HASH_BLOCK = 1024 * 1024


class ExportStopped(Exception):
    """The job should not go on: its requester no longer sees the plan, or it is no longer running."""


def ledger_title(plan: Plan) -> str:
    return f"{plan.title}整改台账"


@task
def export_ledger(job_id: int) -> dict:
    """Build the workbook of export job ``job_id``; return its id, status and rows."""
    now = timezone.now()
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, started_at=now, updated_at=now
    )
    if not claimed:  # already run, running elsewhere, or given up: nothing to do
        return {"job": job_id, "status": "skipped", "rows": 0}
    job = ExportJob.objects.select_related("plan", "requested_by").get(pk=job_id)
    try:
        rows = _build(job)
    except BaseException as exc:
        _fail(job, exc)
        raise
    return {"job": job_id, "status": ExportStatus.DONE.value, "rows": rows}


def _running(job_id: int, **fields) -> None:
    """UPDATE the job if it is still running; ``ExportStopped`` if it is not."""
    if not ExportJob.objects.filter(pk=job_id, status=ExportStatus.RUNNING).update(updated_at=timezone.now(), **fields):
        raise ExportStopped(_("The export was stopped."))


def _build(job: ExportJob) -> int:
    user, plan = job.requested_by, job.plan
    if not Plan.objects.visible_to(user).filter(pk=plan.pk).exists():
        raise ExportStopped(_("You no longer see this plan."))
    problems = selection(plan, user)
    job.rows_total = count_rows(problems)
    _running(job.pk, rows_total=job.rows_total)
    reported = 0

    def progress(done: int) -> None:
        nonlocal reported
        if done - reported >= PROGRESS_EVERY:
            _running(job.pk, rows_done=done)
            reported = done

    with tempfile.TemporaryFile(suffix=".xlsx") as out:
        rows = write_ledger(problems, out, title=ledger_title(plan), as_of=job.as_of, progress=progress)
        out.seek(0)
        digest, size = hashlib.sha256(), 0
        while block := out.read(_HASH_BLOCK):
            digest.update(block)
            size += len(block)
        out.seek(0)
        job.file.save(f"job-{job.pk}-{job.as_of:%Y%m%d}.xlsx", File(out), save=False)
    # rows_total becomes what was written: an edit during the export may have changed the count.
    _running(
        job.pk,
        status=ExportStatus.DONE,
        file=job.file.name,
        size=size,
        sha256=digest.hexdigest(),
        rows_done=rows,
        rows_total=rows,
        finished_at=timezone.now(),
    )
    return rows


def _fail(job: ExportJob, exc: BaseException) -> None:
    if job.file.name:  # stored, then the final UPDATE failed: the file must not stay behind
        try:
            job.file.storage.delete(job.file.name)
        except OSError:
            logger.exception("Export job %s: could not delete %s", job.pk, job.file.name)
    if isinstance(exc, ExportStopped):
        message = str(exc)
    else:
        # The detail (which may name paths or SQL) goes to the log; the requester sees a plain message.
        logger.exception("Export job %s failed", job.pk)
        message = _("The export failed (job %(id)s); the administrator can find the cause in the log.") % {"id": job.pk}
    now = timezone.now()
    ExportJob.objects.filter(pk=job.pk, status=ExportStatus.RUNNING).update(
        status=ExportStatus.FAILED, error=message, file="", size=None, sha256="", finished_at=now, updated_at=now
    )
