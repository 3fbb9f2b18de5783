"""Public notice (公示) of an item about to be signed off, and the objections the public files."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhenggai.acceptance.choices import ObjectionStatus
from zhenggai.progress.models.reports import evidence_storage


class PublicNotice(models.Model):
    """公示: the window (in working days) during which anyone may object; reached through ``code``."""

    request = models.ForeignKey("acceptance.AcceptanceRequest", on_delete=models.PROTECT, related_name="notices")
    round = models.PositiveSmallIntegerField(_("round"))
    code = models.UUIDField(_("public code"), default=uuid.uuid4, unique=True, editable=False)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    text = models.TextField(_("notice text"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("public notice")
        verbose_name_plural = _("public notices")
        ordering = ["-starts_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.request_id} {self.starts_on}–{self.ends_on}"

    def is_open_on(self, day) -> bool:
        return self.closed_at is None and self.starts_on <= day <= self.ends_on


class Objection(models.Model):
    """异议: filed by anyone during 公示; handled by the office (upheld sends the request back)."""

    notice = models.ForeignKey(PublicNotice, on_delete=models.PROTECT, related_name="objections")
    name = models.CharField(_("name"), max_length=60)
    contact = models.CharField(_("contact"), max_length=100)
    text = models.TextField(_("objection"))
    attachment = models.FileField(_("attachment"), storage=evidence_storage, upload_to="objections/%Y/%m/", blank=True)
    attachment_sha256 = models.CharField(max_length=64, blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)
    submitted_ip = models.GenericIPAddressField(null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    handling_note = models.TextField(_("handling"), blank=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["notice", "pk"]

    def __str__(self) -> str:
        return f"{self.notice_id} {self.name} ({self.status})"
