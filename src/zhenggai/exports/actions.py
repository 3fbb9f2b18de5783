"""Asking for a ledger export in the background: ``request_export(plan, *, acting_user)``.

The job itself (``zhenggai.exports.tasks.export_ledger``) runs after the transaction commits, in
``zhenggai db_worker`` with the database queue or inside the request with ``TASKS_BACKEND=immediate``.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhenggai.accounts.scope import scope_for
from zhenggai.exports.choices import ExportStatus
from zhenggai.exports.ledger_xlsx import count_rows
from zhenggai.exports.models import ExportJob
from zhenggai.ledger.models import Plan, Problem

if TYPE_CHECKING:
    from zhenggai.accounts.models import User

__all__ = ["STALE_AFTER", "request_export", "selection"]

logger = logging.getLogger(__name__)

# A queued or running job without a sign of life for this long is taken as lost (its worker died, or
# the queue lost it): the next request marks it failed and starts a new one. A running job records
# its progress every few hundred rows, i.e. every second or so.
STALE_AFTER = timedelta(minutes=30)


def selection(plan: Plan, user: User):
    """The problems of ``plan`` that ``user`` sees, in ledger order: what the download and the job export."""
    return Problem.objects.visible_to(user).filter(plan=plan).order_by("position", "pk")


def _scope_record(user: User) -> dict:
    scope = scope_for(user)
    return {
        "kind": scope.kind,
        "role": scope.role,
        "unit_id": scope.root_id,
        "unit_ids": sorted(scope.unit_ids),
    }


@transaction.atomic
def request_export(plan: Plan, *, acting_user: User) -> ExportJob:
    """Queue an export of ``plan`` as ``acting_user`` sees it; return the job.

    ``PermissionDenied`` if the user does not see the plan. If the user already has a queued or
    running export of this plan, that job is returned and nothing new is queued (a lost one, silent
    for ``STALE_AFTER``, is marked failed first). The job row names who asked and when; the task is
    enqueued when the transaction commits.
    """
    if not Plan.objects.visible_to(acting_user).filter(pk=plan.pk).exists():
        raise PermissionDenied(_("You do not see this plan."))
    now = timezone.now()
    mine = ExportJob.objects.filter(requested_by=acting_user, plan=plan)
    mine.active().filter(updated_at__lt=now - STALE_AFTER).update(
        status=ExportStatus.FAILED,
        error=_("The export was interrupted (no progress for %(minutes)d minutes).")
        % {"minutes": STALE_AFTER.total_seconds() // 60},
        finished_at=now,
        updated_at=now,
    )
    active = mine.active().first()
    if active is not None:
        return active
    job = ExportJob(
        requested_by=acting_user,
        plan=plan,
        as_of=timezone.localdate(now),
        scope=_scope_record(acting_user),
        rows_total=count_rows(selection(plan, acting_user)),
        created_at=now,
        updated_at=now,
    )
    try:
        with transaction.atomic():  # a savepoint: the same user may have asked twice at once
            job.save()
    except IntegrityError:
        return mine.active().get()
    transaction.on_commit(partial(_enqueue, job.pk))
    return job


def _enqueue(job_id: int) -> None:
    from zhenggai.exports.tasks import export_ledger

    try:
        export_ledger.enqueue(job_id)
    except Exception:  # noqa: BLE001 - a queue that refuses the task must not leave a job waiting forever
        logger.exception("Export job %s could not be queued", job_id)
        ExportJob.objects.filter(pk=job_id, status=ExportStatus.QUEUED).update(
            status=ExportStatus.FAILED,
            error=_("The export could not be queued; the administrator can find the cause in the log."),
            finished_at=timezone.now(),
        )
