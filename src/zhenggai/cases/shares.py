"""Model-free checks of what a case is given, shared by ``actions.add_case``, ``actions.set_case_units``
and the batch import (``batch_import``): the shares of its responsible units and the date in its number.

No Django models are imported here (only translation and the clock), so the import can check thousands
of rows without touching the database and these rules are tested on their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import ROUND_DOWN, Decimal
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from zhenggai.cases.models import CaseBatch

__all__ = ["ONE", "SHARE_STEP", "case_number_date_problem", "check_shares", "equal_shares"]

ONE = Decimal(1)
SHARE_STEP = Decimal("0.0001")  # CaseAssignment.share is stored with 4 decimal places


def equal_shares(count: int) -> list[Decimal]:
    """``count`` shares of one case that sum to exactly 1 (the first takes the rounding: ⅓ → .3334, .3333, .3333)."""
    if count < 1:
        return []
    share = (ONE / count).quantize(SHARE_STEP, rounding=ROUND_DOWN)
    return [ONE - share * (count - 1), *[share] * (count - 1)]


def check_shares(shares: Sequence[Decimal]) -> str | None:
    """A message if the shares of one case are not each in (0, 1] or do not sum to 1."""
    if any(s <= 0 or s > 1 for s in shares):
        return _("Each share must be more than 0 and at most 1.")
    # Stored with 4 decimal places: 0.33333 + 0.66667 adds up to 1 here but not once rounded.
    if any(s != s.quantize(SHARE_STEP) for s in shares):
        return _("A share has at most 4 decimal places.")
    if sum(shares, Decimal(0)) != ONE:
        return _("The shares of a case must add up to 1 (they add up to %(sum)s).") % {"sum": sum(shares)}
    return None


def case_number_date_problem(batch: CaseBatch, received_on: date | None) -> str | None:
    """A message if the date in a case number is after the batch's hand-over or in the future."""
    if received_on is None:
        return None
    if received_on > batch.handed_over_on:
        return _("The case number's date %(date)s is after the batch was handed over (%(handed)s).") % {
            "date": received_on.isoformat(),
            "handed": batch.handed_over_on.isoformat(),
        }
    if received_on > timezone.localdate():
        return _("The case number's date %(date)s is in the future.") % {"date": received_on.isoformat()}
    return None
