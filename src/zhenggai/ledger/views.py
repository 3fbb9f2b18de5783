"""Ledger pages: the problem list, a problem's detail and edit form, plans.

Every view selects through ``visible_to(user)``; an object outside it is a 404,
an object the user may see but not edit is a 403.
"""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView
from django_filters.views import FilterView

from zhenggai.core.errors import ConflictError
from zhenggai.ledger import actions
from zhenggai.ledger.choices import AssignmentRole, ItemStatus
from zhenggai.ledger.filtersets import ProblemFilterSet
from zhenggai.ledger.forms import ProblemForm
from zhenggai.ledger.history import problem_history
from zhenggai.ledger.models import Assignment, Plan, PlanRevisionChange, Problem
from zhenggai.ledger.querysets import visible_problem_count


class ProblemListView(LoginRequiredMixin, FilterView):
    """The ledger (台账): visible problems, filtered and paginated."""

    filterset_class = ProblemFilterSet
    template_name = "ledger/problem_list.html"
    context_object_name = "problems"
    paginate_by = settings.LEDGER_PAGE_SIZE
    strict = False

    def get_queryset(self):
        return Problem.objects.visible_to(self.request.user).for_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context["querystring"] = query.urlencode()
        context["today"] = timezone.localdate()
        return context


def _assignments_by_role(assignments) -> list[tuple[str, list[Assignment]]]:
    grouped = defaultdict(list)
    for assignment in assignments:
        grouped[assignment.role].append(assignment)
    return [(label, grouped[value]) for value, label in AssignmentRole.choices if grouped[value]]


class ProblemDetailView(LoginRequiredMixin, DetailView):
    """A problem with its targets, measures, each role's units and persons, deadline, and history."""

    template_name = "ledger/problem_detail.html"
    context_object_name = "problem"

    def get_queryset(self):
        return Problem.objects.visible_to(self.request.user).for_detail(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        problem = self.object
        context["assignments_by_role"] = _assignments_by_role(problem.problem_assignments)
        visible = Problem.objects.visible_to(self.request.user)
        context["merged_into"] = visible.filter(pk=problem.merged_into_id).first() if problem.merged_into_id else None
        context["can_edit"] = (
            problem.status != ItemStatus.SIGNED_OFF
            and Problem.objects.editable_by(self.request.user).filter(pk=problem.pk).exists()
        )
        context["history"] = problem_history(problem, self.request.user)
        context["revision_changes"] = problem.revision_changes.select_related("revision").order_by("pk")
        context["today"] = timezone.localdate()
        return context


class ProblemEditView(LoginRequiredMixin, FormView):
    """Edit a problem's fields; a stale version gets a conflict message, nothing is overwritten."""

    template_name = "ledger/problem_form.html"
    form_class = ProblemForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.problem = get_object_or_404(
            Problem.objects.visible_to(request.user).select_related("plan"), pk=kwargs["pk"]
        )
        if not Problem.objects.editable_by(request.user).filter(pk=self.problem.pk).exists():
            raise PermissionDenied
        if self.problem.status == ItemStatus.SIGNED_OFF:
            messages.warning(
                request, _("This problem has been signed off; it cannot be changed unless it is reopened.")
            )
            return redirect("ledger:problem_detail", pk=self.problem.pk)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["problem"] = self.problem
        return kwargs

    def get_initial(self):
        return ProblemForm.initial_for(self.problem)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["problem"] = self.problem
        return context

    def form_valid(self, form):
        changes = form.changes()
        if not changes:
            messages.info(self.request, _("Nothing changed."))
            return redirect("ledger:problem_detail", pk=self.problem.pk)
        try:
            actions.update_problem(
                self.problem,
                acting_user=self.request.user,
                expected_version=form.cleaned_data["version"],
                changes=changes,
            )
        except ConflictError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return redirect("ledger:problem_detail", pk=self.problem.pk)


class PlanListView(LoginRequiredMixin, ListView):
    """Plans the user can see, with their problem counts."""

    template_name = "ledger/plan_list.html"
    context_object_name = "plans"
    paginate_by = 50

    def get_queryset(self):
        return (
            Plan.objects.visible_to(self.request.user)
            .select_related("inspection", "jurisdiction")
            .annotate(problem_count=visible_problem_count(self.request.user))
            .order_by("-issue_date", "pk")
        )


class PlanDetailView(LoginRequiredMixin, DetailView):
    """A plan: its document data, categories, issuing units and revisions."""

    template_name = "ledger/plan_detail.html"
    context_object_name = "plan"

    def get_queryset(self):
        return (
            Plan.objects.visible_to(self.request.user)
            .select_related("inspection__inspected_unit", "jurisdiction", "parent_plan")
            .prefetch_related(
                "issuing_units",
                "categories",
                "revisions",
                # Only the changes to problems this user may open: an amendment quotes the old and new text.
                Prefetch(
                    "revisions__changes",
                    queryset=PlanRevisionChange.objects.filter(
                        problem__in=Problem.objects.visible_to(self.request.user).values("pk")
                    ).select_related("problem"),
                ),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        visible = Problem.objects.visible_to(self.request.user).filter(plan=self.object)
        context["visible_problem_count"] = visible.count()
        return context
