"""A problem's audit trail: its own history rows and those of its targets, measures and assignments.

Values are shown as a reader knows them: choice codes as their labels, foreign keys as
names. A linked problem (parent, merged into) is named only if the reader may open it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby

from django.db import models
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


def _raw_changes(model, records) -> list[tuple[object, list[tuple[models.Field, object, object]]]]:
    """(record, [(field, old, new), …]) per history row, diffs against the previous row of the same object."""
    fields = {f.name: f for f in model._meta.concrete_fields}
    out = []
    for _pk, group in groupby(records, key=lambda r: r.id):
        previous = None
        for record in group:
            changes = []
            if previous is not None and record.history_type == "~":
                for change in record.diff_against(previous).changes:
                    f = fields.get(change.field)
                    if f is not None and f.name not in _HIDDEN:
                        changes.append((f, change.old, change.new))
                if not changes:
                    previous = record
                    continue
            out.append((record, changes))
            previous = record
    return out


class _Names:
    """Resolves foreign-key ids to names, one query per related model."""

    def __init__(self, user) -> None:
        self.user = user
        self.wanted: dict[type, set] = defaultdict(set)
        self.names: dict[tuple[type, object], str] = {}

    def want(self, f: models.Field, *values) -> None:
        if f.is_relation:
            self.wanted[f.related_model].update(v for v in values if v is not None)

    def load(self) -> None:
        for model, ids in self.wanted.items():
            queryset = model._default_manager.filter(pk__in=ids)
            if model is Problem:
                queryset = Problem.objects.visible_to(self.user).filter(pk__in=ids)
            for obj in queryset:
                self.names[(model, obj.pk)] = str(obj)

    def show(self, f: models.Field, value) -> object:
        if value is None or value == "":
            return value
        if f.is_relation:
            return self.names.get((f.related_model, value), "—")
        if f.choices:
            return dict(f.flatchoices).get(value, value)
        return value


def problem_history(problem: Problem, user) -> list[HistoryEntry]:
    """Newest first: one query per history table (with its users) and one per kind of linked object."""
    sources = (
        (Problem, Problem.history.filter(id=problem.pk)),
        (Target, Target.history.filter(problem_id=problem.pk)),
        (Measure, Measure.history.filter(problem_id=problem.pk)),
        (Assignment, Assignment.history.filter(problem_id=problem.pk)),
    )
    rows, names = [], _Names(user)
    for model, queryset in sources:
        records = queryset.select_related("history_user").order_by("id", "history_date", "history_id")
        for record, changes in _raw_changes(model, records[:HISTORY_LIMIT]):
            for f, old, new in changes:
                names.want(f, old, new)
            rows.append((model, record, changes))
    names.load()
    entries = [
        HistoryEntry(
            when=record.history_date,
            user=record.history_user,
            reason=record.history_change_reason or "",
            kind=str(_TYPES.get(record.history_type, record.history_type)),
            subject=_subject(model, record),
            changes=[
                FieldChange(f.name, str(f.verbose_name), names.show(f, old), names.show(f, new))
                for f, old, new in changes
            ],
        )
        for model, record, changes in rows
    ]
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:HISTORY_LIMIT]
