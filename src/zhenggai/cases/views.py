"""Pages of complaint cases: batches, a batch's cases, a case with its handling form, statistics.

Every page selects through ``visible_to(user)`` (outside it: 404). Changing a case needs
``handleable_by``; its acceptance and sign-off are on the acceptance pages (``acceptance:case``);
managing a batch (new batch, import, disclosure, publishing) needs ``CaseBatch.objects.manageable_by``.
Visible but not allowed answers 403. The import pages are in ``import_views``.
"""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from zhenggai.acceptance.choices import OPEN_REQUEST_STATUSES
from zhenggai.accounts.scope import ALL, scope_for
from zhenggai.cases import actions
from zhenggai.cases.choices import CaseStatus, Channel, Findings, PollutionType
from zhenggai.cases.disclosure import write_disclosure
from zhenggai.cases.forms import BatchForm, HandlingForm
from zhenggai.cases.models import Case, CaseAssignment, CaseBatch
from zhenggai.cases.querysets import is_overdue
from zhenggai.cases.stats import case_statistics
from zhenggai.core.downloads import private_download
from zhenggai.core.errors import ConflictError
from zhenggai.ledger.models import Inspection
from zhenggai.organizations.models import Unit

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 100


def _batch(request: HttpRequest, pk: int) -> CaseBatch:
    return get_object_or_404(
        CaseBatch.objects.visible_to(request.user).select_related("inspection", "jurisdiction"), pk=pk
    )


def _manageable(request: HttpRequest, batch: CaseBatch) -> bool:
    return CaseBatch.objects.manageable_by(request.user).filter(pk=batch.pk).exists()


def _is_office(user) -> bool:
    scope = scope_for(user)
    return scope.kind == ALL or scope.role == "office"


