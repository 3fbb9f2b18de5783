"""What the acceptance pages share: who may do what, object loading, and how refusals reach the page.

The order of checks on every page: not signed in → the login page; the object outside
``visible_to(user)`` → 404; the object seen but the user without the right → 403; the object in a
state where the page makes no sense (nothing waiting, already signed off …) → back to the problem's
acceptance page with a message. The actions check everything again.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from zhenggai.acceptance.actions import ledger_plan_office
from zhenggai.acceptance.choices import CHECKLIST
from zhenggai.acceptance.models import AcceptanceRequest, ChainStep, Objection
from zhenggai.accounts.choices import Role
from zhenggai.core.errors import ConflictError
from zhenggai.core.forms import errors_to_form
from zhenggai.ledger.models import Problem
from zhenggai.progress.actions import can_report

__all__ = [
    "AcceptancePageMixin",
    "checklist_rows",
    "errors_to_form",
    "is_admin",
    "may_request",
    "may_see_objectors",
    "problem_url",
    "refused_state",
    "visible_objections",
    "visible_requests",
    "waiting_step",
]


def is_admin(user) -> bool:
    return bool(user.is_superuser or user.role == Role.ADMIN)


def may_request(user, problem: Problem) -> bool:
    """Unit users (and administrators) who may report on the problem ask for its acceptance.

    ``progress.actions.can_report`` also lets an office report for a unit; an acceptance request is
    the unit's own self-check signed by its head, so the pages offer it to unit users only.
    """
    if not getattr(user, "is_authenticated", False):
        return False
    if not (is_admin(user) or user.role == Role.UNIT):
        return False
    return can_report(user, problem)


def may_see_objectors(user, *, plan_office: bool) -> bool:
    """Names, contacts and files of objectors: for the office that rules on them, reviewers, admins."""
    return plan_office or is_admin(user) or user.role == Role.REVIEWER


def problem_url(problem_id: int, anchor: str = "") -> str:
    url = reverse("acceptance:problem", args=[problem_id])
    return f"{url}#{anchor}" if anchor else url


def visible_requests(user):
    return AcceptanceRequest.objects.visible_to(user)


def visible_objections(user):
    return Objection.objects.filter(notice__request__in=visible_requests(user).values("pk"))


def checklist_rows(request: AcceptanceRequest) -> list[tuple[str, bool]]:
    """Each acceptance standard (验收标准) with whether the request ticked it, in the order shown."""
    return [(label, bool((request.checklist or {}).get(key))) for key, label in CHECKLIST]


def waiting_step(request: AcceptanceRequest) -> ChainStep | None:
    """The chain step the request waits at (from prefetched steps when there are any)."""
    for step in request.chain.steps.all():
        if step.position == request.position:
            return step
    return None


class AcceptancePageMixin(LoginRequiredMixin):
    """Loads the page's object (404 outside the user's view), then checks the right (403) and the state.

    Subclasses implement ``load`` (set attributes, raise Http404), ``allowed`` (False: 403) and may
    implement ``wrong_state`` (a message: the page sends the user back to the problem with it).
    ``state_first``: check the state before the right (when the right depends on the state).
    """

    state_first = False

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.load(**kwargs)
        if not self.state_first and not self.allowed():
            raise PermissionDenied
        if message := self.wrong_state():
            messages.warning(request, message)
            return HttpResponseRedirect(problem_url(self.problem.pk))
        if self.state_first and not self.allowed():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def load(self, **kwargs) -> None:
        raise NotImplementedError

    def allowed(self) -> bool:
        return True

    def wrong_state(self) -> str:
        return ""

    def load_request(self, pk: int) -> AcceptanceRequest:
        self.acceptance = get_object_or_404(
            visible_requests(self.request.user).select_related(
                "chain", "problem__plan__jurisdiction", "problem__parent"
            ),
            pk=pk,
        )
        self.problem = self.acceptance.problem
        return self.acceptance

    def load_problem(self, pk: int) -> Problem:
        self.problem = get_object_or_404(
            Problem.objects.visible_to(self.request.user).select_related("plan__jurisdiction", "parent"), pk=pk
        )
        return self.problem

    def is_plan_office(self) -> bool:
        return ledger_plan_office(self.request.user, self.problem.plan)

    def conflict(self, exc: ConflictError) -> HttpResponse:
        messages.error(self.request, str(exc))
        return HttpResponseRedirect(problem_url(self.problem.pk))

    def done(self, message: str, anchor: str = "") -> HttpResponse:
        messages.success(self.request, message)
        return HttpResponseRedirect(problem_url(self.problem.pk, anchor))


def refused_state(status_display: str) -> str:
    return _("The request is %(status)s: this page is not available now.") % {"status": status_display}
