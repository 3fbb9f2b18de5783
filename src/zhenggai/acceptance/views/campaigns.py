"""Look-back campaigns (回头看): the list, a new campaign, a campaign with its findings, recording one.

Who: offices and administrators. Everyone else gets 403 on every page, reviewers included — the
actions (``campaigns._require_office``) let only offices and administrators run a campaign or record
its findings, and the reopenings a failed finding causes are already on each problem's acceptance
page for everyone who sees the problem. A campaign whose jurisdiction is outside ``units_in_scope``
of the user is 404. The order of checks: not signed in → login; role → 403; object → 404.

Cost: the list reads the campaigns of a page with their counts in one annotated query
(``campaigns_with_counts``, held equal to ``campaigns.campaign_counts`` by the tests); a campaign's
page reads its findings in one query whatever their number.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from zhenggai.acceptance.campaign_forms import CampaignForm, FindingForm
from zhenggai.acceptance.campaigns import campaign_counts, create_campaign, record_finding
from zhenggai.acceptance.choices import FindingResult
from zhenggai.acceptance.models import LookbackCampaign, LookbackFinding
from zhenggai.acceptance.views.common import is_admin
from zhenggai.accounts.choices import Role
from zhenggai.core.errors import ConflictError
from zhenggai.core.forms import errors_to_form
from zhenggai.ledger.filtersets import units_in_scope
from zhenggai.ledger.models import Category, Plan
from zhenggai.organizations.models import Unit

__all__ = [
    "COUNT_KEYS",
    "CampaignCreateView",
    "CampaignDetailView",
    "CampaignListView",
    "RecordFindingView",
    "campaigns_for",
    "campaigns_with_counts",
    "may_run_campaigns",
]

COUNT_KEYS = ("checked", "passed", "failed", "pending", "reopened")
CAMPAIGNS_PER_PAGE = 50


def may_run_campaigns(user) -> bool:
    """Offices and administrators (the roles the campaign actions accept)."""
    return bool(user.is_authenticated and user.is_active and (is_admin(user) or user.role == Role.OFFICE))


def campaigns_for(user) -> QuerySet[LookbackCampaign]:
    """The campaigns whose jurisdiction is in the user's scope."""
    return LookbackCampaign.objects.filter(jurisdiction_id__in=units_in_scope(user).values("pk"))


def campaigns_with_counts(queryset: QuerySet[LookbackCampaign]) -> QuerySet[LookbackCampaign]:
    """Each campaign annotated with what ``campaign_counts`` returns for it, all in the one query.

    A finding has at most one reopening (one-to-one), so joining findings and reopenings counts
    each finding once.
    """
    checked = [value for value in FindingResult.values if value != FindingResult.PENDING]
    return queryset.annotate(
        checked=Count("findings", filter=Q(findings__result__in=checked)),
        passed=Count("findings", filter=Q(findings__result=FindingResult.PASSED)),
        failed=Count("findings", filter=Q(findings__result=FindingResult.FAILED)),
        pending=Count("findings", filter=Q(findings__result=FindingResult.PENDING)),
        reopened=Count("findings__reopening"),
    )


