"""What the acceptance pages share: who may do what, object loading, and how refusals reach the page.

The order of checks on every page: not signed in → the login page; the object outside
``visible_to(user)`` → 404; the object seen but the user without the right → 403; the object in a
state where the page makes no sense (nothing waiting, already signed off …) → back to the item's
acceptance page with a message. The actions check everything again.

The item is a problem or a complaint case; ``self.subject`` (``acceptance.subjects``) answers what
differs between them (its page, its office, who may ask for acceptance).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from zhenggai.acceptance.choices import CHECKLIST
from zhenggai.acceptance.models import AcceptanceRequest, ChainStep, Objection
from zhenggai.acceptance.subjects import subject_for
from zhenggai.accounts.choices import Role
from zhenggai.cases.models import Case
from zhenggai.core.errors import ConflictError
from zhenggai.core.forms import errors_to_form
from zhenggai.ledger.models import Problem

__all__ = [
    "REQUEST_ITEM_RELATED",
    "AcceptancePageMixin",
    "checklist_rows",
    "errors_to_form",
    "is_admin",
    "may_request",
    "may_see_objectors",
    "refused_state",
    "visible_objections",
    "visible_requests",
    "waiting_step",
]


def is_admin(user) -> bool:
    return bool(user.is_superuser or user.role == Role.ADMIN)


def may_request(user, item: Problem | Case) -> bool:
    """Unit users (and administrators) who may report on the problem (or handle the case) ask for its
    acceptance.

    ``progress.actions.can_report`` also lets an office report for a unit; an acceptance request is
    the unit's own self-check signed by its head, so the pages offer it to unit users only.
    """
    if not getattr(user, "is_authenticated", False):
        return False
    if not (is_admin(user) or user.role == Role.UNIT):
        return False
    return subject_for(item).may_request(user)


def may_see_objectors(user, *, plan_office: bool) -> bool:
    """Names, contacts and files of objectors: for the office that rules on them, reviewers, admins."""
    return plan_office or is_admin(user) or user.role == Role.REVIEWER


# What a page about a request needs of its item, problem or case, in the request's own query.
REQUEST_ITEM_RELATED = (
    "chain",
    "problem__plan__jurisdiction",
    "problem__parent",
    "case__batch__jurisdiction",
    "case__region",
)


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
            return HttpResponseRedirect(self.subject.url())
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
            visible_requests(self.request.user).select_related(*REQUEST_ITEM_RELATED), pk=pk
        )
        self.problem = self.acceptance.problem
        self.subject = self.acceptance.subject
        return self.acceptance

    def load_problem(self, pk: int) -> Problem:
        self.problem = get_object_or_404(
            Problem.objects.visible_to(self.request.user).select_related("plan__jurisdiction", "parent"), pk=pk
        )
        self.subject = subject_for(self.problem)
        return self.problem

    def load_case(self, pk: int) -> Case:
        self.problem = None
        case = get_object_or_404(
            Case.objects.visible_to(self.request.user).select_related("batch__jurisdiction", "region"), pk=pk
        )
        self.subject = subject_for(case)
        return case

    def is_plan_office(self) -> bool:
        return self.subject.is_office(self.request.user)

    def conflict(self, exc: ConflictError) -> HttpResponse:
        messages.error(self.request, str(exc))
        return HttpResponseRedirect(self.subject.url())

    def done(self, message: str, anchor: str = "") -> HttpResponse:
        messages.success(self.request, message)
        return HttpResponseRedirect(self.subject.url(anchor))


def refused_state(status_display: str) -> str:
    return _("The request is %(status)s: this page is not available now.") % {"status": status_display}
