"""The acceptance inbox (验收待办): what waits for the signed-in user.

* requests waiting at a step the user may decide;
* for offices, notices whose window has ended (ready to close, or blocked by an open objection) and
  the open objections of the plans they may change and of the complaint cases they sign off;
* the user's own requests, newest first.

Cost: the requests under review that the user sees are read in one query, then ``rules.may_act``
runs per request. The office check of plan-office steps is answered for all of them by one query
(``AcceptanceRequest.objects.office_of``, the rule the notices and objections use too); a problem's
acceptance units still cost one small query per problem request (none for a case). That is linear in
the open problem requests in view — a few dozen for a city office. When that grows, the rules would
move into a queryset filter.
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django.views.generic import TemplateView

from zhenggai.acceptance import rules
from zhenggai.acceptance.choices import ActorLevel, ObjectionStatus, RequestStatus, StepKind
from zhenggai.acceptance.models import AcceptanceRequest, ChainStep, Objection, PublicNotice
from zhenggai.acceptance.views.common import REQUEST_ITEM_RELATED, visible_requests, waiting_step

OWN_REQUESTS_SHOWN = 50


def _with_steps(queryset):
    steps = Prefetch("chain__steps", queryset=ChainStep.objects.order_by("position"))
    return queryset.select_related(*REQUEST_ITEM_RELATED, "requested_by").prefetch_related(steps)


def requests_to_decide(user) -> list[AcceptanceRequest]:
    """Requests under review, not the user's own, waiting at a review or sign-off step the user may decide."""
    candidates = list(
        _with_steps(visible_requests(user).filter(status=RequestStatus.IN_REVIEW).exclude(requested_by=user)).order_by(
            "requested_at", "pk"
        )
    )
    offices: set[int] | None = None  # the requests whose office the user is, read once when needed
    waiting = []
    for request in candidates:
        step = waiting_step(request)
        if step is None or step.kind == StepKind.NOTICE:
            continue
        subject = request.subject
        if step.actor_level in (ActorLevel.PLAN_OFFICE, ActorLevel.ACCEPTANCE_UNIT):
            if offices is None:
                ids = [r.pk for r in candidates]
                offices = set(AcceptanceRequest.objects.office_of(user).filter(pk__in=ids).values_list("pk", flat=True))
            subject.remember_office(user, request.pk in offices)
        if rules.may_act(user, step, subject):
            request.step = step
            waiting.append(request)
    return waiting


def notices_ended(user, today) -> list[PublicNotice]:
    """Open notices of the user's offices whose last day has passed, with open objection counts."""
    return list(
        PublicNotice.objects.filter(
            closed_at__isnull=True,
            ends_on__lt=today,
            request__status=RequestStatus.IN_NOTICE,
            request__in=AcceptanceRequest.objects.office_of(user),
        )
        .select_related("request__problem__parent", "request__case")
        .annotate(open_objections=Count("objections", filter=Q(objections__status=ObjectionStatus.OPEN)))
        .order_by("ends_on", "pk")
    )


def open_objections(user) -> list[Objection]:
    return list(
        Objection.objects.filter(
            status=ObjectionStatus.OPEN, notice__request__in=AcceptanceRequest.objects.office_of(user)
        )
        .select_related("notice__request__problem__parent", "notice__request__case")
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
