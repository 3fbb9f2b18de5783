"""Inspections (督察), rectification plans (整改方案), their revisions and categories."""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from zhenggai.ledger.choices import AssignmentRole, InspectionKind, InspectionLevel, PlanLevel, PlanStatus
from zhenggai.ledger.querysets import InspectionQuerySet, PlanQuerySet


class Inspection(models.Model):
    """An inspection (督察) whose feedback the plans answer.

    E.g. 中央第五生态环境保护督察组, routine, stationed in Gansu; or the provincial
    第二环境保护督察组 in Lincang. ``inspected_unit`` is the jurisdiction inspected.
    """

    level = models.CharField(
        _("level"), max_length=16, choices=InspectionLevel.choices, default=InspectionLevel.CENTRAL
    )
    kind = models.CharField(_("kind"), max_length=16, choices=InspectionKind.choices, default=InspectionKind.ROUTINE)
    round_label = models.CharField(_("round"), max_length=50, blank=True, help_text=_("e.g. 第二轮, 第三轮第一批"))
    team = models.CharField(_("inspection team"), max_length=200)
    inspected_unit = models.ForeignKey(
        "organizations.Unit", verbose_name=_("inspected jurisdiction"), on_delete=models.PROTECT, related_name="+"
    )
    stationed_from = models.DateField(_("stationed from"), null=True, blank=True)
    stationed_to = models.DateField(_("stationed until"), null=True, blank=True)
    feedback_date = models.DateField(_("feedback date"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()
    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-feedback_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(stationed_to__isnull=True)
                | models.Q(stationed_from__isnull=True)
                | models.Q(stationed_to__gte=models.F("stationed_from")),
                name="%(app_label)s_%(class)s_stationing_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.team}（{self.get_kind_display()}）"


class Plan(models.Model):
    """A rectification plan (整改方案/整改实施方案) issued by a jurisdiction for an inspection.

    Its revisions (补充完善/修改) are ``PlanRevision`` rows; ``current_revision`` counts them.
    ``public_code`` is the unguessable identifier public pages will use.
    """

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.PROTECT, related_name="plans"
    )
    parent_plan = models.ForeignKey(
        "self",
        verbose_name=_("implements plan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="child_plans",
        help_text=_("The higher-level plan this one implements"),
    )
    title = models.CharField(_("title"), max_length=300)
    doc_number = models.CharField(
        _("document number"), max_length=100, blank=True, help_text=_("e.g. 武办字〔2020〕47号")
    )
    issue_date = models.DateField(_("issue date"), null=True, blank=True)
    level = models.CharField(_("level"), max_length=16, choices=PlanLevel.choices)
    jurisdiction = models.ForeignKey(
        "organizations.Unit", verbose_name=_("jurisdiction"), on_delete=models.PROTECT, related_name="plans"
    )
    issuing_units = models.ManyToManyField(
        "organizations.Unit", verbose_name=_("issuing units"), blank=True, related_name="issued_plans"
    )
    status = models.CharField(_("status"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    declared_problem_count = models.PositiveIntegerField(
        _("declared number of problems"), null=True, blank=True, help_text=_("The count the document states, e.g. 17")
    )
    current_revision = models.PositiveIntegerField(_("current revision"), default=0, editable=False)
    public_code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[issuing_units])
    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("rectification plan")
        verbose_name_plural = _("rectification plans")
        ordering = ["-issue_date", "pk"]

    def __str__(self) -> str:
        return self.title

    def known_since(self) -> date:
        """The first day the plan speaks of: its issue date; else the day its inspection fed back (a plan
        known only from a progress report answers that feedback); else the day it was recorded. Reads the
        inspection (one query unless selected) only for a plan without an issue date."""
        if self.issue_date:
            return self.issue_date
        feedback = self.inspection.feedback_date if self.inspection_id else None
        return feedback or timezone.localdate(self.created_at)


class PlanRevision(models.Model):
    """An amendment to a plan (e.g. 关于补充完善《…整改实施方案》部分内容的通知).

    Append-only: each revision names the document that made it and the reviewer's
    opinion (审核意见); ``PlanRevisionChange`` rows hold each field's before and after.
    """

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("revision number"))
    title = models.CharField(_("title"), max_length=300, blank=True)
    doc_number = models.CharField(_("document number"), max_length=100, blank=True)
    issue_date = models.DateField(_("issue date"), null=True, blank=True)
    # From this day the changed values are in force: status, warnings and reports for an earlier
    # date use the values before the revision (``PlanRevisionChange.before``).
    effective_on = models.DateField(_("effective from"), null=True, blank=True)
    review_reference = models.CharField(
        _("review letter"), max_length=200, blank=True, help_text=_("e.g. 甘整改函〔2020〕16号")
    )
    summary = models.TextField(_("summary"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("plan revision")
        verbose_name_plural = _("plan revisions")
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="%(app_label)s_%(class)s_unique_number")]

    def __str__(self) -> str:
        return f"{self.plan} · {self.number}"


class PlanRevisionChange(models.Model):
    """One field of one problem changed by a plan revision, with the reviewer's opinion."""

    revision = models.ForeignKey(PlanRevision, on_delete=models.CASCADE, related_name="changes")
    problem = models.ForeignKey(
        "ledger.Problem", null=True, blank=True, on_delete=models.SET_NULL, related_name="revision_changes"
    )
    field = models.CharField(_("field"), max_length=50)
    before = models.TextField(_("before"), blank=True)
    after = models.TextField(_("after"), blank=True)
    opinion = models.TextField(_("review opinion"), blank=True)

    class Meta:
        verbose_name = _("plan revision change")
        verbose_name_plural = _("plan revision changes")
        ordering = ["revision", "pk"]

    def __str__(self) -> str:
        return f"{self.revision} · {self.field}"

    @property
    def field_label(self) -> str:
        """The changed field as a reader calls it (整改时限, 整改目标 …)."""
        if self.field == "deadline":
            return str(_("Deadline"))
        if self.field in ("targets", "measures"):
            return str(_("Targets") if self.field == "targets" else _("Measures"))
        if self.field in AssignmentRole.values:
            return str(AssignmentRole(self.field).label)
        try:
            return str(self.problem._meta.get_field(self.field).verbose_name) if self.problem_id else self.field
        except FieldDoesNotExist:
            return self.field


class Category(models.Model):
    """A group of problems inside a plan (一、例行督察反馈问题（9项）; 二、专项督察…)."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="categories")
    position = models.PositiveIntegerField(_("position"), default=0)
    number_text = models.CharField(_("number as written"), max_length=20, blank=True)
    title = models.CharField(_("title"), max_length=300)
    declared_count = models.PositiveIntegerField(_("declared number of problems"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("problem category")
        verbose_name_plural = _("problem categories")
        ordering = ["plan", "position"]

    def __str__(self) -> str:
        return self.title