class CampaignAccessMixin(LoginRequiredMixin):
    """Signed in (else the login page), then an office or an administrator (else 403)."""

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not may_run_campaigns(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class CampaignListView(CampaignAccessMixin, ListView):
    """回头看: the campaigns of the user's jurisdictions, newest first, each with how far it is."""

    template_name = "acceptance/campaign_list.html"
    context_object_name = "campaigns"
    paginate_by = CAMPAIGNS_PER_PAGE

    def get_queryset(self) -> QuerySet[LookbackCampaign]:
        campaigns = campaigns_for(self.request.user).select_related("jurisdiction", "created_by")
        return campaigns_with_counts(campaigns).order_by("-created_at", "-pk")


class CampaignCreateView(CampaignAccessMixin, FormView):
    """Start a campaign: the action selects the signed-off problems and draws the sample; its refusals
    become form errors."""

    template_name = "acceptance/campaign_form.html"
    form_class = CampaignForm

    def get_form_kwargs(self) -> dict[str, Any]:
        return super().get_form_kwargs() | {"user": self.request.user}

    def form_valid(self, form: CampaignForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            campaign = create_campaign(
                acting_user=self.request.user,
                name=data["name"],
                jurisdiction=data["jurisdiction"],
                plan=data["plan"],
                unit=data["unit"],
                category=data["category"],
                sample=data["sample"],
                seed=data["seed"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Look-back campaign started."))
        return HttpResponseRedirect(reverse("acceptance:campaign_detail", args=[campaign.pk]))


def _selection(selection: dict) -> dict[str, Any]:
    """The plan, unit and category a campaign was narrowed to (one small query each that it names)."""
    shown: dict[str, Any] = {"sample": selection.get("sample"), "seed": selection.get("seed")}
    for key, model in (("plan", Plan), ("unit", Unit), ("category", Category)):
        pk = selection.get(key)
        shown[key] = model.objects.filter(pk=pk).first() if pk is not None else None
        shown[f"{key}_id"] = pk
    return shown


def detail_context(campaign: LookbackCampaign, bound: FindingForm | None = None) -> dict[str, Any]:
    """What the campaign page shows; ``bound`` replaces the blank form of its finding (with its errors)."""
    findings = list(
        campaign.findings.select_related("problem__parent", "checked_by", "reopening")
        .defer("problem__description", "problem__cause", "problem__parent__description", "problem__parent__cause")
        .order_by("pk")
    )
    for finding in findings:
        finding.form = None
        if finding.result == FindingResult.PENDING:
            finding.form = (
                bound if bound is not None and bound.finding_pk == finding.pk else FindingForm(finding_pk=finding.pk)
            )
    return {
        "campaign": campaign,
        "selection": _selection(campaign.selection or {}),
        "counts": campaign_counts(campaign),
        "findings": findings,
    }


class CampaignDetailView(CampaignAccessMixin, TemplateView):
    """A campaign: how its items were chosen, its counts, and each finding — with a form for those
    not yet checked. The database is read a fixed number of times whatever the number of findings."""

    template_name = "acceptance/campaign_detail.html"

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        campaign = get_object_or_404(
            campaigns_for(self.request.user).select_related("jurisdiction", "created_by"), pk=kwargs["pk"]
        )
        return context | detail_context(campaign)


class RecordFindingView(CampaignAccessMixin, View):
    """POST: record what the check of one item found (``record_finding``); a failed one reopens the item.

    Back to the campaign at the finding; a form the action or the form refuses shows the campaign page
    again with the errors; a finding already recorded is a message.
    """

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        finding = get_object_or_404(
            LookbackFinding.objects.filter(campaign__in=campaigns_for(request.user).values("pk")).select_related(
                "campaign__jurisdiction", "campaign__created_by"
            ),
            pk=pk,
        )
        campaign = finding.campaign
        back = reverse("acceptance:campaign_detail", args=[campaign.pk]) + f"#finding-{finding.pk}"
        if finding.result != FindingResult.PENDING:
            messages.error(request, _("This finding was already recorded."))
            return HttpResponseRedirect(back)
        form = FindingForm(request.POST, finding_pk=finding.pk)
        if form.is_valid():
            try:
                record_finding(
                    finding,
                    acting_user=request.user,
                    result=form.cleaned_data["result"],
                    text=form.cleaned_data["finding"],
                )
            except ConflictError as exc:
                messages.error(request, str(exc))
                return HttpResponseRedirect(back)
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                if form.cleaned_data["result"] == FindingResult.FAILED:
                    messages.success(request, _("Finding recorded: the problem is open again."))
                else:
                    messages.success(request, _("Finding recorded."))
                return HttpResponseRedirect(back)
        return render(request, "acceptance/campaign_detail.html", detail_context(campaign, bound=form))
