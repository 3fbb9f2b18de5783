"""The plan's schedule settings (调度设置): the plan's office changes cadence, window and thresholds."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.views.generic import FormView

from zhenggai.ledger.models import Plan
from zhenggai.progress import actions
from zhenggai.progress.models import PlanSchedule
from zhenggai.progress.schedule_forms import PlanScheduleForm


class PlanScheduleView(LoginRequiredMixin, FormView):
    """Anyone who sees the plan reads its schedule; only the plan's office (or an administrator) saves it."""

    template_name = "progress/plan_schedule.html"
    form_class = PlanScheduleForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.plan = get_object_or_404(Plan.objects.visible_to(request.user), pk=kwargs["pk"])
        self.can_edit = actions.ledger_plan_editable(request.user, self.plan)
        if request.method == "POST" and not self.can_edit:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = PlanSchedule.for_plan(self.plan)
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(plan=self.plan, can_edit=self.can_edit, **kwargs)

    def form_valid(self, form):
        try:
            actions.save_schedule(self.plan, acting_user=self.request.user, **form.action_values())
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The schedule was saved."))
        return redirect("progress:plan_schedule", pk=self.plan.pk)


urlpatterns = [path("plans/<int:pk>/schedule/", PlanScheduleView.as_view(), name="plan_schedule")]
