"""Problems (督察反馈问题), targets (整改目标), measures (整改措施) and responsibility assignments."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from zhenggai.ledger.choices import AssignmentRole, ItemStatus
from zhenggai.ledger.models.deadline import DeadlineFields
from zhenggai.ledger.querysets import AssignmentQuerySet, ChildQuerySet, ProblemQuerySet


class Problem(DeadlineFields):
    """A problem fed back by the inspection, which the plan turns into a rectification task (整改任务).

    ``number_text`` keeps the label as written (第十七项, 二十一、, （一）). A problem the plan
    splits into aspects (004 第十七项 "分2个方面进行整改") has child problems through
    ``parent``; problems rectified together ("第10、31两项合并整改") point at the one
    they were merged into. ``version`` increases on every save and guards against two
    people overwriting each other.
    """

    plan = models.ForeignKey("ledger.Plan", verbose_name=_("plan"), on_delete=models.PROTECT, related_name="problems")
    category = models.ForeignKey(
        "ledger.Category",
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="problems",
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("part of"), null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("rectified together with"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged",
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    number_text = models.CharField(_("number as written"), max_length=40, blank=True)
    title = models.CharField(_("title"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    cause = models.TextField(_("cause analysis (原因分析)"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=ItemStatus.choices, default=ItemStatus.NOT_STARTED)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = ProblemQuerySet.as_manager()

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        # plan_id (not the plan's own ordering) so the (plan, position) index gives the order without a sort.
        ordering = ["plan_id", "position", "pk"]
        indexes = [
            # Used by the ledger list: a plan's rows in order, and its status/deadline filters.
            models.Index(fields=["plan", "position"], name="ledger_problem_plan_pos"),
            models.Index(fields=["status", "due_date"], name="ledger_problem_status_due"),
            models.Index(fields=["due_date"], name="ledger_problem_due"),
            models.Index(fields=["category"], name="ledger_problem_category"),
        ]

    def __str__(self) -> str:
        return f"{self.number_text} {self.title}".strip()

    @property
    def label(self) -> str:
        if self.parent_id and self.parent:
            return f"{self.parent.number_text}{self.number_text}"
        return self.number_text or (str(self.number) if self.number else "")


class Target(DeadlineFields):
    """A rectification target (整改目标), with its own deadline where the plan numbers them (000)."""

    problem = models.ForeignKey(Problem, verbose_name=_("problem"), on_delete=models.CASCADE, related_name="targets")
    position = models.PositiveIntegerField(_("position"), default=0)
    number_text = models.CharField(_("number as written"), max_length=40, blank=True)
    text = models.TextField(_("text"))

    history = HistoricalRecords()
    objects = ChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["problem", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.number_text} {self.text[:40]}".strip()


class Measure(DeadlineFields):
    """A concrete rectification measure (整改措施) with its own deadline and units."""

    problem = models.ForeignKey(Problem, verbose_name=_("problem"), on_delete=models.CASCADE, related_name="measures")
    target = models.ForeignKey(
        Target, verbose_name=_("target"), null=True, blank=True, on_delete=models.SET_NULL, related_name="measures"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    number_text = models.CharField(_("number as written"), max_length=40, blank=True)
    text = models.TextField(_("text"))
    status = models.CharField(_("status"), max_length=16, choices=ItemStatus.choices, default=ItemStatus.NOT_STARTED)

    history = HistoricalRecords()
    objects = ChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["problem", "position", "pk"]
        indexes = [models.Index(fields=["status", "due_date"], name="ledger_measure_status_due")]

    def __str__(self) -> str:
        return f"{self.number_text} {self.text[:40]}".strip()


class Assignment(models.Model):
    """One responsibility: a unit or person in one role for a problem, or for one of its targets or measures.

    Roles are separate rows (责任单位, 配合单位, 督导单位, 验收单位, 责任领导, 责任人员).
    ``raw_text`` keeps the name as the document wrote it — sometimes there is no single
    unit or person to link ("各级党委和政府…主要负责人"). When a unit's duties pass to
    its successor, ``inherited_from`` remembers who held the task before.
    """

    problem = models.ForeignKey(
        Problem, verbose_name=_("problem"), on_delete=models.CASCADE, related_name="assignments"
    )
    # Most assignments belong to the problem itself: target/measure are indexed only where set (see Meta).
    target = models.ForeignKey(
        Target,
        verbose_name=_("target"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="assignments",
        db_index=False,
    )
    measure = models.ForeignKey(
        Measure,
        verbose_name=_("measure"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="assignments",
        db_index=False,
    )
    role = models.CharField(_("role"), max_length=16, choices=AssignmentRole.choices)
    unit = models.ForeignKey(
        "organizations.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
        db_index=False,  # the (unit, problem) index below serves every lookup by unit
    )
    person = models.ForeignKey(
        "organizations.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
        db_index=False,  # the (person, problem) index below serves every lookup by person
    )
    raw_text = models.CharField(_("as written"), max_length=500, blank=True)
    inherited_from = models.ForeignKey(
        "organizations.Unit",
        verbose_name=_("inherited from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    history = HistoricalRecords()
    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["problem", "role", "position", "pk"]
        indexes = [
            # Visibility: "problems where these units hold a role" reads problem ids straight from the index.
            models.Index(fields=["unit", "problem"], name="ledger_assign_unit_problem"),
            models.Index(fields=["person", "problem"], name="ledger_assign_person_problem"),
            models.Index(fields=["target"], name="ledger_assignment_target", condition=models.Q(target__isnull=False)),
            models.Index(
                fields=["measure"], name="ledger_assignment_measure", condition=models.Q(measure__isnull=False)
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(unit__isnull=False) | models.Q(person__isnull=False) | ~models.Q(raw_text=""),
                name="%(app_label)s_%(class)s_names_someone",
            ),
        ]

    def __str__(self) -> str:
        who = self.unit or self.person or self.raw_text
        return f"{self.get_role_display()}: {who}"

    @property
    def holder_name(self) -> str:
        if self.unit_id:
            return str(self.unit)
        if self.person_id:
            return str(self.person)
        return self.raw_text
