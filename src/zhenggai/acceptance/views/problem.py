"""An item's acceptance page (验收销号) — a problem's or a complaint case's: the chain, every request and
round with its signed decisions and their verification, the materials, 公示 with its objections,
reopenings (problems), and the buttons the reader's rights allow. Also the permission-checked
downloads of materials and objection files.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from zhenggai.acceptance import rules, signatures
from zhenggai.acceptance.choices import ObjectionStatus, RequestStatus, StepKind
from zhenggai.acceptance.models import (
    AcceptanceAttachment,
    AcceptanceRequest,
    ChainStep,
    Objection,
    PublicNotice,
    StepDecision,
)
from zhenggai.acceptance.subjects import subject_for
from zhenggai.acceptance.views.common import (
    REQUEST_ITEM_RELATED,
    checklist_rows,
    may_request,
    may_see_objectors,
    visible_objections,
    visible_requests,
    waiting_step,
)
from zhenggai.acceptance.views.verification import FileHashes, verify_decisions
from zhenggai.cases.models import Case
from zhenggai.core.downloads import private_download
from zhenggai.ledger.choices import AssignmentRole
from zhenggai.ledger.models import Problem
from zhenggai.progress.models import Evidence

OPEN_STATUSES = (RequestStatus.IN_REVIEW, RequestStatus.IN_NOTICE, RequestStatus.RETURNED)


@dataclass
class RoundEntry:
    """One round of a request: its decisions (each with ``verification``) and its notices."""

    number: int
    decisions: list[StepDecision] = field(default_factory=list)
    notices: list[PublicNotice] = field(default_factory=list)


@dataclass
class RequestEntry:
    """A request as the page shows it, with what the reader may do on it now."""

    request: AcceptanceRequest
    rounds: list[RoundEntry]
    checklist: list[tuple[str, bool]]
    attachments: list[AcceptanceAttachment]
    step: ChainStep | None = None
    notice: PublicNotice | None = None
    can_decide: bool = False
    can_close: bool = False  # the reader closes 公示 once it is ready
    notice_ready: bool = False  # the window has ended and no objection is open
    can_resubmit: bool = False


def _requests(item: Problem | Case) -> list[AcceptanceRequest]:
    objections = Objection.objects.select_related("handled_by").order_by("pk")
    return list(
        item.acceptance_requests.select_related("chain", "requested_by", "unit").prefetch_related(
            Prefetch("chain__steps", queryset=ChainStep.objects.order_by("position")),
            Prefetch(
                "decisions",
                queryset=StepDecision.objects.select_related("step", "actor", "acting_unit").order_by(
                    "round", "position", "pk"
                ),
            ),
            Prefetch("attachments", queryset=AcceptanceAttachment.objects.order_by("pk")),
            Prefetch(
                "notices",
                queryset=PublicNotice.objects.order_by("round", "pk").prefetch_related(
                    Prefetch("objections", queryset=objections)
                ),
            ),
        )
    )


def _rounds(request: AcceptanceRequest) -> list[RoundEntry]:
    rounds = {number: RoundEntry(number) for number in range(1, request.round + 1)}
    for decision in request.decisions.all():
        rounds.setdefault(decision.round, RoundEntry(decision.round)).decisions.append(decision)
    for notice in request.notices.all():
        rounds.setdefault(notice.round, RoundEntry(notice.round)).notices.append(notice)
    return [rounds[number] for number in sorted(rounds)]


class ItemAcceptanceView(LoginRequiredMixin, TemplateView):
    """Everything about an item's acceptance, for everyone who sees the item (else 404).

    The database is read a fixed number of times whatever the number of rounds and decisions
    (see ``test_problem_view`` and ``test_case_acceptance``); each stored file is hashed once to
    verify the signatures. Subclasses load the item and say how today's content is built.
    """

    template_name = "acceptance/item.html"

    def get_item(self, pk: int):
        raise NotImplementedError

    def verifications(self, item, requests: list[AcceptanceRequest]) -> dict:
        raise NotImplementedError

    def item_context(self, item, office: bool) -> dict:
        return {}

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        item = self.get_item(kwargs["pk"])
        subject = subject_for(item)
        chain = subject.chain()
        requests = _requests(item)
        verifications = self.verifications(item, requests)
        office = subject.is_office(user)
        requester = may_request(user, item)
        today = timezone.localdate()
        entries = [self._entry(request, subject, requester, today) for request in requests]
        for entry in entries:
            for round_entry in entry.rounds:
                for decision in round_entry.decisions:
                    decision.verification = verifications[decision.pk]
        has_open = any(r.status in OPEN_STATUSES for r in requests)
        context.update(
            item=item,
            subject=subject,
            chain=chain,
            steps=list(chain.steps.order_by("position")) if chain else [],
            entries=entries,
            plan_office=office,
            show_objectors=may_see_objectors(user, plan_office=office),
            can_request=requester and not has_open and not subject.is_signed_off,
            signed_off=subject.is_signed_off,
            tampered_count=sum(not v.ok for v in verifications.values()),
            today=today,
            **self.item_context(item, office),
        )
        return context

    def _entry(self, request: AcceptanceRequest, subject, requester: bool, today) -> RequestEntry:
        user = self.request.user
        entry = RequestEntry(request, _rounds(request), checklist_rows(request), list(request.attachments.all()))
        if request.status == RequestStatus.RETURNED:
            entry.can_resubmit = requester
        if request.status not in (RequestStatus.IN_REVIEW, RequestStatus.IN_NOTICE):
            return entry
        entry.step = waiting_step(request)
        if entry.step is None:
            return entry
        may_act = request.requested_by_id != user.pk and rules.may_act(user, entry.step, subject)
        if request.status == RequestStatus.IN_REVIEW and entry.step.kind != StepKind.NOTICE:
            entry.can_decide = may_act
        elif request.status == RequestStatus.IN_NOTICE:
            entry.notice = next(
                (n for n in request.notices.all() if n.round == request.round and n.closed_at is None), None
            )
            entry.can_close = may_act and entry.notice is not None
            if entry.notice is not None:
                open_objections = any(o.status == ObjectionStatus.OPEN for o in entry.notice.objections.all())
                entry.notice_ready = today > entry.notice.ends_on and not open_objections
        return entry


class ProblemAcceptanceView(ItemAcceptanceView):
    """A problem's acceptance: its acceptance units, its measures and evidence in the signatures, reopenings."""

    def get_item(self, pk: int) -> Problem:
        return get_object_or_404(
            Problem.objects.visible_to(self.request.user).select_related("plan__jurisdiction", "parent"), pk=pk
        )

    def verifications(self, item: Problem, requests: list[AcceptanceRequest]) -> dict:
        measures = list(item.measures.order_by("position", "pk"))
        evidence = list(Evidence.objects.filter(report__problem_id=item.pk, report__is_current=True).order_by("pk"))
        return verify_decisions(item, measures, evidence, requests)

    def item_context(self, item: Problem, office: bool) -> dict:
        assignments = item.assignments.filter(role=AssignmentRole.ACCEPTANCE).select_related("unit", "person")
        return {
            "problem": item,
            "request_url": reverse("acceptance:request_new", args=[item.pk]),
            "acceptance_units": [a.holder_name for a in assignments],
            "reopenings": list(item.reopenings.select_related("reopened_by")),
            "can_reopen": office and subject_for(item).is_signed_off,
        }


