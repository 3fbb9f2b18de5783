"""The acceptance inbox (验收待办): what waits for the signed-in user.

* requests waiting at a step the user may decide;
* for offices, notices whose window has ended (ready to close, or blocked by an open objection) and
  the open objections of the plans they may change;
* the user's own requests, newest first.

Cost: the requests under review that the user sees are read in one query, then ``rules.may_act``
runs per request (one or two small queries each: the problem's acceptance units, and the office
check for plan-office steps). That is linear in the open requests in view — a few dozen for a city
office. When that grows, the rules would move into a queryset filter.
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django.views.generic import TemplateView

from zhenggai.acceptance import rules
from zhenggai.acceptance.choices import ObjectionStatus, RequestStatus, StepKind
from zhenggai.acceptance.models import AcceptanceRequest, ChainStep, Objection, PublicNotice
from zhenggai.acceptance.views.common import visible_requests, waiting_step
from zhenggai.ledger.models import Plan

OWN_REQUESTS_SHOWN = 50


def _with_steps(queryset):
    return queryset.select_related(
        "problem__plan__jurisdiction", "problem__parent", "chain", "requested_by"
    ).prefetch_related(Prefetch("chain__steps", queryset=ChainStep.objects.order_by("position")))


def requests_to_decide(user) -> list[AcceptanceRequest]:
    """Requests under review, not the user's own, waiting at a review or sign-off step the user may decide."""
    candidates = _with_steps(
        visible_requests(user).filter(status=RequestStatus.IN_REVIEW).exclude(requested_by=user)
    ).order_by("requested_at", "pk")
    waiting = []
    for request in candidates:
        step = waiting_step(request)
        if step is not None and step.kind != StepKind.NOTICE and rules.may_act(user, step, request.problem):
            request.step = step
            waiting.append(request)
    return waiting


def notices_ended(user, today) -> list[PublicNotice]:
    """Open notices of the plans the user may change whose last day has passed, with open objection counts."""
    plans = Plan.objects.editable_by(user).values("pk")
    return list(
        PublicNotice.objects.filter(
            closed_at__isnull=True,
            ends_on__lt=today,
            request__status=RequestStatus.IN_NOTICE,
            request__problem__plan__in=plans,
        )
        .select_related("request__problem__parent")
        .annotate(open_objections=Count("objections", filter=Q(objections__status=ObjectionStatus.OPEN)))
        .order_by("ends_on", "pk")
    )


def open_objections(user) -> list[Objection]:
    plans = Plan.objects.editable_by(user).values("pk")
    return list(
        Objection.objects.filter(status=ObjectionStatus.OPEN, notice__request__problem__plan__in=plans)
        .select_related("notice__request__problem__parent")
        .order_by("submitted_at", "pk")
    )


class InboxView(LoginRequiredMixin, TemplateView):
    """验收待办: steps to decide, notices to close, objections to rule on, and one's own requests."""

    template_name = "acceptance/inbox.html"

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        today = timezone.localdate()
        own = list(
            _with_steps(visible_requests(user).filter(requested_by=user)).order_by("-requested_at", "-pk")[
                :OWN_REQUESTS_SHOWN
            ]
        )
        for request in own:
            request.step = waiting_step(request)
        context.update(
            to_decide=requests_to_decide(user),
            notices=notices_ended(user, today),
            objections=open_objections(user),
            own=own,
            returned=RequestStatus.RETURNED,
            today=today,
        )
        return context
