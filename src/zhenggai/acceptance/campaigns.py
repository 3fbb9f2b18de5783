"""Look-back campaigns (回头看): checking signed-off items again, and reopening those that failed.

A campaign is started by the office of a jurisdiction (or an administrator) and covers the signed-off
problems of the plans under that jurisdiction that the office may see, narrowed by plan, by unit (the
unit or a unit under it holds a lead role), by category, and optionally drawn as a random sample. A
sample is drawn with ``random.Random(seed)`` over the sorted problem ids, and the seed is kept in
``LookbackCampaign.selection``, so the same seed over the same ledger draws the same problems.

Each problem becomes one pending ``LookbackFinding``. ``record_finding`` records a finding once
(passed, or failed with a text); a failed finding reopens the problem through
``acceptance.actions.reopen`` with ``ReopenKind.LOOKBACK``, and the ``Reopening`` names the finding.
Every function is one transaction with a keyword ``acting_user``, like the other actions.
"""

from __future__ import annotations

import logging
import random
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from zhenggai.acceptance import actions
from zhenggai.acceptance.choices import FindingResult, ReopenKind
from zhenggai.acceptance.models import LookbackCampaign, LookbackFinding
from zhenggai.accounts.choices import Role
from zhenggai.core.errors import ConflictError
from zhenggai.ledger.choices import AssignmentRole, ItemStatus
from zhenggai.ledger.filtersets import units_in_scope
from zhenggai.ledger.models import Assignment, Problem
from zhenggai.ledger.querysets import units_under

if TYPE_CHECKING:
    from zhenggai.accounts.models import User

__all__ = ["campaign_counts", "create_campaign", "record_finding", "select_problems"]

audit = logging.getLogger("zhenggai.audit")

# Seeds drawn when none is given: stored with the campaign, so any sample can be drawn again.
_SEED_RANGE = 2**31


def _require_office(acting_user: User, jurisdiction) -> None:
    """Administrators, or an office whose jurisdiction includes ``jurisdiction``."""
    if not getattr(acting_user, "is_authenticated", False) or not acting_user.is_active:
        raise PermissionDenied(_("Only an office or an administrator runs a look-back campaign."))
    if acting_user.is_superuser or acting_user.role == Role.ADMIN:
        return
    if acting_user.role == Role.OFFICE and units_in_scope(acting_user).filter(pk=jurisdiction.pk).exists():
        return
    audit.warning("refused look-back on %s by %s", jurisdiction.pk, acting_user.get_username())
    raise PermissionDenied(_("Only the office of this jurisdiction runs its look-back campaigns."))


def select_problems(acting_user: User, jurisdiction, *, plan=None, unit=None, category=None) -> list[int]:
    """Sorted ids of the signed-off problems a campaign with these filters covers (before sampling)."""
    problems = Problem.objects.visible_to(acting_user).filter(
        status=ItemStatus.SIGNED_OFF, plan__jurisdiction_id__in=units_under(jurisdiction.path)
    )
    if plan is not None:
        problems = problems.filter(plan=plan)
    if category is not None:
        problems = problems.filter(category=category)
    if unit is not None:
        led = Assignment.objects.filter(role=AssignmentRole.LEAD, unit_id__in=units_under(unit.path))
        problems = problems.filter(pk__in=led.values("problem_id"))
    return sorted(problems.values_list("pk", flat=True))


def _sample(ids: list[int], size: int, seed: int) -> list[int]:
    if size >= len(ids):
        return ids
    return sorted(random.Random(seed).sample(ids, size))


@transaction.atomic
def create_campaign(
    *,
    acting_user: User,
    name: str,
    jurisdiction,
    plan=None,
    unit=None,
    category=None,
    sample: int | None = None,
    seed: int | None = None,
) -> LookbackCampaign:
    """Start a 回头看 over the signed-off problems selected; one pending finding per problem."""
    _require_office(acting_user, jurisdiction)
    errors: dict[str, list[str]] = {}
    if not (name or "").strip():
        errors.setdefault("name", []).append(_("Name the campaign."))
    if sample is not None and (isinstance(sample, bool) or not isinstance(sample, int) or sample < 1):
        errors.setdefault("sample", []).append(_("A sample is a whole number of items, at least one."))
    if seed is not None and sample is None:
        errors.setdefault("seed", []).append(_("A seed draws a sample: give the sample size too."))
    if category is not None and plan is not None and category.plan_id != plan.pk:
        errors.setdefault("category", []).append(_("The category belongs to another plan."))
    if errors:
        raise ValidationError(errors)
    ids = select_problems(acting_user, jurisdiction, plan=plan, unit=unit, category=category)
    selection: dict[str, int] = {}
    for key, value in (("plan", plan), ("unit", unit), ("category", category)):
        if value is not None:
            selection[key] = value.pk
    if sample is not None:
        seed = random.SystemRandom().randrange(_SEED_RANGE) if seed is None else int(seed)
        selection |= {"sample": sample, "seed": seed}
        ids = _sample(ids, sample, seed)
    if not ids:
        raise ValidationError(_("No signed-off problem matches this selection; there is nothing to look back on."))
    campaign = LookbackCampaign.objects.create(
        name=name.strip(), jurisdiction=jurisdiction, selection=selection, created_by=acting_user
    )
    LookbackFinding.objects.bulk_create(LookbackFinding(campaign=campaign, problem_id=pk) for pk in ids)
    audit.info(
        "look-back campaign %s by %s: %d problems, selection %s",
        campaign.pk,
        acting_user.get_username(),
        len(ids),
        selection,
    )
    return campaign


@transaction.atomic
def record_finding(finding: LookbackFinding, *, acting_user: User, result: str, text: str = "") -> LookbackFinding:
    """Record what the check found, once: holds (passed) or failed, which needs a text and reopens the item.

    A problem already open again (reopened since the campaign started) keeps its failed finding
    without a second reopening.
    """
    finding = LookbackFinding.objects.select_related("campaign__jurisdiction", "problem__plan").get(pk=finding.pk)
    _require_office(acting_user, finding.campaign.jurisdiction)
    text = (text or "").strip()
    if result not in (FindingResult.PASSED, FindingResult.FAILED):
        raise ValidationError({"result": _("A finding either holds or has failed.")})
    if result == FindingResult.FAILED and not text:
        raise ValidationError({"finding": _("Say what was found: a failed finding reopens the problem.")})
    now = timezone.now()
    recorded = LookbackFinding.objects.filter(pk=finding.pk, result=FindingResult.PENDING).update(
        result=result, finding=text, checked_by=acting_user, checked_at=now
    )
    if not recorded:
        raise ConflictError(_("This finding was already recorded."))
    finding.refresh_from_db()
    problem = finding.problem
    if result == FindingResult.FAILED and problem.status == ItemStatus.SIGNED_OFF:
        actions.reopen(problem, acting_user=acting_user, reason=text, kind=ReopenKind.LOOKBACK, finding=finding)
    return finding


def campaign_counts(campaign: LookbackCampaign) -> dict[str, int]:
    """How far a campaign is: checked, passed, failed, pending, reopened — in one aggregate query."""
    counts = LookbackFinding.objects.filter(campaign=campaign).aggregate(
        checked=Count("pk", filter=~Q(result=FindingResult.PENDING)),
        passed=Count("pk", filter=Q(result=FindingResult.PASSED)),
        failed=Count("pk", filter=Q(result=FindingResult.FAILED)),
        pending=Count("pk", filter=Q(result=FindingResult.PENDING)),
        reopened=Count("reopening"),
    )
    return {key: counts[key] or 0 for key in ("checked", "passed", "failed", "pending", "reopened")}
