"""Template helpers for ledger pages."""

from __future__ import annotations

from datetime import date

from django import template

from zhenggai.ledger.choices import OPEN_STATUSES

register = template.Library()


@register.filter
def overdue_on(item, today: date) -> bool:
    """True when an open problem or measure is past its due date on ``today``."""
    due = getattr(item, "due_date", None)
    status = getattr(item, "status", None)
    return bool(due and today and due < today and status in OPEN_STATUSES)


@register.simple_tag
def revision_diff(change) -> dict:
    """``{% revision_diff change as diff %}``: ``diff.before`` / ``diff.after`` with changes marked."""
    from zhenggai.core.diff import side_by_side

    before, after = side_by_side(change.before, change.after)
    return {"before": before, "after": after}
