"""Reopening (反弹) and look-back campaigns (回头看)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhenggai.acceptance.choices import FindingResult, ReopenKind
from zhenggai.progress.querysets import ProblemChildQuerySet


class Reopening(models.Model):
    """A signed-off problem opened again, with the reason; the sign-off stays in its history."""

    problem = models.ForeignKey("ledger.Problem", on_delete=models.PROTECT, related_name="reopenings")
    kind = models.CharField(_("kind"), max_length=12, choices=ReopenKind.choices)
    reason = models.TextField(_("reason"))
    finding = models.OneToOneField(
        "acceptance.LookbackFinding", null=True, blank=True, on_delete=models.PROTECT, related_name="reopening"
    )
    reopened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reopened_at = models.DateTimeField(default=timezone.now)

    objects = ProblemChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("reopening")
        verbose_name_plural = _("reopenings")
        ordering = ["-reopened_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.problem_id} {self.kind}"


class LookbackCampaign(models.Model):
    """回头看: a check of signed-off items, chosen by plan / unit / category or as a random sample."""

    name = models.CharField(_("name"), max_length=200)
    jurisdiction = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+")
    selection = models.JSONField(
        _("selection"), default=dict
    )  # {"plan": id, "unit": id, "category": id, "sample": n, "seed": s}
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("look-back campaign")
        verbose_name_plural = _("look-back campaigns")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.name


class LookbackFinding(models.Model):
    """One item checked in a campaign: holds, or failed (then reopened)."""

    campaign = models.ForeignKey(LookbackCampaign, on_delete=models.CASCADE, related_name="findings")
    problem = models.ForeignKey("ledger.Problem", on_delete=models.PROTECT, related_name="+")
    result = models.CharField(_("result"), max_length=10, choices=FindingResult.choices, default=FindingResult.PENDING)
    finding = models.TextField(_("finding"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("look-back finding")
        verbose_name_plural = _("look-back findings")
        ordering = ["campaign", "pk"]
        constraints = [models.UniqueConstraint(fields=["campaign", "problem"], name="acceptance_finding_once")]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.problem_id} {self.result}"
