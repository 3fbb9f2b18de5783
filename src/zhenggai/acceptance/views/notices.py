"""公示 in the office's hands: close a notice whose window has ended, rule on an objection.

Closing is a POST from the acceptance page (no page of its own): refused while the window runs or
an objection is open, with the action's message. Ruling on an objection is a small form; upholding
it returns the request to the unit.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView

from zhenggai.acceptance import actions, rules
from zhenggai.acceptance.choices import ObjectionStatus, RequestStatus
from zhenggai.acceptance.forms import ObjectionHandlingForm
from zhenggai.acceptance.views.common import (
    REQUEST_ITEM_RELATED,
    AcceptancePageMixin,
    errors_to_form,
    refused_state,
    visible_objections,
)
from zhenggai.core.errors import ConflictError


class CloseNoticeView(AcceptancePageMixin, View):
    """POST: end 公示 of a request (those ``rules.may_act`` names for the notice step; others 403).

    The window still running or an open objection: the action refuses and the page says why.
    """

    http_method_names = ["post"]
    state_first = True

    def load(self, **kwargs) -> None:
        self.load_request(kwargs["pk"])
        self.step = self.acceptance.chain.steps.filter(position=self.acceptance.position).first()

    def wrong_state(self) -> str:
        if self.acceptance.status != RequestStatus.IN_NOTICE or self.step is None:
            return refused_state(self.acceptance.get_status_display())
        return ""

    def allowed(self) -> bool:
        return rules.may_act(self.request.user, self.step, self.subject)

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        anchor = f"request-{self.acceptance.pk}"
        try:
            actions.close_notice(self.acceptance, acting_user=request.user)
        except ConflictError as exc:
            return self.conflict(exc)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return HttpResponseRedirect(self.subject.url(anchor))
        return self.done(_("Public notice closed."), anchor)


class ObjectionHandleView(AcceptancePageMixin, FormView):
    """The office (the plan's, or the one over the case) upholds an objection (the request goes back) or
    dismisses it, noting how it checked."""

    template_name = "acceptance/objection_handle.html"
    form_class = ObjectionHandlingForm

    def load(self, **kwargs) -> None:
        self.objection = self.get_objection(kwargs["pk"])
        self.notice = self.objection.notice
        self.acceptance = self.notice.request
        self.problem = self.acceptance.problem
        self.subject = self.acceptance.subject

    def get_objection(self, pk: int):
        related = [f"notice__request__{name}" for name in REQUEST_ITEM_RELATED]
        return get_object_or_404(visible_objections(self.request.user).select_related(*related), pk=pk)

    def allowed(self) -> bool:
        return self.is_plan_office()

    def wrong_state(self) -> str:
        if self.objection.status != ObjectionStatus.OPEN:
            return _("This objection was already handled.")
        return ""

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context.update(
            problem=self.problem,
            subject=self.subject,
            objection=self.objection,
            notice=self.notice,
            acceptance=self.acceptance,
        )
        return context

    def form_valid(self, form: ObjectionHandlingForm):
        try:
            actions.handle_objection(
                self.objection, acting_user=self.request.user, uphold=form.upheld(), note=form.cleaned_data["note"]
            )
        except ConflictError as exc:
            return self.conflict(exc)
        except ValidationError as exc:
            errors_to_form(form, exc, {"handling_note": "note"})
            return self.form_invalid(form)
        if form.upheld():
            return self.done(
                _("Objection upheld: the request went back to the unit."), f"objection-{self.objection.pk}"
            )
        return self.done(_("Objection dismissed."), f"objection-{self.objection.pk}")