class CaseAcceptanceView(ItemAcceptanceView):
    """A complaint case's acceptance: the case chain; the case's fields, units and shares in the signatures."""

    def get_item(self, pk: int) -> Case:
        return get_object_or_404(
            Case.objects.visible_to(self.request.user).select_related("batch__jurisdiction", "region"), pk=pk
        )

    def verifications(self, item: Case, requests: list[AcceptanceRequest]) -> dict:
        assignments = list(item.assignments.order_by("unit_id"))
        hashes = FileHashes()
        results = {}
        for request in requests:
            now = signatures.case_content_of(item, assignments, request, request.attachments.all(), hashes)
            for decision in request.decisions.all():
                results[decision.pk] = signatures.check(decision, now)
        return results

    def item_context(self, item: Case, office: bool) -> dict:
        return {"case": item, "request_url": reverse("acceptance:case_request_new", args=[item.pk])}


@require_safe
@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """Send a request's material under its original name, if the user sees the request (else 404)."""
    attachment = get_object_or_404(
        AcceptanceAttachment.objects.filter(request__in=visible_requests(request.user).values("pk")), pk=pk
    )
    return private_download(attachment.file, attachment.original_name, attachment.content_type)


@require_safe
@login_required
def objection_attachment(request: HttpRequest, pk: int) -> FileResponse:
    """Send an objection's file to those who may see objectors (the plan's office, reviewers, admins)."""
    related = [f"notice__request__{name}" for name in REQUEST_ITEM_RELATED]
    objection = get_object_or_404(visible_objections(request.user).select_related(*related), pk=pk)
    plan_office = objection.notice.request.subject.is_office(request.user)
    if not may_see_objectors(request.user, plan_office=plan_office):
        raise PermissionDenied
    if not objection.attachment:
        raise Http404
    name = objection.attachment.name.rsplit("/", 1)[-1]
    return private_download(objection.attachment, name, "")
