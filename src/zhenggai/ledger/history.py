"""A problem's audit trail: its own history rows and those of its targets, measures and assignments."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby

from django.utils.translation import gettext_lazy as _

from zhenggai.ledger.models import Assignment, Measure, Problem, Target

HISTORY_LIMIT = 300
_TYPES = {"+": _("created"), "~": _("changed"), "-": _("deleted")}
# Columns that say nothing to a reader of the history.
_HIDDEN = {"version", "position", "due_precision", "created_at", "updated_at"}


@dataclass
class FieldChange:
    field: str
    label: str
    old: object
    new: object


@dataclass
class HistoryEntry:
    when: datetime
    user: object
    reason: str
    kind: str
    subject: str
    changes: list[FieldChange] = field(default_factory=list)


def _subject(model, record) -> str:
    if model is Problem:
        return str(_("problem"))
    if model is Target:
        return f"{_('target')} {record.number_text}".strip()
    if model is Measure:
        return f"{_('measure')} {record.number_text}".strip()
    return f"{_('assignment')} · {record.get_role_display()} · {record.raw_text}"


def _entries_for(model, records) -> list[HistoryEntry]:
    entries = []
    fields = {f.attname: f for f in model._meta.concrete_fields}
    for _pk, group in groupby(records, key=lambda r: r.id):
        previous = None
        for record in group:
            changes = []
            if previous is not None and record.history_type == "~":
                delta = record.diff_against(previous)
                for change in delta.changes:
                    name = fields[change.field].attname if change.field in fields else change.field
                    if name in _HIDDEN:
                        continue
                    label = fields[name].verbose_name if name in fields else name
                    changes.append(FieldChange(name, str(label), change.old, change.new))
                if not changes:
                    previous = record
                    continue
            entries.append(
                HistoryEntry(
                    when=record.history_date,
                    user=record.history_user,
                    reason=record.history_change_reason or "",
                    kind=str(_TYPES.get(record.history_type, record.history_type)),
                    subject=_subject(model, record),
                    changes=changes,
                )
            )
            previous = record
    return entries


def problem_history(problem: Problem) -> list[HistoryEntry]:
    """Newest first. Four queries: one per historical table, each with its users joined."""
    sources = (
        (Problem, Problem.history.filter(id=problem.pk)),
        (Target, Target.history.filter(problem_id=problem.pk)),
        (Measure, Measure.history.filter(problem_id=problem.pk)),
        (Assignment, Assignment.history.filter(problem_id=problem.pk)),
    )
    entries: list[HistoryEntry] = []
    for model, queryset in sources:
        records = queryset.select_related("history_user").order_by("id", "history_date", "history_id")
        entries.extend(_entries_for(model, records[:HISTORY_LIMIT]))
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:HISTORY_LIMIT]
