"""A problem's acceptance page (验收销号): the chain, every request and round with its signed decisions
and their verification, the materials, 公示 with its objections, reopenings, and the buttons the
reader's rights allow. Also the permission-checked downloads of materials and objection files.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from zhenggai.acceptance import rules
from zhenggai.acceptance.actions import ledger_plan_office
from zhenggai.acceptance.choices import ObjectionStatus, RequestStatus, StepKind
from zhenggai.acceptance.models import (
    AcceptanceAttachment,
    AcceptanceChain,
    AcceptanceRequest,
    ChainStep,
    Objection,
    PublicNotice,
    StepDecision,
)
from zhenggai.acceptance.views.common import (
    checklist_rows,
    may_request,
    may_see_objectors,
    visible_objections,
    visible_requests,
    waiting_step,
)
from zhenggai.acceptance.views.verification import verify_decisions
from zhenggai.core.downloads import private_download
from zhenggai.ledger.choices import AssignmentRole, ItemStatus
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


def _requests(problem: Problem) -> list[AcceptanceRequest]:
    objections = Objection.objects.select_related("handled_by").order_by("pk")
    return list(
        problem.acceptance_requests.select_related("chain", "requested_by", "unit").prefetch_related(
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


class ProblemAcceptanceView(LoginRequiredMixin, TemplateView):
    """Everything about a problem's acceptance, for everyone who sees the problem (else 404).

    The database is read a fixed number of times whatever the number of rounds and decisions
    (see ``test_problem_view``); each stored file is hashed once to verify the signatures.
    """

    template_name = "acceptance/problem.html"

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        problem = get_object_or_404(
            Problem.objects.visible_to(user).select_related("plan__jurisdiction", "parent"), pk=kwargs["pk"]
        )
        chain = AcceptanceChain.for_plan(problem.plan)
        requests = _requests(problem)
        measures = list(problem.measures.order_by("position", "pk"))
        evidence = list(Evidence.objects.filter(report__problem_id=problem.pk, report__is_current=True).order_by("pk"))
        verifications = verify_decisions(problem, measures, evidence, requests)
        plan_office = ledger_plan_office(user, problem.plan)
        requester = may_request(user, problem)
        today = timezone.localdate()
        entries = [self._entry(request, problem, requester, today) for request in requests]
        for entry in entries:
            for round_entry in entry.rounds:
                for decision in round_entry.decisions:
                    decision.verification = verifications[decision.pk]
        has_open = any(r.status in OPEN_STATUSES for r in requests)
        signed_off = problem.status == ItemStatus.SIGNED_OFF
        context.update(
            problem=problem,
            chain=chain,
            steps=list(chain.steps.order_by("position")) if chain else [],
            acceptance_units=[
                a.holder_name
                for a in problem.assignments.filter(role=AssignmentRole.ACCEPTANCE).select_related("unit", "person")
            ],
            entries=entries,
            reopenings=list(problem.reopenings.select_related("reopened_by")),
            plan_office=plan_office,
            show_objectors=may_see_objectors(user, plan_office=plan_office),
            can_request=requester and not has_open and not signed_off,
            can_reopen=plan_office and signed_off,
            signed_off=signed_off,
            tampered_count=sum(not v.ok for v in verifications.values()),
            today=today,
        )
        return context

    def _entry(self, request: AcceptanceRequest, problem: Problem, requester: bool, today) -> RequestEntry:
        user = self.request.user
        entry = RequestEntry(request, _rounds(request), checklist_rows(request), list(request.attachments.all()))
        if request.status == RequestStatus.RETURNED:
            entry.can_resubmit = requester
        if request.status not in (RequestStatus.IN_REVIEW, RequestStatus.IN_NOTICE):
            return entry
        request.problem = problem  # rules.may_act reads the plan through it
        entry.step = waiting_step(request)
        if entry.step is None:
            return entry
        may_act = request.requested_by_id != user.pk and rules.may_act(user, entry.step, problem)
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
    objection = get_object_or_404(
        visible_objections(request.user).select_related("notice__request__problem__plan"), pk=pk
    )
    plan_office = ledger_plan_office(request.user, objection.notice.request.problem.plan)
    if not may_see_objectors(request.user, plan_office=plan_office):
        raise PermissionDenied
    if not objection.attachment:
        raise Http404
    name = objection.attachment.name.rsplit("/", 1)[-1]
    return private_download(objection.attachment, name, "")
