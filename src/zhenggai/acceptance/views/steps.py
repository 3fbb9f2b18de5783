"""The forms that move a request along: ask for acceptance, decide the step waiting, resubmit after a
return, reopen a signed-off problem. Each validates, calls ``acceptance.actions``, and returns to the
problem's acceptance page; a refusal of the action becomes form errors, a conflict a message.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.views.generic import FormView

from zhenggai.acceptance import actions, rules
from zhenggai.acceptance.choices import Decision, RequestStatus, StepKind
from zhenggai.acceptance.forms import DecisionForm, ReopenForm, RequestForm, ResubmitForm
from zhenggai.acceptance.models import AcceptanceRequest
from zhenggai.acceptance.views.common import (
    AcceptancePageMixin,
    checklist_rows,
    errors_to_form,
    may_request,
    refused_state,
)
from zhenggai.core.errors import ConflictError
from zhenggai.ledger.choices import ItemStatus


class RequestCreateView(AcceptancePageMixin, FormView):
    """验收申请: the responsible unit's self-check report, the head's signature, the standards, materials.

    For unit users (and administrators) who may report on the problem (else 403); a problem already
    signed off or with a request under way sends the user back to the acceptance page.
    """

    template_name = "acceptance/request_form.html"
    form_class = RequestForm

    def load(self, **kwargs) -> None:
        self.load_problem(kwargs["pk"])

    def allowed(self) -> bool:
        return may_request(self.request.user, self.subject.item)

    def wrong_state(self) -> str:
        if self.subject.is_signed_off:
            return _("The item is already signed off.")
        if AcceptanceRequest.objects.filter(
            **self.subject.request_fields(),
            status__in=(RequestStatus.IN_REVIEW, RequestStatus.IN_NOTICE, RequestStatus.RETURNED),
        ).exists():
            return _("This item already has an acceptance request under way.")
        return ""

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        chain = self.subject.chain()
        context.update(
            problem=self.problem,
            subject=self.subject,
            steps=list(chain.steps.order_by("position")) if chain else [],
        )
        return context

    def form_valid(self, form: RequestForm):
        data = form.cleaned_data
        try:
            actions.request_acceptance(
                self.subject.item,
                acting_user=self.request.user,
                report=data["report"],
                signed_by_head=data["signed_by_head"],
                checklist=form.checklist_input(),
                files=data["files"],
            )
        except ConflictError as exc:
            return self.conflict(exc)
        except ValidationError as exc:
            errors_to_form(form, exc)
            return self.form_invalid(form)
        return self.done(_("Acceptance requested."), "requests")


class CaseRequestCreateView(RequestCreateView):
    """验收申请 of a complaint case closed (已办结) with its findings, by a unit user handling it."""

    def load(self, **kwargs) -> None:
        self.load_case(kwargs["pk"])


class DecideView(AcceptancePageMixin, FormView):
    """Pass or return the review or sign-off step a request waits at (those ``rules.may_act`` names).

    A request not under review, or waiting at 公示, has nothing to decide: back to the acceptance page.
    The requester may not decide (403), nor anyone else the rules do not name.
    """

    template_name = "acceptance/decide.html"
    form_class = DecisionForm
    state_first = True  # the rights depend on the step waiting: check that there is one first

    def load(self, **kwargs) -> None:
        self.load_request(kwargs["pk"])
        self.step = self.acceptance.chain.steps.filter(position=self.acceptance.position).first()

    def wrong_state(self) -> str:
        if self.acceptance.status != RequestStatus.IN_REVIEW or self.step is None:
            return refused_state(self.acceptance.get_status_display())
        if self.step.kind == StepKind.NOTICE:
            return _("公示 is not decided: it is closed once its window has ended.")
        return ""

    def allowed(self) -> bool:
        user = self.request.user
        return user.pk != self.acceptance.requested_by_id and rules.may_act(user, self.step, self.subject)

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context.update(
            problem=self.problem,
            subject=self.subject,
            acceptance=self.acceptance,
            step=self.step,
            checklist=checklist_rows(self.acceptance),
            attachments=list(self.acceptance.attachments.order_by("pk")),
        )
        return context

    def form_valid(self, form: DecisionForm):
        try:
            actions.decide_step(
                self.acceptance,
                acting_user=self.request.user,
                decision=form.cleaned_data["decision"],
                opinion=form.cleaned_data["opinion"],
            )
        except ConflictError as exc:
            return self.conflict(exc)
        except ValidationError as exc:
            errors_to_form(form, exc)
            return self.form_invalid(form)
        if form.cleaned_data["decision"] == Decision.RETURN:
            return self.done(_("Returned to the unit with your opinion."), f"request-{self.acceptance.pk}")
        return self.done(_("Step passed and signed."), f"request-{self.acceptance.pk}")


class ResubmitView(AcceptancePageMixin, FormView):
    """After a return, the unit resubmits (revised report, more materials): the chain starts again."""

    template_name = "acceptance/resubmit.html"
    form_class = ResubmitForm

    def load(self, **kwargs) -> None:
        self.load_request(kwargs["pk"])

    def allowed(self) -> bool:
        return may_request(self.request.user, self.subject.item)

    def wrong_state(self) -> str:
        if self.acceptance.status != RequestStatus.RETURNED:
            return refused_state(self.acceptance.get_status_display())
        return ""

    def get_initial(self) -> dict:
        return {"report": self.acceptance.report}

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        returned = self.acceptance.decisions.filter(round=self.acceptance.round, decision=Decision.RETURN).first()
        context.update(
            problem=self.problem,
            subject=self.subject,
            acceptance=self.acceptance,
            returned=returned,
            checklist=checklist_rows(self.acceptance),
            attachments=list(self.acceptance.attachments.order_by("pk")),
        )
        return context

    def form_valid(self, form: ResubmitForm):
        try:
            actions.resubmit(
                self.acceptance,
                acting_user=self.request.user,
                report=form.cleaned_data["report"],
                files=form.cleaned_data["files"],
            )
        except ConflictError as exc:
            return self.conflict(exc)
        except ValidationError as exc:
            errors_to_form(form, exc)
            return self.form_invalid(form)
        return self.done(_("Resubmitted: the review starts again."), f"request-{self.acceptance.pk}")


class ReopenView(AcceptancePageMixin, FormView):
    """The plan's office opens a signed-off problem again (问题反弹) with the reason (others: 403)."""

    template_name = "acceptance/reopen.html"
    form_class = ReopenForm

    def load(self, **kwargs) -> None:
        self.load_problem(kwargs["pk"])

    def allowed(self) -> bool:
        return self.is_plan_office()

    def wrong_state(self) -> str:
        if self.problem.status != ItemStatus.SIGNED_OFF:
            return _("Only a signed-off problem can be reopened.")
        return ""

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context["problem"] = self.problem
        return context

    def form_valid(self, form: ReopenForm):
        try:
            actions.reopen(self.problem, acting_user=self.request.user, reason=form.cleaned_data["reason"])
        except ConflictError as exc:
            return self.conflict(exc)
        except ValidationError as exc:
            errors_to_form(form, exc)
            return self.form_invalid(form)
        return self.done(_("The problem is open again."), "reopenings")
