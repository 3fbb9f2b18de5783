"""What an acceptance chain closes (验收销号的对象): a problem of a plan, or a complaint case (信访件).

The chain, its signed step decisions, 公示 with objections and the inbox are the same for both; what
differs is answered here, by one small class per kind of item:

* ``chain()``: which chain applies — the plan's (or its level's default) for a problem; for a case,
  the case chain of the level of its *home* (the case's region when it is a county, city or province,
  else the jurisdiction the batch was handed to);
* ``jurisdiction``: the unit whose ancestors' offices and reviewers act on the level steps, and
  ``office_unit``: the unit of the office (the plan's jurisdiction; the batch's for a case);
* ``public_title``: how the item is named in public (公示 and the portal) — for a case only its number,
  region and pollution types, never the complaint, the complainant or the reported party;
* ``is_office(user)``: the office that closes 公示, rules on objections and acts on ``plan_office``
  steps — the plan's office for a problem, the office that received the case's batch for a case;
* ``may_request(user)`` and ``request_errors()``: who asks for acceptance and what must hold first
  (a problem's measures completed; a case closed (已办结) with its findings);
* ``content(request, attachments, hash_file)``: what a decision signs (``acceptance.signatures``);
* ``sign_off(acting_user, request)``: the item's own action at the end of the chain.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from zhenggai.acceptance.choices import SubjectKind
from zhenggai.ledger.choices import CLOSED_STATUSES, AssignmentRole, ItemStatus, PlanLevel

if TYPE_CHECKING:
    from zhenggai.acceptance.models import AcceptanceChain
    from zhenggai.cases.models import Case
    from zhenggai.ledger.models import Problem
    from zhenggai.organizations.models import Unit

__all__ = ["CaseSubject", "ProblemSubject", "plan_office", "subject_for"]


def plan_office(user, plan) -> bool:
    """Whether ``user`` may change ``plan`` (its office, above it, or an administrator)."""
    from zhenggai.ledger.models import Plan

    return Plan.objects.editable_by(user).filter(pk=plan.pk).exists()


def _remembered(subject, user, ask) -> bool:
    """``is_office`` asked once per subject and user: a page asks it for itself and again through
    ``rules.may_act`` for each step the office acts on; a list fills it in advance (``remember_office``)."""
    offices = subject.__dict__.setdefault("_offices", {})
    if user.pk not in offices:
        offices[user.pk] = ask()
    return offices[user.pk]


class _Subject:
    """What both kinds share."""

    item: Any

    def remember_office(self, user, is_office: bool) -> None:
        """Record the answer of ``is_office`` computed for many items at once (the inbox)."""
        self.__dict__.setdefault("_offices", {})[user.pk] = is_office

    def url(self, anchor: str = "") -> str:
        url = reverse(self.url_name, args=[self.item.pk])
        return f"{url}#{anchor}" if anchor else url

    def locked(self):
        """The subject of the item's row locked for update (re-read: check the state on the locked row)."""
        return type(self)(type(self.item).objects.select_for_update().get(pk=self.item.pk))


class ProblemSubject(_Subject):
    """A problem (督察反馈问题) of a plan: the chain of its plan, its acceptance units, its measures."""

    kind = SubjectKind.PROBLEM
    url_name = "acceptance:problem"

    def __init__(self, problem: Problem) -> None:
        self.item = problem

    @property
    def label(self) -> str:
        return self.item.label

    @property
    def title(self) -> str:
        return self.item.title

    @property
    def public_title(self) -> str:
        return f"{self.label} {self.title}".strip()

    @property
    def jurisdiction(self) -> Unit | None:
        return self.item.plan.jurisdiction

    @property
    def office_unit(self) -> Unit | None:
        return self.item.plan.jurisdiction

    @property
    def is_signed_off(self) -> bool:
        return self.item.status == ItemStatus.SIGNED_OFF

    def request_fields(self) -> dict[str, Any]:
        return {"problem": self.item}

    def chain(self) -> AcceptanceChain | None:
        from zhenggai.acceptance.models import AcceptanceChain

        return AcceptanceChain.for_plan(self.item.plan)

    def acceptance_units(self) -> list[Unit]:
        assignments = self.item.assignments.filter(role=AssignmentRole.ACCEPTANCE).select_related("unit")
        return [a.unit for a in assignments if a.unit]

    def is_office(self, user) -> bool:
        return _remembered(self, user, lambda: plan_office(user, self.item.plan))

    def may_request(self, user) -> bool:
        from zhenggai.progress.actions import can_report

        return can_report(user, self.item)

    def request_errors(self) -> dict[str, list[str]]:
        errors: dict[str, list[str]] = {}
        if self.is_signed_off:
            errors["problem"] = [_("The problem is already signed off.")]
        if open_measures := self._open_measures():
            errors["checklist"] = [_("Measures not completed: %(measures)s") % {"measures": "；".join(open_measures)}]
        return errors

    def _open_measures(self) -> list[str]:
        """Measures neither closed in the ledger nor reported completed in their current report."""
        from zhenggai.progress.choices import ClaimedStatus
        from zhenggai.progress.models import ProgressReport

        claimed = set(
            ProgressReport.objects.filter(
                problem=self.item, is_current=True, claimed_status=ClaimedStatus.COMPLETED
            ).values_list("measure_id", flat=True)
        )
        return [
            str(measure)
            for measure in self.item.measures.all()
            if measure.status not in CLOSED_STATUSES and measure.pk not in claimed
        ]

    def content(self, request, attachments, hash_file) -> dict[str, Any]:
        from zhenggai.acceptance.signatures import content_of
        from zhenggai.ledger.models import Measure
        from zhenggai.progress.models import Evidence

        return content_of(
            self.item,
            Measure.objects.filter(problem=self.item).order_by("position", "pk"),
            Evidence.objects.filter(report__problem_id=self.item.pk, report__is_current=True).order_by("pk"),
            request,
            attachments,
            hash_file,
        )

    def notice_text(self) -> str:
        return _("%(item)s has been rectified and passed acceptance; it is publicly noticed before sign-off.") % {
            "item": self.public_title
        }

    def sign_off(self, *, acting_user, request) -> None:
        from zhenggai.ledger import actions as ledger

        ledger.sign_off_problem(self.item, acting_user=acting_user, reason=f"acceptance {request.pk}")


