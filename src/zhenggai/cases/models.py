"""Complaint cases handed over by an inspection team (交办信访件/举报件): batches, cases, responsible units
with shares and batch import jobs (sign-off goes through the acceptance chain, ``zhenggai.acceptance``).

During its stay an inspection team hands the province de-duplicated complaints in daily numbered
batches (第N批); each case goes to one or more units, must be reported back within a few days, and is
disclosed per batch (公开情况一览表). See shared/docs/domain-research.md, "Complaint hand-over".
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from zhenggai.cases.choices import ACTIVE_IMPORT_STATUSES, CaseStatus, Channel, Findings, ImportStatus
from zhenggai.cases.querysets import CaseAssignmentQuerySet, CaseBatchQuerySet, CaseQuerySet
from zhenggai.progress.models.reports import evidence_storage

__all__ = ["DEFAULT_DEADLINE_DAYS", "Case", "CaseAssignment", "CaseBatch", "CaseImportJob", "CaseRule"]

# Shandong and the central teams give 10 days; Anhui 7 (provincial) or 5 (city level).
DEFAULT_DEADLINE_DAYS = 10


class CaseRule(models.Model):
    """How long units have to report a case back, for one inspection (办理时限): 5, 7 or 10 days after the
    hand-over, calendar or working days. A batch may set its own number of days."""

    inspection = models.OneToOneField(
        "ledger.Inspection", verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="case_rule"
    )
    deadline_days = models.PositiveSmallIntegerField(
        _("days to report back"), default=DEFAULT_DEADLINE_DAYS, validators=[MinValueValidator(1)]
    )
    working_days = models.BooleanField(_("count working days"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("case deadline rule")
        verbose_name_plural = _("case deadline rules")

    def __str__(self) -> str:
        return f"{self.inspection_id}: {self.deadline_days}"

    def due_after(self, handed_over: date, days: int | None = None) -> date:
        days = days or self.deadline_days
        if self.working_days:
            from zhenggai.core.workdays import add_working_days

            return add_working_days(handed_over, days)
        return handed_over + timedelta(days=days)


class CaseBatch(models.Model):
    """One batch (第N批) of cases the inspection team handed over to a jurisdiction.

    ``due_date`` is the day the units must report back: given, or computed from ``handed_over_on`` by
    ``deadline_days`` (the batch's own) or the inspection's ``CaseRule`` (default 10 calendar days).
    """

    inspection = models.ForeignKey(
        "ledger.Inspection", verbose_name=_("inspection"), on_delete=models.PROTECT, related_name="case_batches"
    )
    number = models.PositiveIntegerField(_("batch number"), validators=[MinValueValidator(1)])
    title = models.CharField(_("title"), max_length=300, blank=True)
    received_on = models.DateField(_("received on"), null=True, blank=True)
    handed_over_on = models.DateField(_("handed over on"))
    deadline_days = models.PositiveSmallIntegerField(
        _("days to report back"), null=True, blank=True, help_text=_("Empty: the inspection's rule")
    )
    due_date = models.DateField(_("due date"))
    jurisdiction = models.ForeignKey(
        "organizations.Unit", verbose_name=_("jurisdiction"), on_delete=models.PROTECT, related_name="case_batches"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    history = HistoricalRecords()
    objects = CaseBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("case batch")
        verbose_name_plural = _("case batches")
        ordering = ["inspection_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "number"], name="cases_batch_unique_number"),
        ]

    def __str__(self) -> str:
        return self.title or f"第{self.number}批"


class Case(models.Model):
    """A complaint case (信访件/举报件) as handed over and as handled.

    ``number`` is the case number as written (normalised: half-width, upper case); the ``number_*``
    columns hold its parts when it parses (``case_numbers.parse_case_number``), otherwise
    ``number_valid`` is false and only the text is kept. It is unique within the inspection
    (``inspection`` repeats the batch's, so the database can enforce that).

    ``pollution_types`` is a JSON list of ``PollutionType`` codes rather than a many-to-many table: the
    vocabulary is fixed and carries no data of its own, the list is part of each history row (simple-
    history does not record many-to-many changes), and a batch of thousands of cases imports with one
    INSERT per table instead of another per type. Filtering by a type matches the quoted code in the
    JSON text (``with_pollution_type``), which both SQLite and PostgreSQL answer.

    Handling: ``findings`` (属实/部分属实/不属实, empty until investigated), ``status``, the texts of the
    disclosure (``investigation`` 调查核实情况, ``handling`` 处理和整改情况, ``accountability`` 问责情况)
    and the penalty counts. ``version`` goes up with every change (optimistic locking of forms).
    """

    inspection = models.ForeignKey(
        "ledger.Inspection", verbose_name=_("inspection"), on_delete=models.PROTECT, related_name="+"
    )
    batch = models.ForeignKey(CaseBatch, verbose_name=_("batch"), on_delete=models.PROTECT, related_name="cases")
    position = models.PositiveIntegerField(_("serial number"), default=0)
    number = models.CharField(_("case number"), max_length=64)
    number_valid = models.BooleanField(_("case number understood"), default=False)
    number_round = models.PositiveSmallIntegerField(_("round"), null=True, blank=True)
    number_province = models.CharField(_("province code"), max_length=4, blank=True)
    number_date = models.DateField(_("date in the case number"), null=True, blank=True)
    number_sequence = models.PositiveIntegerField(_("sequence"), null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, blank=True)
    region = models.ForeignKey(
        "organizations.Unit",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    region_text = models.CharField(_("region as written"), max_length=100, blank=True)
    pollution_types = models.JSONField(_("pollution types"), default=list, blank=True)
    is_key = models.BooleanField(_("key case"), default=False)
    content = models.TextField(_("complaint"))
    reported_party = models.CharField(_("reported party"), max_length=300, blank=True)
    due_date = models.DateField(_("due date"))
    findings = models.CharField(_("findings"), max_length=10, choices=Findings.choices, blank=True)
    status = models.CharField(
        pgettext_lazy("case", "status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.IN_PROGRESS
    )
    investigation = models.TextField(_("investigation"), blank=True)
    handling = models.TextField(_("handling and rectification"), blank=True)
    accountability = models.TextField(_("accountability"), blank=True)
    ordered_to_correct = models.PositiveIntegerField(_("ordered to correct"), default=0)
    suspended = models.PositiveIntegerField(_("production suspended"), default=0)
    closed_down = models.PositiveIntegerField(_("closed down"), default=0)
    penalty_cases = models.PositiveIntegerField(_("penalty cases filed"), default=0)
    fine_amount = models.DecimalField(
        _("fines (10,000 yuan)"), max_digits=14, decimal_places=4, default=Decimal(0), validators=[MinValueValidator(0)]
    )
    administrative_detention = models.PositiveIntegerField(_("administrative detention"), default=0)
    criminal_detention = models.PositiveIntegerField(_("criminal detention"), default=0)
    interviewed_persons = models.PositiveIntegerField(_("persons interviewed"), default=0)
    accountable_persons = models.PositiveIntegerField(_("persons held accountable"), default=0)
    repeat_of = models.ForeignKey(
        "self",
        verbose_name=_("repeat of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="repeats",
    )
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    history = HistoricalRecords()
    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("complaint case")
        verbose_name_plural = _("complaint cases")
        ordering = ["batch_id", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "number"], name="cases_case_unique_number"),
            models.CheckConstraint(condition=Q(fine_amount__gte=0), name="cases_case_fine_not_negative"),
        ]
        indexes = [
            models.Index(fields=["batch", "position"], name="cases_case_batch_position"),
            models.Index(fields=["status"], name="cases_case_status"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def penalty_fields(self) -> list[tuple[str, object]]:
        return [(self._meta.get_field(name).verbose_name, getattr(self, name)) for name in PENALTY_FIELDS]


PENALTY_FIELDS = (
    "ordered_to_correct",
    "suspended",
    "closed_down",
    "penalty_cases",
    "fine_amount",
    "administrative_detention",
    "criminal_detention",
    "interviewed_persons",
    "accountable_persons",
)


class CaseAssignment(models.Model):
    """A unit responsible for a case (责任单位) and its share of it: a case co-handled by two districts
    counts 0.5 for each. The shares of one case sum to 1 (the actions and the import see to it)."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(
        "organizations.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="case_assignments"
    )
    share = models.DecimalField(
        _("share"),
        max_digits=5,
        decimal_places=4,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal("0.0001")), MaxValueValidator(Decimal(1))],
    )

    history = HistoricalRecords()
    objects = CaseAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("case assignment")
        verbose_name_plural = _("case assignments")
        ordering = ["case_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "unit"], name="cases_assignment_unique_unit"),
            models.CheckConstraint(condition=Q(share__gt=0) & Q(share__lte=1), name="cases_assignment_share_range"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.unit_id} · {self.share}"


def import_path(instance: CaseImportJob, filename: str) -> str:
    return f"case-imports/batch-{instance.batch_id}/{filename}"


class CaseImportJobQuerySet(models.QuerySet):
    def active(self) -> CaseImportJobQuerySet:
        return self.filter(status__in=ACTIVE_IMPORT_STATUSES)

    def visible_to(self, user) -> CaseImportJobQuerySet:
        """The requester's own jobs, while the requester may still manage the batch."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(requested_by=user, batch__in=CaseBatch.objects.manageable_by(user).values("pk"))


class CaseImportJob(models.Model):
    """A large batch file imported in the background (the pattern of ``exports.ExportJob``).

    The uploaded workbook waits in the private storage (``file``, with its SHA-256); the job checks it
    (``rows_done`` of ``rows_total`` while reading) and, when it has no error, imports it all at once.
    A failed job keeps its row errors (``errors``: a list of ``{"row", "number", "message"}``) and
    imports nothing. One queued or running job per batch.
    """

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    batch = models.ForeignKey(CaseBatch, verbose_name=_("batch"), on_delete=models.PROTECT, related_name="import_jobs")
    file = models.FileField(_("file"), storage=evidence_storage, upload_to=import_path, max_length=300)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    status = models.CharField(
        pgettext_lazy("import job", "status"),
        max_length=10,
        choices=ImportStatus.choices,
        default=ImportStatus.QUEUED,
        db_index=True,
    )
    rows_done = models.PositiveIntegerField(_("rows checked"), default=0)
    rows_total = models.PositiveIntegerField(_("rows in all"), default=0)
    imported = models.PositiveIntegerField(_("cases imported"), default=0)
    errors = models.JSONField(_("row errors"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("last progress at"), default=timezone.now)

    objects = CaseImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("case import job")
        verbose_name_plural = _("case import jobs")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch"], condition=Q(status__in=ACTIVE_IMPORT_STATUSES), name="cases_one_active_import"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id} · {self.get_status_display()}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_IMPORT_STATUSES

    @property
    def percent(self) -> int:
        if self.status == ImportStatus.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_done * 100 // self.rows_total)