@require_safe
@login_required
def batch_list(request: HttpRequest) -> HttpResponse:
    """The batches of the user's scope, each with the number of its cases the user sees."""
    visible = Case.objects.visible_to(request.user).values("pk")
    batches = (
        CaseBatch.objects.visible_to(request.user)
        .select_related("inspection", "jurisdiction")
        .annotate(case_count=Count("cases", filter=Q(cases__in=visible)))
        .order_by("-handed_over_on", "-number")
    )
    return render(request, "cases/batch_list.html", {"batches": batches, "can_create": _is_office(request.user)})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def batch_create(request: HttpRequest) -> HttpResponse:
    """A new batch, by an office (others: 403)."""
    if not _is_office(request.user):
        raise PermissionDenied
    scope = scope_for(request.user)
    units = Unit.objects.jurisdictions()
    if scope.kind != ALL:
        units = units.filter(pk__in=Unit.objects.subtree(request.user.unit).values("pk"))
    form = BatchForm(request.POST or None, inspections=Inspection.objects.visible_to(request.user), jurisdictions=units)
    if request.method == "POST" and form.is_valid():
        try:
            batch = actions.create_batch(acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return HttpResponseRedirect(reverse("cases:batch_detail", args=[batch.pk]))
    return render(request, "cases/batch_form.html", {"form": form})


def _case_rows(cases):
    units = CaseAssignment.objects.select_related("unit").order_by("pk")
    return cases.select_related("region").prefetch_related(Prefetch("assignments", queryset=units))


@require_safe
@login_required
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A batch and the cases of it the user sees, paginated."""
    batch = _batch(request, pk)
    cases = _case_rows(Case.objects.visible_to(request.user).filter(batch=batch).order_by("position", "pk"))
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"batch": batch, "page": page, "cases": page.object_list, "can_manage": _manageable(request, batch)}
    return render(request, "cases/batch_detail.html", context)


@require_safe
@login_required
def disclosure_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The batch's 公开情况一览表 as .xlsx (the disclosure columns only), for the batch's office."""
    batch = _batch(request, pk)
    if not _manageable(request, batch):
        raise PermissionDenied
    out = io.BytesIO()
    write_disclosure(batch, out)
    out.seek(0)
    return private_download(out, f"第{batch.number}批公开情况一览表.xlsx", XLSX_CONTENT_TYPE)


@require_POST
@login_required
def batch_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish the batch's disclosure on the portal (a new version if it was published before)."""
    batch = _batch(request, pk)
    if not _manageable(request, batch):
        raise PermissionDenied
    item = actions.publish_batch_disclosure(batch, acting_user=request.user)
    messages.success(request, _("The disclosure of this batch is published."))
    url = item.get_absolute_url() if hasattr(item, "get_absolute_url") else ""
    return HttpResponseRedirect(url or reverse("cases:batch_detail", args=[batch.pk]))


def _case(request: HttpRequest, pk: int) -> Case:
    """The case (404 outside ``visible_to``), with ``repeat_of_visible``: whether the reader may open the case
    it repeats (as the API's ``repeat_of``), a correlated EXISTS in the same query; the page shows that
    case's number only then."""
    visible = Case.objects.visible_to(request.user)
    return get_object_or_404(
        visible.select_related("batch__inspection", "region", "repeat_of").annotate(
            repeat_of_visible=Exists(visible.filter(pk=OuterRef("repeat_of_id")))
        ),
        pk=pk,
    )


def _detail(request: HttpRequest, case: Case, *, handling_form=None, status: int = 200):
    """The case, its units, its acceptance requests (the latest first: its acceptance page has the whole
    chain and the signed decisions) and history; the handling form while the handling may change."""
    acceptance = list(case.acceptance_requests.order_by("-requested_at", "-pk")[:3])
    frozen = case.status == CaseStatus.SIGNED_OFF or any(r.status in OPEN_REQUEST_STATUSES for r in acceptance)
    handles = Case.objects.handleable_by(request.user).filter(pk=case.pk).exists()
    can_handle = handles and not frozen
    if can_handle and handling_form is None:
        handling_form = HandlingForm.for_case(case)
    context = {
        "case": case,
        "overdue": is_overdue(case.status, case.due_date, timezone.localdate()),
        "can_link_repeat": handles and not frozen,  # mark_repeat refuses a frozen case too
        "can_edit_units": not frozen and _manageable(request, case.batch),
        "assignments": list(case.assignments.select_related("unit", "unit__successor")),
        "acceptance_requests": acceptance,
        "history": list(case.history.select_related("history_user").order_by("-history_date", "-history_id")[:20]),
        "handling_form": handling_form if can_handle else None,
    }
    return render(request, "cases/case_detail.html", context, status=status)


@require_safe
@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _case(request, pk))


@require_POST
@login_required
def case_handle(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the handling (``actions.record_handling``); a stale form is a conflict (409)."""
    case = _case(request, pk)
    if not Case.objects.handleable_by(request.user).filter(pk=case.pk).exists():
        raise PermissionDenied
    form = HandlingForm(request.POST)
    if not form.is_valid():
        return _detail(request, case, handling_form=form, status=400)
    try:
        actions.record_handling(
            case, acting_user=request.user, expected_version=form.cleaned_data["version"], changes=form.changes()
        )
    except ConflictError as exc:
        messages.error(request, str(exc))
        return _detail(request, _case(request, pk), status=409)
    except ValidationError as exc:
        form.add_error(None, exc)
        return _detail(request, case, handling_form=form, status=400)
    messages.success(request, _("The handling is recorded."))
    return HttpResponseRedirect(reverse("cases:case_detail", args=[case.pk]))


# Lists and statistics --------------------------------------------------------------------------------

LIST_FILTERS = ("batch", "status", "findings", "channel", "region", "type", "unit", "key", "overdue")


def filter_cases(cases, params) -> tuple:
    """Apply the list filters of ``params`` (a QueryDict); returns the query set and the filters used."""
    used = {}
    if batch := params.get("batch", "").strip():
        if batch.isdigit():
            cases, used["batch"] = cases.filter(batch_id=int(batch)), batch
    if statuses := [s for s in params.getlist("status") if s in CaseStatus.values]:
        cases, used["status"] = cases.filter(status__in=statuses), statuses
    if findings := [f for f in params.getlist("findings") if f in [*Findings.values, "none"]]:
        values = ["" if f == "none" else f for f in findings]
        cases, used["findings"] = cases.filter(findings__in=values), findings
    if (channel := params.get("channel")) in [*Channel.values, "none"]:
        cases, used["channel"] = cases.filter(channel="" if channel == "none" else channel), channel
    if region := params.get("region", ""):
        if region == "none":
            cases, used["region"] = cases.filter(region__isnull=True), region
        elif region.isdigit():
            cases, used["region"] = cases.filter(region_id=int(region)), region
    if (kind := params.get("type")) in PollutionType.values:
        cases, used["type"] = cases.with_pollution_type(kind), kind
    if (unit := params.get("unit", "")).isdigit():
        cases = cases.filter(pk__in=CaseAssignment.objects.filter(unit_id=int(unit)).values("case_id"))
        used["unit"] = unit
    if params.get("key") == "1":
        cases, used["key"] = cases.filter(is_key=True), "1"
    if params.get("overdue") == "1":  # 逾期未办结 today, the rule of the statistics and the dashboard
        cases, used["overdue"] = cases.overdue(timezone.localdate()), "1"
    return cases, used


@require_safe
@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    """The cases the user sees, filtered as the statistics' links ask (every number opens its rows)."""
    cases, used = filter_cases(Case.objects.visible_to(request.user), request.GET)
    cases = _case_rows(cases.select_related("batch").order_by("batch_id", "position", "pk"))
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/case_list.html",
        {"page": page, "cases": page.object_list, "filters": used, "querystring": query.urlencode()},
    )