# Levels a case chain exists for; a case whose region is a township or department takes its batch's.
_CHAIN_LEVELS = frozenset(PlanLevel.values)


class CaseSubject(_Subject):
    """A complaint case (交办信访件): closed by its units, accepted along the case chain of its home's level.

    The case names no acceptance unit (验收单位), so an ``acceptance_unit`` step falls to the office over
    the case, as it does for a problem that names none (``rules.may_act``).
    """

    kind = SubjectKind.CASE
    url_name = "acceptance:case"

    def __init__(self, case: Case) -> None:
        self.item = case

    @property
    def label(self) -> str:
        return self.item.number

    @property
    def title(self) -> str:
        case = self.item
        summary = case.reported_party or case.content
        return summary if len(summary) <= 40 else f"{summary[:40]}…"

    @property
    def public_title(self) -> str:
        """The number, the region and the pollution types: what the batch's disclosure also names."""
        from zhenggai.cases.choices import PollutionType

        case = self.item
        region = case.region.name if case.region_id else case.region_text
        kinds = "、".join(str(PollutionType(code).label) for code in case.pollution_types if code in PollutionType)
        return " ".join(part for part in (case.number, region, kinds) if part)

    @cached_property
    def jurisdiction(self) -> Unit | None:
        """The case's home: its region, or the region's nearest county, city or province above it (a
        township's county), else the batch's jurisdiction."""
        region = self.item.region
        if region is not None and region.level in _CHAIN_LEVELS:
            return region
        if region is not None and (home := region.ancestors().filter(level__in=_CHAIN_LEVELS).last()):
            return home
        return self.item.batch.jurisdiction

    @property
    def office_unit(self) -> Unit | None:
        return self.item.batch.jurisdiction

    @property
    def is_signed_off(self) -> bool:
        from zhenggai.cases.choices import CaseStatus

        return self.item.status == CaseStatus.SIGNED_OFF

    def request_fields(self) -> dict[str, Any]:
        return {"case": self.item}

    def chain(self) -> AcceptanceChain | None:
        from zhenggai.acceptance.models import AcceptanceChain

        home = self.jurisdiction
        return AcceptanceChain.for_level(SubjectKind.CASE, home.level if home else "")

    def acceptance_units(self) -> list[Unit]:
        return []

    def is_office(self, user) -> bool:
        """The office that received the batch, or one above it (``CaseBatch.objects.manageable_by``) — not
        the county office of the case's region, which handled the case and would be approving itself."""
        from zhenggai.cases.models import CaseBatch

        if not getattr(user, "is_authenticated", False):
            return False
        return _remembered(
            self, user, lambda: CaseBatch.objects.manageable_by(user).filter(pk=self.item.batch_id).exists()
        )

    def may_request(self, user) -> bool:
        from zhenggai.cases.models import Case

        return Case.objects.handleable_by(user).filter(pk=self.item.pk).exists()

    def request_errors(self) -> dict[str, list[str]]:
        from zhenggai.cases.choices import CaseStatus

        case = self.item
        if case.status == CaseStatus.SIGNED_OFF:
            return {"case": [_("The case is already signed off.")]}
        if case.status != CaseStatus.CLOSED or not case.findings:
            return {"case": [_("Only a case closed (已办结) with its findings is put to acceptance.")]}
        return {}

    def content(self, request, attachments, hash_file) -> dict[str, Any]:
        from zhenggai.acceptance.signatures import case_content_of

        return case_content_of(self.item, self.item.assignments.order_by("unit_id"), request, attachments, hash_file)

    def notice_text(self) -> str:
        return _(
            "Complaint case %(item)s has been handled and passed acceptance; it is publicly noticed before sign-off."
        ) % {"item": self.public_title}

    def sign_off(self, *, acting_user, request) -> None:
        from zhenggai.cases.actions import sign_off_case

        sign_off_case(self.item, acting_user=acting_user, reason=f"acceptance {request.pk}")


def subject_for(item) -> ProblemSubject | CaseSubject:
    """The subject wrapping a ``Problem`` or a ``Case`` (or an already wrapped one)."""
    if isinstance(item, ProblemSubject | CaseSubject):
        return item
    from zhenggai.cases.models import Case

    return CaseSubject(item) if isinstance(item, Case) else ProblemSubject(item)
