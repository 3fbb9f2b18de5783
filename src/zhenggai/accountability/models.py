"""Accountability (责任追究): the problems an inspection transfers for investigation and the persons held accountable.

After its feedback an inspection hands over a list of 生态环境损害责任追究问题 (003: "对中央第六环保督察组移交的
7个生态环境损害问题进行专案盯办"); the discipline commission investigates each and holds persons accountable
("共对83人进行了追责问责，其中厅级14人…"). ``TransferredProblem`` is one such problem and its investigation,
``AccountablePerson`` one person held accountable for it, with the decision document.

Who sees them (``visible_to``) — these are personnel matters, so the rule is narrower than the ledger's:

* administrators see everything;
* an office (整改办) sees the transferred problems of inspections whose inspected jurisdiction lies in its
  subtree (the province office for a central inspection of the province), and those handed to a handling
  unit in its subtree (a city office for a problem the city investigates);
* nobody else — responsible units, supervisors and reviewers see none, even of problems they hold in the
  ledger: who was sanctioned is not a rectification task and is not shared with the units concerned.

An office that sees a row may also change it (``editable_by`` is the same rule).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from zhenggai.accountability.choices import InvestigationStatus, Rank, Sanction
from zhenggai.accounts.choices import Role
from zhenggai.accounts.scope import ALL, SUBTREE, scope_for
from zhenggai.ledger.querysets import units_under
from zhenggai.progress.models.reports import evidence_storage


def office_root(user) -> str | None:
    """The tree path an office user sees, ``""`` for everything (admins), None for no accountability rows."""
    scope = scope_for(user)
    if scope.kind == ALL:
        return ""
    if scope.kind == SUBTREE and scope.role == Role.OFFICE:
        return scope.root_path
    return None


def _condition(root_path: str, prefix: str = "") -> Q:
    units = units_under(root_path)
    return Q(**{f"{prefix}inspection__inspected_unit_id__in": units}) | Q(**{f"{prefix}handling_unit_id__in": units})


class TransferredProblemQuerySet(models.QuerySet):
    def visible_to(self, user) -> TransferredProblemQuerySet:
        """The module docstring's rule: admins all, offices by inspected jurisdiction or handling unit, others none."""
        root = office_root(user)
        if root is None:
            return self.none()
        return self if root == "" else self.filter(_condition(root))

    def in_jurisdiction(self, unit) -> TransferredProblemQuerySet:
        """The problems an office of ``unit`` would see: inspected there or below, or investigated there or below
        (a city's share of a provincial inspection)."""
        return self.filter(_condition(unit.path))

    def editable_by(self, user) -> TransferredProblemQuerySet:
        """An office changes what it sees (the investigation is its jurisdiction's business)."""
        return self.visible_to(user)


class AccountablePersonQuerySet(models.QuerySet):
    def visible_to(self, user) -> AccountablePersonQuerySet:
        """A person is visible exactly when the transferred problem is (the same rule through the join)."""
        root = office_root(user)
        if root is None:
            return self.none()
        return self if root == "" else self.filter(_condition(root, "transferred_problem__"))


class TransferredProblem(models.Model):
    """A problem an inspection transferred for accountability (移交的生态环境损害责任追究问题) and its investigation.

    ``number`` is the number in the transfer list, unique per inspection. ``handling_unit`` is the unit of the
    registry that investigates (or leads it), ``handling_unit_text`` the name as written when it is not in the
    registry (自治区纪委监委). ``findings`` are internal; ``outcome`` is the text fit for publication (处理结果).
    ``problems`` links the ledger problems the transfer concerns. History rows (django-simple-history) are the
    audit trail; only ``zhenggai.accountability.actions`` writes these rows.
    """

    inspection = models.ForeignKey(
        "ledger.Inspection",
        verbose_name=_("inspection"),
        on_delete=models.PROTECT,
        related_name="transferred_problems",
    )
    number = models.CharField(_("number"), max_length=40, help_text=_("The number in the transfer list"))
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    transferred_on = models.DateField(_("transferred on"), null=True, blank=True)
    handling_unit = models.ForeignKey(
        "organizations.Unit",
        verbose_name=_("investigating unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handling_unit_text = models.CharField(
        _("investigating unit as written"), max_length=200, blank=True, help_text=_("e.g. 自治区纪委监委")
    )
    status = models.CharField(
        _("investigation status"),
        max_length=16,
        choices=InvestigationStatus.choices,
        default=InvestigationStatus.INVESTIGATING,
    )
    findings = models.TextField(_("findings"), blank=True, help_text=_("Internal: never published"))
    outcome = models.TextField(
        _("outcome"), blank=True, help_text=_("The handling outcome as it may be published (处理结果)")
    )
    problems = models.ManyToManyField(
        "ledger.Problem", verbose_name=_("ledger problems"), blank=True, related_name="accountability_transfers"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[problems])
    objects = TransferredProblemQuerySet.as_manager()

    class Meta:
        verbose_name = _("transferred problem")
        verbose_name_plural = _("transferred problems")
        ordering = ["inspection", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "number"], name="accountability_one_number_per_inspection")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def handled_by(self) -> str:
        return self.handling_unit.name if self.handling_unit_id else self.handling_unit_text


def decision_path(instance: AccountablePerson, filename: str) -> str:
    return f"accountability/decisions/{filename}"


class AccountablePerson(models.Model):
    """A person held accountable (追责问责) for a transferred problem.

    ``post`` is the unit and post as the decision writes it (原某市交通运输局局长). ``sanction`` is the kind that
    003 counts, ``sanction_detail`` the measure itself (党内警告). The decision document lives in the private
    storage (outside the web root, served only by a checked view); its type was read from its content and
    ``document_sha256`` is the digest of the stored bytes. The name appears on the public portal only when
    ``publish_name`` is set. History rows are the audit trail; only the actions write these rows.
    """

    transferred_problem = models.ForeignKey(
        TransferredProblem, verbose_name=_("transferred problem"), on_delete=models.PROTECT, related_name="persons"
    )
    name = models.CharField(_("name"), max_length=100)
    post = models.CharField(_("unit and post as written"), max_length=300)
    rank = models.CharField(_("rank"), max_length=16, choices=Rank.choices)
    sanction = models.CharField(_("sanction"), max_length=16, choices=Sanction.choices)
    sanction_detail = models.CharField(
        _("sanction in detail"), max_length=200, blank=True, help_text=_("e.g. 党内警告, 政务记过")
    )
    decided_on = models.DateField(_("decision date"), null=True, blank=True)
    document = models.FileField(
        _("decision document"), storage=evidence_storage, upload_to=decision_path, max_length=300, blank=True
    )
    document_name = models.CharField(_("file name"), max_length=255, blank=True)
    document_type = models.CharField(_("content type"), max_length=100, blank=True)
    document_size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    document_sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    publish_name = models.BooleanField(
        _("publish the name"), default=False, help_text=_("Without it the portal shows the post, never the name")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = AccountablePersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person held accountable")
        verbose_name_plural = _("persons held accountable")
        ordering = ["transferred_problem", "pk"]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_rank_display()}，{self.get_sanction_display()}）"
