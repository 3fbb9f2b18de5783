"""Escalation records, deadline extensions and notifications (督办、延期、提醒)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhenggai.progress.choices import EscalationKind, ExtensionStatus, Grade
from zhenggai.progress.querysets import ProblemChildQuerySet


class Escalation(models.Model):
    """督办记录: 提醒催办 → 预警督办 → 通报 → 约谈 → 挂牌督办 — who acted, when, towards which unit,
    about which item, under which document. ``suggested_by_grade`` is set when the office recorded
    a step the warning grade suggested."""

    kind = models.CharField(_("kind"), max_length=16, choices=EscalationKind.choices)
    problem = models.ForeignKey(
        "ledger.Problem", verbose_name=_("problem"), on_delete=models.CASCADE, related_name="escalations"
    )
    measure = models.ForeignKey(
        "ledger.Measure", verbose_name=_("measure"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_unit = models.ForeignKey(
        "organizations.Unit",
        verbose_name=_("addressed to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    doc_reference = models.CharField(_("document reference"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    suggested_by_grade = models.CharField(
        _("suggested by warning grade"), max_length=8, choices=Grade.choices, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    objects = ProblemChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.problem_id}"


class DeadlineExtension(models.Model):
    """延期申请: a unit asks for a new deadline with reasons; the office approves or rejects.

    ``previous_raw`` keeps the deadline in force when the request was decided, so the original stays
    visible and status for an earlier as-of date uses the deadline in force then (``decided_at``).
    """

    problem = models.ForeignKey(
        "ledger.Problem", verbose_name=_("problem"), on_delete=models.CASCADE, related_name="extensions"
    )
    measure = models.ForeignKey(
        "ledger.Measure",
        verbose_name=_("measure"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="extensions",
    )
    requested_raw = models.CharField(_("requested deadline"), max_length=200)
    reasons = models.TextField(_("reasons"))
    status = models.CharField(
        _("status"), max_length=12, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    previous_raw = models.CharField(_("deadline before"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    objects = ProblemChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure"],
                condition=models.Q(status="pending", measure__isnull=False),
                name="progress_one_pending_extension_per_measure",
            ),
            models.UniqueConstraint(
                fields=["problem"],
                condition=models.Q(status="pending", measure__isnull=True),
                name="progress_one_pending_extension_per_problem",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.problem_id}/{self.measure_id or '-'} → {self.requested_raw} ({self.status})"


class Notification(models.Model):
    """站内提醒: one digest per recipient per day, listing the warnings of the units the user acts for."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    day = models.DateField(_("day"))
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))
    item_count = models.PositiveIntegerField(_("items"), default=0)
    created_at = models.DateTimeField(default=timezone.now)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-day", "-pk"]
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="progress_one_digest_per_user_day")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day} {self.subject}"


class NotificationMute(models.Model):
    """A unit whose users get no digest (e.g. during a reorganisation); warnings are still computed."""

    unit = models.OneToOneField(
        "organizations.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+"
    )
    muted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    muted_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("muted unit")
        verbose_name_plural = _("muted units")

    def __str__(self) -> str:
        return str(self.unit_id)
