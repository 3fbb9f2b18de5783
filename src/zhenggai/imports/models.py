"""Records of documents brought into the ledger."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportRecord(models.Model):
    """One document imported into the ledger (文件导入记录): what was read, what it became, who did it.

    ``sha256`` of the source bytes detects the same document imported twice; ``parsed`` keeps the
    parse as JSON (progress texts and amendments the ledger does not model yet stay available here).
    """

    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, db_index=True)
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    kind = models.CharField(_("kind"), max_length=16)
    plan = models.ForeignKey(
        "ledger.Plan", verbose_name=_("plan"), on_delete=models.PROTECT, related_name="import_records"
    )
    parsed = models.JSONField(_("parse result"))
    unmatched_names = models.JSONField(_("names not found in the unit registry"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("import record")
        verbose_name_plural = _("import records")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename or self.sha256[:12]} → {self.plan_id}"


class PendingImport(models.Model):
    """An uploaded document waiting for review (待确认的导入): the file, its parse, and where it should go.

    The review page shows ``parsed`` beside the file's text. The reviewer may correct ``parsed``
    item by item (``edit_pending_item``); each correction is logged in ``edits`` (who, when, item,
    field, before, after). Confirming imports ``parsed`` as corrected through ``import_document`` in
    one transaction, then links the ``ImportRecord``. Visible only to the uploader and administrators.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending review")
        IMPORTED = "imported", _("Imported")
        DISCARDED = "discarded", _("Discarded")

    data = models.BinaryField(_("uploaded file"))
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, db_index=True)
    parsed = models.JSONField(_("parse result"))
    warning_count = models.PositiveIntegerField(_("warnings"), default=0)
    edits = models.JSONField(_("corrections before import"), default=list, blank=True)
    jurisdiction = models.ForeignKey(
        "organizations.Unit",
        verbose_name=_("jurisdiction"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    plan = models.ForeignKey(
        "ledger.Plan", verbose_name=_("plan"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    import_record = models.ForeignKey(
        ImportRecord,
        verbose_name=_("import record"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("pending import")
        verbose_name_plural = _("pending imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.filename or self.sha256[:12]} ({self.status})"
