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
