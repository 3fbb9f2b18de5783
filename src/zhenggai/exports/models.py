"""Background exports: one ``ExportJob`` per large ledger workbook a user asked for."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhenggai.exports.choices import ACTIVE_STATUSES, ExportStatus
from zhenggai.progress.models.reports import evidence_storage


def export_path(instance: ExportJob, filename: str) -> str:
    return f"exports/plan-{instance.plan_id}/{filename}"


class ExportJobQuerySet(models.QuerySet):
    def active(self) -> ExportJobQuerySet:
        return self.filter(status__in=ACTIVE_STATUSES)

    def visible_to(self, user) -> ExportJobQuerySet:
        """A job is seen only by the user who asked for it, and only while that user still sees the plan.

        Another user who sees the same plan does not get the file: it holds the requester's rows, and
        a unit user's view of a plan is smaller than its office's. Outside this rule a job answers 404.
        """
        from zhenggai.ledger.models import Plan

        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(requested_by=user, plan__in=Plan.objects.visible_to(user).values("pk"))


class ExportJob(models.Model):
    """A ledger workbook built in the background for one user (a plan too large to export in the request).

    Who asked (``requested_by``), for which plan, on which date (``as_of``: the 整改进展 column reads
    the reports begun by then) and with which scope (``scope``: the requester's visibility rule when
    asking, for the record; the rows are the ones the requester sees when the job runs). ``status``
    goes queued → running → done or failed; ``rows_done`` / ``rows_total`` are the progress (data rows,
    one per measure, updated every few hundred rows), ``updated_at`` the last sign of life, so a job whose
    worker died can be recognised (``zhenggai.exports.actions.STALE_AFTER``). When done, ``file`` is
    the workbook in the private evidence storage (outside the web root; served only to the requester by
    a checked view), with its ``size`` and ``sha256``; a failed job keeps its ``error`` and no file.
    A user has at most one queued or running job per plan (a partial unique constraint). Rows are
    never deleted by the application: together they are the record of who exported what, and when.
    """

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    plan = models.ForeignKey(
        "ledger.Plan", verbose_name=_("plan"), on_delete=models.PROTECT, related_name="export_jobs"
    )
    as_of = models.DateField(_("as of"))
    scope = models.JSONField(_("scope"), default=dict, blank=True)
    status = models.CharField(
        pgettext_lazy("export job", "status"),
        max_length=10,
        choices=ExportStatus.choices,
        default=ExportStatus.QUEUED,
        db_index=True,
    )
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    rows_total = models.PositiveIntegerField(_("rows in all"), default=0)
    error = models.TextField(_("error"), blank=True)
    file = models.FileField(_("file"), storage=evidence_storage, upload_to=export_path, max_length=300, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("last progress at"), default=timezone.now)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("export job")
        verbose_name_plural = _("export jobs")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["requested_by", "plan"],
                condition=Q(status__in=ACTIVE_STATUSES),
                name="exports_one_active_job_per_user_and_plan",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} · {self.requested_by_id} · {self.get_status_display()}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_done * 100 // self.rows_total)