def _link(base: dict, **params) -> str:
    pairs = [(k, v) for k, v in base.items()]
    for key, value in params.items():
        for item in value if isinstance(value, list | tuple) else [value]:
            pairs.append((key, item))
    return reverse("cases:case_list") + ("?" + urlencode(pairs) if pairs else "")


@require_safe
@login_required
def statistics(request: HttpRequest) -> HttpResponse:
    """Counts and rates over the cases the user sees (optionally one batch); every number links to its rows."""
    cases, used = filter_cases(Case.objects.visible_to(request.user), request.GET)
    base = {"batch": used["batch"]} if "batch" in used else {}
    stats = case_statistics(cases)
    closed = [CaseStatus.CLOSED, CaseStatus.SIGNED_OFF]
    true = [Findings.TRUE, Findings.PARTLY]
    rates = [
        (_("Closed, over all cases"), stats.rates["all"], _link(base, status=closed), _link(base)),
        (
            _("Closed or closed for this stage, over all cases"),
            stats.rates["with_stage"],
            _link(base, status=[CaseStatus.STAGE_CLOSED, *closed]),
            _link(base),
        ),
        (
            _("Closed, over cases found true or partly true"),
            stats.rates["verified_true"],
            _link(base, status=closed, findings=true),
            _link(base, findings=true),
        ),
    ]
    context = {
        "stats": stats,
        "rates": rates,
        "all_link": _link(base),
        "key_link": _link(base, key="1"),
        "by_status": [(label, stats.by_status[v], _link(base, status=v)) for v, label in CaseStatus.choices],
        "by_findings": [
            (label, stats.by_findings[v], _link(base, findings=v or "none"))
            for v, label in [("", _("Not investigated yet")), *Findings.choices]
        ],
        "by_channel": [
            (label, stats.by_channel[v], _link(base, channel=v or "none"))
            for v, label in [("", _("Unknown")), *Channel.choices]
        ],
        "by_type": [(label, stats.by_pollution_type[v], _link(base, type=v)) for v, label in PollutionType.choices],
        "by_region": [(name, n, _link(base, region=pk or "none")) for (pk, name), n in stats.by_region.items()],
        "by_unit": [(name, share, _link(base, unit=pk)) for (pk, name), share in stats.by_unit.items()],
        "penalties": [(Case._meta.get_field(name).verbose_name, value) for name, value in stats.penalties.items()],
        "batches": CaseBatch.objects.visible_to(request.user)
        .select_related("inspection")
        .order_by("-handed_over_on", "-number"),
        "batch_filter": used.get("batch", ""),
    }
    return render(request, "cases/statistics.html", context)
