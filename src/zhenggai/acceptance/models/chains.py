"""Acceptance chains (验收流程): the ordered steps that close an item, configured per plan level."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from zhenggai.acceptance.choices import ActorLevel, StepKind, SubjectKind
from zhenggai.ledger.choices import PlanLevel


class AcceptanceChain(models.Model):
    """验收流程: the steps an acceptance request passes, for the plans of one level (or one plan).

    ``subject`` says what the chain closes: problems of plans (``plan`` set: the chain of that plan
    only; else the default of ``plan_level``), or complaint cases (the default of the level of the
    case's home jurisdiction, see ``for_case``). ``notice_workdays``
    is the length of 公示 in working days (Chinese holidays and adjusted working days through
    ``core.workdays``). ``allow_same_person`` lets one person pass two consecutive levels.
    """

    name = models.CharField(_("name"), max_length=100)
    subject = models.CharField(_("applies to"), max_length=8, choices=SubjectKind.choices, default=SubjectKind.PROBLEM)
    plan_level = models.CharField(_("plan level"), max_length=16, choices=PlanLevel.choices, blank=True)
    plan = models.OneToOneField(
        "ledger.Plan", verbose_name=_("plan"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    notice_workdays = models.PositiveSmallIntegerField(_("public notice (working days)"), default=5)
    allow_same_person = models.BooleanField(_("one person may pass consecutive levels"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("acceptance chain")
        verbose_name_plural = _("acceptance chains")
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "plan_level"],
                condition=models.Q(plan__isnull=True),
                name="acceptance_one_default_per_subject_level",
            ),
            models.CheckConstraint(
                condition=models.Q(plan__isnull=True) | models.Q(subject=SubjectKind.PROBLEM),
                name="acceptance_plan_chain_is_for_problems",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def for_plan(cls, plan) -> AcceptanceChain | None:
        defaults = cls.objects.filter(plan=None, subject=SubjectKind.PROBLEM)
        return cls.objects.filter(plan=plan).first() or defaults.filter(plan_level=plan.level).first()

    @classmethod
    def for_level(cls, subject: str, level: str) -> AcceptanceChain | None:
        """The default chain of ``subject`` for a jurisdiction of ``level`` (province, city, county)."""
        return cls.objects.filter(plan=None, subject=subject, plan_level=level).first()


class ChainStep(models.Model):
    """One step (验收环节) of a chain: what it does and who acts on it."""

    chain = models.ForeignKey(AcceptanceChain, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=60)  # 县级初验, 市级核查认定, 公示, 销号 …
    kind = models.CharField(_("kind"), max_length=12, choices=StepKind.choices, default=StepKind.REVIEW)
    actor_level = models.CharField(_("acted on by"), max_length=16, choices=ActorLevel.choices)

    class Meta:
        verbose_name = _("acceptance step")
        verbose_name_plural = _("acceptance steps")
        ordering = ["chain", "position"]
        constraints = [models.UniqueConstraint(fields=["chain", "position"], name="acceptance_step_position")]

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"
