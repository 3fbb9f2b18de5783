"""Supervision pages: escalations (督办) per problem, deadline extensions (延期申请) and their decisions.

Objects are selected through ``visible_to(user)`` (outside it: 404); a user who sees an object but may
not act on it gets a 403. The actions (``progress.actions``) check the rights again.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView

from zhenggai.accounts.choices import Role
from zhenggai.core.errors import ConflictError
from zhenggai.ledger.models import Measure, Plan, Problem
from zhenggai.progress import actions
from zhenggai.progress.board_forms import EscalationForm, ExtensionDecisionForm, ExtensionRequestForm
from zhenggai.progress.choices import EscalationKind, ExtensionStatus, Grade
from zhenggai.progress.dashboard import may_escalate
from zhenggai.progress.models import DeadlineExtension, Escalation

OFFICE_ROLES = (Role.OFFICE, Role.ADMIN)
READER_ROLES = (Role.OFFICE, Role.REVIEWER, Role.ADMIN)
UNIT_ROLES = (Role.UNIT, Role.SUPERVISOR, Role.ADMIN)


def has_role(user, roles) -> bool:
    return user.is_superuser or user.role in roles


class RoleRequiredMixin(LoginRequiredMixin):
    """Anonymous users go to the login page; a signed-in user of another role gets a 403."""

    roles: tuple[str, ...] | None = None  # None: every role

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if self.roles is not None and not has_role(request.user, self.roles):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def _errors_to_form(form, exc: ValidationError, aliases: dict[str, str] | None = None) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for name, errors in exc.message_dict.items():
        name = (aliases or {}).get(name, name)
        form.add_error(name if name in form.fields else None, errors)


class ProblemMixin(RoleRequiredMixin):
    """Loads ``self.problem`` from the URL among the user's visible problems (else 404)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.problem = get_object_or_404(
            Problem.objects.visible_to(request.user).select_related("plan__jurisdiction", "parent"), pk=kwargs["pk"]
        )
        if not self.may_act():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def may_act(self) -> bool:
        """Whether the user, who sees the problem, may use this page (else 403)."""
        return True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["problem"] = self.problem
        return context


class EscalationCreateView(ProblemMixin, FormView):
    """Record an escalation step on a problem (the plan's office or a supervising unit);
    ``?suggested=<kind>`` prefills the step, ``?grade=`` and ``?measure=`` come from a warning row."""

    template_name = "progress/board_escalation_form.html"
    form_class = EscalationForm

    def may_act(self) -> bool:
        return may_escalate(self.request.user, self.problem.plan)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["problem"] = self.problem
        return kwargs

    def get_initial(self):
        query = self.request.GET
        initial = {}
        if query.get("suggested") in EscalationKind.values:
            initial["kind"] = initial["suggested"] = query["suggested"]
        if query.get("grade") in Grade.values:
            initial["grade"] = query["grade"]
        if query.get("measure", "").isdigit():
            initial["measure"] = query["measure"]
        return initial

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            actions.record_escalation(
                self.problem,
                acting_user=self.request.user,
                kind=data["kind"],
                to_unit=data["to_unit"],
                measure=data["measure"],
                doc_reference=data["doc_reference"],
                note=data["note"],
                suggested_by_grade=form.suggested_by_grade(),
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Escalation recorded."))
        return redirect("progress:escalation_list", pk=self.problem.pk)


class EscalationListView(ProblemMixin, ListView):
    """A problem's escalation record, newest first (everyone who sees the problem)."""

    template_name = "progress/board_escalation_list.html"
    context_object_name = "escalations"
    paginate_by = 50

    def get_queryset(self):
        return Escalation.objects.filter(problem=self.problem).select_related("to_unit", "measure", "created_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_escalate"] = may_escalate(self.request.user, self.problem.plan)
        return context


class ExtensionRequestView(ProblemMixin, FormView):
    """A unit asks for a new deadline for a problem or (``?measure=``) one of its measures."""

    template_name = "progress/board_extension_form.html"
    form_class = ExtensionRequestForm
    roles = (Role.UNIT, Role.ADMIN)

    def may_act(self) -> bool:
        user = self.request.user
        if not (has_role(user, self.roles) and actions.can_report(user, self.problem)):
            return False
        self.measure = None
        measure_id = self.request.GET.get("measure")
        if measure_id:
            if not measure_id.isdigit():
                raise Http404
            self.measure = get_object_or_404(Measure.objects.filter(problem=self.problem), pk=measure_id)
        return True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["measure"] = self.measure
        context["item"] = self.measure or self.problem
        context["pending"] = DeadlineExtension.objects.filter(
            problem=self.problem, measure=self.measure, status=ExtensionStatus.PENDING
        ).first()
        return context

    def form_valid(self, form):
        try:
            actions.request_extension(
                self.problem,
                acting_user=self.request.user,
                measure=self.measure,
                requested_raw=form.cleaned_data["requested_raw"],
                reasons=form.cleaned_data["reasons"],
            )
        except ConflictError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        except ValidationError as exc:
            _errors_to_form(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Extension requested."))
        return redirect("progress:todo")


def _extensions_for(user):
    return DeadlineExtension.objects.visible_to(user).select_related(
        "problem__parent", "problem__plan", "measure", "requested_by", "decided_by"
    )


class ExtensionListView(RoleRequiredMixin, ListView):
    """Extension requests waiting for the office's decision (plans it may change), and the latest decided."""

    template_name = "progress/board_extension_list.html"
    context_object_name = "extensions"
    paginate_by = 50
    roles = OFFICE_ROLES

    def _own(self):
        return _extensions_for(self.request.user).filter(
            problem__plan__in=Plan.objects.editable_by(self.request.user).values("pk")
        )

    def get_queryset(self):
        return self._own().filter(status=ExtensionStatus.PENDING).order_by("requested_at", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["decided"] = self._own().exclude(status=ExtensionStatus.PENDING).order_by("-decided_at", "-pk")[:20]
        return context


class ExtensionDecideView(RoleRequiredMixin, FormView):
    """The plan's office approves (the item's deadline becomes the requested one) or rejects with a note."""

    template_name = "progress/board_extension_decide.html"
    form_class = ExtensionDecisionForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.extension = get_object_or_404(_extensions_for(request.user), pk=kwargs["pk"])
            if not Plan.objects.editable_by(request.user).filter(pk=self.extension.problem.plan_id).exists():
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["extension"] = self.extension
        context["item"] = self.extension.measure or self.extension.problem
        return context

    def form_valid(self, form):
        try:
            actions.decide_extension(
                self.extension,
                acting_user=self.request.user,
                approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data["note"],
            )
        except ConflictError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        except ValidationError as exc:
            _errors_to_form(form, exc, {"decision_note": "note", "deadline": "decision"})
            return self.form_invalid(form)
        messages.success(self.request, _("Decision recorded."))
        return redirect(reverse("progress:extension_list"))


urlpatterns = [
    path("problems/<int:pk>/escalations/", EscalationListView.as_view(), name="escalation_list"),
    path("problems/<int:pk>/escalations/new/", EscalationCreateView.as_view(), name="escalation_new"),
    path("problems/<int:pk>/extension/", ExtensionRequestView.as_view(), name="extension_new"),
    path("extensions/", ExtensionListView.as_view(), name="extension_list"),
    path("extensions/<int:pk>/decide/", ExtensionDecideView.as_view(), name="extension_decide"),
]
