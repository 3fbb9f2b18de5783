"""Deadline columns shared by problems, targets and measures (整改时限)."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhenggai.core.deadlines import ParsedDeadline, parse_deadline
from zhenggai.ledger.choices import DeadlinePrecision, Recurrence


class DeadlineFields(models.Model):
    """A deadline stored as data beside the text it was written as.

    A deadline may be several things at once: "2018年6月30日前完成，长期坚持" is a date
    *and* long-term; "根据…批复时间确定，其余问题2020年年底前完成" is conditional *and*
    a date. ``due_raw`` always keeps the words of the document.
    """

    due_raw = models.CharField(_("deadline as written"), max_length=500, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    due_precision = models.CharField(
        _("due date precision"), max_length=8, choices=DeadlinePrecision.choices, blank=True
    )
    due_immediate = models.BooleanField(_("immediate (立行立改)"), default=False)
    due_long_term = models.BooleanField(_("long-term (长期坚持)"), default=False)
    due_conditional = models.BooleanField(_("conditional"), default=False)
    due_recurrence = models.CharField(_("recurrence"), max_length=16, choices=Recurrence.choices, blank=True)
    due_ambiguous = models.BooleanField(_("deadline needs review"), default=False)

    class Meta:
        abstract = True

    def set_deadline(self, raw: str) -> ParsedDeadline:
        """Store ``raw`` and the columns parsed from it."""
        parsed = parse_deadline(raw)
        self.due_raw = (raw or "").strip()
        self.due_date = parsed.due_date
        self.due_precision = parsed.precision if parsed.due_date else ""
        self.due_immediate = parsed.immediate
        self.due_long_term = parsed.long_term
        self.due_conditional = parsed.conditional
        self.due_recurrence = parsed.recurrence
        self.due_ambiguous = parsed.ambiguous or (bool(self.due_raw) and not parsed.recognised)
        return parsed

    def deadline_kinds(self) -> list[str]:
        kinds = []
        if self.due_date:
            kinds.append("date")
        if self.due_immediate:
            kinds.append("immediate")
        if self.due_long_term:
            kinds.append("long_term")
        if self.due_conditional:
            kinds.append("conditional")
        if self.due_recurrence:
            kinds.append("recurring")
        return kinds

    def is_overdue(self, as_of: date) -> bool:
        return bool(self.due_date and self.due_date < as_of)
