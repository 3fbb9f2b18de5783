"""Pages that change how a case is linked: the case it repeats (重复举报) and its responsible units.

* ``/cases/<pk>/repeat/`` (``cases:case_repeat``): whoever sees the case sees the chain of cases it
  repeats and the cases repeating it; whoever may handle it (``handleable_by``) searches a case of the
  same inspection by number and links it (``actions.mark_repeat``), or unlinks.
* ``/cases/<pk>/units/`` (``cases:case_units``): the office over the case's batch
  (``CaseBatch.objects.manageable_by``) edits the units and shares (``actions.set_case_units``); the
  unit picker lists the batch's jurisdiction.

Outside ``Case.objects.visible_to``: 404; seen but not allowed: 403. A stale form: 409. A case signed
off, or under acceptance (a request in review or in 公示: the reviewers sign it as it stands), is frozen:
both pages show why instead of their forms, and a POST is refused (400) as the actions refuse it.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from zhenggai.cases import actions
from zhenggai.cases.case_numbers import normalize_case_number
from zhenggai.cases.choices import CaseStatus
from zhenggai.cases.forms import CaseSearchForm, CaseUnitFormSet, RepeatLinkForm, VersionForm
from zhenggai.cases.models import Case, CaseAssignment, CaseBatch
from zhenggai.core.errors import ConflictError
from zhenggai.organizations.models import Unit, path_prefix

SEARCH_LIMIT = 20
UNITS_PREFIX = "units"


def _case(request: HttpRequest, pk: int, *related: str) -> Case:
    """The case (404 outside ``visible_to``) with its batch and ``under_acceptance``, in one query."""
    cases = Case.objects.visible_to(request.user).with_under_acceptance()
    return get_object_or_404(cases.select_related("batch", *related), pk=pk)


def _frozen_reason(case: Case, *, what: str) -> str:
    """Why the case's ``what`` ("units" or "repeat") cannot change now, or "" (the actions' messages)."""
    if case.status == CaseStatus.SIGNED_OFF:
        if what == "units":
            return _("This case is signed off; its units can no longer change.")
        return _("This case is signed off; its repeat link can no longer change.")
    if case.under_acceptance:
        if what == "units":
            return _("This case is under acceptance; its units wait until the request returns.")
        return _("This case is under acceptance; its repeat link waits until the request returns.")
    return ""


# Repeat links ----------------------------------------------------------------------------------------


def repeat_links(case: Case) -> dict[int, int]:
    """Every repeat link of the case's inspection (case id → id of the case it repeats), in one query:
    only linked cases have a row, so the page's query count does not grow with a chain."""
    return dict(
        Case.objects.filter(inspection_id=case.inspection_id, repeat_of__isnull=False)
        .order_by()
        .values_list("pk", "repeat_of_id")
    )


def walk(links: dict[int, int], start: int) -> list[int]:
    """The ids the links lead to from ``start``, nearest first; stops on a loop should one exist."""
    chain: list[int] = []
    pk = links.get(start)
    while pk is not None and pk != start and pk not in chain:
        chain.append(pk)
        pk = links.get(pk)
    return chain


def repeat_chain(case: Case, links: dict[int, int] | None = None) -> tuple[list[int], list[int]]:
    """The ids of the cases ``case`` repeats (nearest first, following the links) and of the cases that
    repeat it directly; ``links`` as ``repeat_links`` gives them (read when not given)."""
    if links is None:
        links = repeat_links(case)
    return walk(links, case.pk), sorted(source for source, target in links.items() if target == case.pk)


def _repeat_page(request: HttpRequest, case: Case, *, form: RepeatLinkForm | None = None, status: int = 200):
    handles = Case.objects.handleable_by(request.user).filter(pk=case.pk).exists()
    frozen = _frozen_reason(case, what="repeat")
    can_handle = handles and not frozen  # as the case page offers the link (``views._detail``)
    links = repeat_links(case)
    chain_ids, repeat_ids = repeat_chain(case, links)
    shown = {}
    if chain_ids or repeat_ids:
        shown = Case.objects.visible_to(request.user).select_related("batch").in_bulk(chain_ids + repeat_ids)
    search = CaseSearchForm(request.GET or None)
    results = None
    if can_handle and search.is_valid() and (query := normalize_case_number(search.cleaned_data["q"])):
        results = list(
            _candidates(request, case)
            .filter(number__icontains=query)
            .select_related("batch")
            .order_by("batch__number", "position", "pk")[:SEARCH_LIMIT]
        )
        for other in results:  # a case whose own links lead back here cannot be linked (no button)
            other.loops = case.pk in walk(links, other.pk)
    context = {
        "case": case,
        "can_handle": can_handle,
        # (id, case or None): a case of the chain the reader may not open is shown without its number
        "chain": [(pk, shown.get(pk)) for pk in chain_ids],
        "repeats": [shown[pk] for pk in repeat_ids if pk in shown],
        "hidden_repeats": sum(1 for pk in repeat_ids if pk not in shown),
        "search": search,
        "results": results,
        "search_limit": SEARCH_LIMIT,
        "form": form,
        "frozen": frozen if handles else "",  # told to those who would otherwise have the forms
    }
    return render(request, "cases/case_repeat.html", context, status=status)


