"""Acceptance requests (验收申请), their attachments, and the signed decision of each step."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhenggai.acceptance.choices import Decision, RequestStatus
from zhenggai.acceptance.querysets import AcceptanceRequestQuerySet
from zhenggai.progress.models.reports import evidence_storage


class AcceptanceRequest(models.Model):
    """验收申请: the responsible unit asks for a problem — or a complaint case (信访件) — to be accepted
    and closed. Exactly one of ``problem`` and ``case`` is set; ``subject`` wraps whichever it is with
    what the chain needs to know about it (``acceptance.subjects``).

    ``round`` counts submissions: a return sends the request back to the unit, and resubmitting
    starts the chain again in the next round. ``position`` is the chain step now waiting.
    """

    problem = models.ForeignKey(
        "ledger.Problem",
        verbose_name=_("problem"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="acceptance_requests",
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("complaint case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="acceptance_requests",
    )
    chain = models.ForeignKey("acceptance.AcceptanceChain", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        "organizations.Unit",
        verbose_name=_("requesting unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    report = models.TextField(_("acceptance report"))  # 整改验收报告（自查情况）
    signed_by_head = models.CharField(_("signed by the unit's head"), max_length=60)  # 主要负责人签字
    checklist = models.JSONField(_("acceptance standards"), default=dict)
    status = models.CharField(
        _("status"), max_length=12, choices=RequestStatus.choices, default=RequestStatus.IN_REVIEW
    )
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    position = models.PositiveSmallIntegerField(_("waiting at step"), default=0)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = AcceptanceRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("acceptance request")
        verbose_name_plural = _("acceptance requests")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["problem"],
                condition=models.Q(status__in=["in_review", "in_notice", "returned"]),
                name="acceptance_one_open_request_per_problem",
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(status__in=["in_review", "in_notice", "returned"]),
                name="acceptance_one_open_request_per_case",
            ),
            models.CheckConstraint(
                condition=models.Q(problem__isnull=False, case__isnull=True)
                | models.Q(problem__isnull=True, case__isnull=False),
                name="acceptance_request_one_item",
            ),
        ]

    def __str__(self) -> str:
        item = f"case {self.case_id}" if self.case_id else self.problem_id
        return f"{item} · {self.get_status_display()}"

    @property
    def item(self):
        """The problem or the complaint case the request is about."""
        return self.case if self.case_id else self.problem

    @property
    def subject(self):
        """The item wrapped for the chain (``acceptance.subjects``): its office, rules and content."""
        from zhenggai.acceptance.subjects import subject_for

        return subject_for(self.item)


class AcceptanceAttachment(models.Model):
    """A file of the request (验收材料), with its SHA-256: what the reviewers saw."""

    request = models.ForeignKey(AcceptanceRequest, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), storage=evidence_storage, upload_to="acceptance/%Y/%m/", max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("acceptance attachment")
        verbose_name_plural = _("acceptance attachments")
        ordering = ["request", "pk"]

    def __str__(self) -> str:
        return self.original_name


class StepDecision(models.Model):
    """One step's decision, append-only: who, when, pass or return, the opinion, and the signature.

    The signature is the signing user plus ``content_hash``, a SHA-256 over ``frozen_content``: the
    item's fields, its measures, the request, the hashes of every evidence file and the decision with
    its opinion, as they were at the moment of signing. ``acceptance.signatures.verify`` recomputes
    both the hash and today's content, so a later change to the item or a file is shown. One decision
    per (request, round, position): two reviewers acting at once cannot both decide.
    """

    request = models.ForeignKey(AcceptanceRequest, on_delete=models.PROTECT, related_name="decisions")
    step = models.ForeignKey("acceptance.ChainStep", on_delete=models.PROTECT, related_name="+")
    round = models.PositiveSmallIntegerField(_("round"))
    position = models.PositiveSmallIntegerField(_("step"))
    decision = models.CharField(_("decision"), max_length=8, choices=Decision.choices)
    opinion = models.TextField(_("opinion"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("signed by"), on_delete=models.PROTECT, related_name="+"
    )
    acting_unit = models.ForeignKey(
        "organizations.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acted_at = models.DateTimeField(_("at"))
    frozen_content = models.JSONField(_("content signed"))
    content_hash = models.CharField(_("SHA-256 of the content signed"), max_length=64)

    class Meta:
        verbose_name = _("step decision")
        verbose_name_plural = _("step decisions")
        ordering = ["request", "round", "position"]
        constraints = [
            models.UniqueConstraint(fields=["request", "round", "position"], name="acceptance_one_decision_per_step")
        ]

    def __str__(self) -> str:
        return f"{self.request_id} r{self.round} #{self.position} {self.decision}"