def _candidates(request: HttpRequest, case: Case):
    """The cases ``case`` may repeat: of its inspection, seen by the user, not itself."""
    return Case.objects.visible_to(request.user).filter(inspection_id=case.inspection_id).exclude(pk=case.pk)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def case_repeat(request: HttpRequest, pk: int) -> HttpResponse:
    """The repeat links of a case; POST links it to the case it repeats (``repeat_of``) or unlinks it."""
    case = _case(request, pk)
    if request.method != "POST":
        return _repeat_page(request, case)
    if not Case.objects.handleable_by(request.user).filter(pk=case.pk).exists():
        raise PermissionDenied
    form = RepeatLinkForm(request.POST, cases=_candidates(request, case))
    if not form.is_valid():
        return _repeat_page(request, case, form=form, status=400)
    repeat_of = None if form.cleaned_data["unlink"] else form.cleaned_data["repeat_of"]
    try:
        actions.mark_repeat(case, repeat_of, acting_user=request.user, expected_version=form.cleaned_data["version"])
    except ConflictError as exc:
        messages.error(request, str(exc))
        return _repeat_page(request, _case(request, pk), status=409)
    except ValidationError as exc:
        form.add_error(None, exc.messages)
        return _repeat_page(request, case, form=form, status=400)
    if repeat_of is None:
        messages.success(request, _("The case is no longer marked as a repeat."))
    else:
        messages.success(request, _("The case is marked as a repeat of %(number)s.") % {"number": repeat_of.number})
    return HttpResponseRedirect(reverse("cases:case_repeat", args=[case.pk]))


# Units and shares ------------------------------------------------------------------------------------


def _unit_choices(batch: CaseBatch, assigned: list[CaseAssignment]) -> tuple[list[tuple[int, str]], dict[int, Unit]]:
    """The picker's units: the active units of the batch's jurisdiction (as ``batch_create`` offers
    jurisdictions, from the tree), plus the units the case has now even if inactive (a predecessor) or
    outside it (an old import), so the form shows them; ``set_case_units`` refuses a foreign one.
    Indented by depth under the jurisdiction.

    Cost: one query on every GET and POST, returning every active unit under the jurisdiction — for a
    province batch that is the whole province's registry (thousands of rows, and as many ``<option>``s
    in each row's select). It is an indexed path-prefix scan and only the four columns the picker uses
    are read; should it grow too large, the picker becomes an autocomplete (as the admin's is)."""
    root = batch.jurisdiction
    units = list(
        Unit.objects.filter(
            (path_prefix("path", root.path) & Q(is_active=True)) | Q(pk__in=[a.unit_id for a in assigned])
        )
        .only("pk", "name", "path", "depth")
        .order_by("path")
    )
    choices = [(u.pk, "\u3000" * max(u.depth - root.depth, 0) + u.name) for u in units]
    return choices, {u.pk: u for u in units}


def _units_page(request: HttpRequest, case: Case, *, formset=None, status: int = 200) -> HttpResponse:
    assigned = list(CaseAssignment.objects.filter(case=case).select_related("unit").order_by("pk"))
    frozen = _frozen_reason(case, what="units")
    if frozen:
        formset = None
    elif formset is None:
        choices, _units = _unit_choices(case.batch, assigned)
        initial = [{"unit": a.unit_id, "share": a.share} for a in assigned]
        formset = CaseUnitFormSet(initial=initial, prefix=UNITS_PREFIX, form_kwargs={"unit_choices": choices})
    context = {"case": case, "assignments": assigned, "formset": formset, "frozen": frozen}
    return render(request, "cases/case_units.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def case_units(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit the responsible units and shares of a case, by the office over its batch."""
    case = _case(request, pk, "batch__jurisdiction")
    if not CaseBatch.objects.manageable_by(request.user).filter(pk=case.batch_id).exists():
        raise PermissionDenied
    if request.method != "POST":
        return _units_page(request, case)
    if _frozen_reason(case, what="units"):  # refused before reading the form (set_case_units would too)
        return _units_page(request, case, status=400)
    choices, units = _unit_choices(case.batch, list(CaseAssignment.objects.filter(case=case)))
    formset = CaseUnitFormSet(request.POST, prefix=UNITS_PREFIX, form_kwargs={"unit_choices": choices})
    version = VersionForm(request.POST)
    if not (version.is_valid() & formset.is_valid()):  # both, for every error at once
        return _units_page(request, case, formset=formset, status=400)
    try:
        actions.set_case_units(
            case, formset.pairs(units), acting_user=request.user, expected_version=version.cleaned_data["version"]
        )
    except ConflictError as exc:
        messages.error(request, str(exc))
        return _units_page(request, _case(request, pk, "batch__jurisdiction"), status=409)
    except ValidationError as exc:
        formset.refuse(exc.messages)
        return _units_page(request, case, formset=formset, status=400)
    messages.success(request, _("The responsible units are saved."))
    return HttpResponseRedirect(reverse("cases:case_units", args=[case.pk]))
