"""Accountability pages: an inspection's transferred problems with their statistics, a problem with its persons,
the forms (offices), the decision-document download and publishing to the portal.

Only offices and administrators use these pages (the models' docstring says why). Every object page selects
through ``visible_to(user)``: a transferred problem, a person or a document outside it answers 404, and so does
an inspection's page for anyone who may see no accountability row at all (units, supervisors, reviewers), so
the pages do not even confirm that an inspection has accountability cases. The index, which names no object,
answers 403 to those roles. Publishing the whole inspection is refused with 403 to an office that sees only
its share (``actions.can_publish``).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from zhenggai.accountability import actions
from zhenggai.accountability import stats as accountability_stats
from zhenggai.accountability.choices import InvestigationStatus, Rank, Sanction
from zhenggai.accountability.forms import PersonForm, TransferredProblemForm
from zhenggai.accountability.models import AccountablePerson, TransferredProblem, office_root
from zhenggai.core.downloads import private_download
from zhenggai.core.forms import errors_to_form
from zhenggai.ledger.models import Inspection, Problem


def _inspection(request: HttpRequest, pk: int) -> Inspection:
    """The inspection, if the user may see accountability at all and sees the inspection; else 404."""
    if office_root(request.user) is None:
        raise Http404
    return get_object_or_404(Inspection.objects.visible_to(request.user).select_related("inspected_unit"), pk=pk)


def _transferred(request: HttpRequest, pk: int) -> TransferredProblem:
    rows = TransferredProblem.objects.visible_to(request.user).select_related(
        "inspection__inspected_unit", "handling_unit"
    )
    return get_object_or_404(rows, pk=pk)


@require_safe
@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The inspections the user sees, with how many transferred problems and persons of each it sees."""
    if office_root(request.user) is None:
        raise PermissionDenied
    visible = TransferredProblem.objects.visible_to(request.user).values("pk")
    persons = AccountablePerson.objects.visible_to(request.user).values("pk")
    inspections = (
        Inspection.objects.visible_to(request.user)
        .select_related("inspected_unit")
        .annotate(
            problem_count=Count("transferred_problems", filter=Q(transferred_problems__in=visible), distinct=True),
            person_count=Count(
                "transferred_problems__persons", filter=Q(transferred_problems__persons__in=persons), distinct=True
            ),
        )
        .order_by("-feedback_date", "pk")
    )
    return render(request, "accountability/index.html", {"inspections": inspections})


@require_safe
@login_required
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The transferred problems the user sees, the statistics (each number links to ``?show=`` its rows)."""
    inspection = _inspection(request, pk)
    problems = list(
        TransferredProblem.objects.visible_to(request.user)
        .filter(inspection=inspection)
        .select_related("handling_unit")
        .annotate(person_count=Count("persons"))
        .order_by("pk")
    )
    persons = list(
        AccountablePerson.objects.filter(transferred_problem__in=[p.pk for p in problems])
        .only("pk", "name", "post", "rank", "sanction", "sanction_detail", "decided_on", "transferred_problem_id")
        .order_by("transferred_problem_id", "pk")
    )
    numbers = accountability_stats.compute(problems, persons)
    show = request.GET.get("show", "")
    shown_ids = numbers.rows(show) if show else None
    if show and shown_ids is None:
        raise Http404
    by_id = {p.pk: p for p in problems}
    for person in persons:
        person.problem = by_id[person.transferred_problem_id]
    shown_persons = shown_problems = None
    if shown_ids is not None:
        ids = set(shown_ids)
        if show == "problems" or show.startswith("status:"):
            shown_problems = [p for p in problems if p.pk in ids]
        else:
            shown_persons = [p for p in persons if p.pk in ids]
    rank_counts, sanction_counts = numbers.rank_counts(), numbers.sanction_counts()
    context = {
        "inspection": inspection,
        "problems": shown_problems if shown_problems is not None else problems,
        "show": show,
        "shown_persons": shown_persons,
        "stats": numbers,
        "sentence": numbers.sentence(),
        "by_rank": [(key, label, rank_counts[key]) for key, label in Rank.choices],
        "by_sanction": [(key, label, sanction_counts[key]) for key, label in Sanction.choices],
        "cross": [
            (key, label, [(s, len(numbers.cross[(key, s)])) for s in Sanction.values], rank_counts[key])
            for key, label in Rank.choices
        ],
        "by_status": [(key, label, len(numbers.problems_by_status[key])) for key, label in InvestigationStatus.choices],
        "can_create": True,  # every office/admin here may record problems its subtree investigates
        "can_publish": actions.can_publish(request.user, inspection),
    }
    return render(request, "accountability/inspection_detail.html", context)


@login_required
def problem_create(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _inspection(request, pk)
    form = TransferredProblemForm(request.POST or None, user=request.user, inspection=inspection)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "problems"}
        try:
            transferred = actions.create_transferred_problem(
                inspection, acting_user=request.user, problems=form.cleaned_data["problems"], **data
            )
        except PermissionDenied as exc:
            form.add_error("handling_unit", str(exc))
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("The transferred problem was recorded."))
            return HttpResponseRedirect(reverse("accountability:problem_detail", args=[transferred.pk]))
    return render(request, "accountability/problem_form.html", {"inspection": inspection, "form": form})


@require_safe
@login_required
def problem_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A transferred problem, its investigation, its persons and the linked ledger problems the user sees."""
    transferred = _transferred(request, pk)
    linked = Problem.objects.visible_to(request.user).filter(accountability_transfers=transferred)
    persons = AccountablePerson.objects.filter(transferred_problem=transferred).order_by("pk")
    context = {
        "transferred": transferred,
        "inspection": transferred.inspection,
        "persons": persons,
        "linked": linked.select_related("plan").order_by("plan_id", "pk"),
    }
    return render(request, "accountability/problem_detail.html", context)


@login_required
def problem_edit(request: HttpRequest, pk: int) -> HttpResponse:
    transferred = _transferred(request, pk)
    inspection = transferred.inspection
    form = TransferredProblemForm(
        request.POST or None,
        user=request.user,
        inspection=inspection,
        instance=transferred,
        initial=TransferredProblemForm.initial_for(transferred) if request.method != "POST" else None,
    )
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if k in actions.PROBLEM_FIELDS}
        try:
            actions.update_transferred_problem(
                transferred,
                acting_user=request.user,
                changes=changes,
                problems=form.cleaned_data["problems"],
                reason=form.cleaned_data["reason"],
            )
        except PermissionDenied as exc:
            form.add_error("handling_unit", str(exc))
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("The transferred problem was saved."))
            return HttpResponseRedirect(reverse("accountability:problem_detail", args=[transferred.pk]))
    context = {"inspection": inspection, "transferred": transferred, "form": form}
    return render(request, "accountability/problem_form.html", context)


@login_required
def person_create(request: HttpRequest, pk: int) -> HttpResponse:
    transferred = _transferred(request, pk)
    form = PersonForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_person(transferred, acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("The person was recorded."))
            return HttpResponseRedirect(reverse("accountability:problem_detail", args=[transferred.pk]))
    return render(request, "accountability/person_form.html", {"transferred": transferred, "form": form})


def _person(request: HttpRequest, pk: int) -> AccountablePerson:
    rows = AccountablePerson.objects.visible_to(request.user).select_related("transferred_problem__inspection")
    return get_object_or_404(rows, pk=pk)


@login_required
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    form = PersonForm(
        request.POST or None,
        request.FILES or None,
        instance=person,
        initial=PersonForm.initial_for(person) if request.method != "POST" else None,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        document, reason = data.pop("document"), data.pop("reason")
        try:
            actions.update_person(person, acting_user=request.user, changes=data, document=document, reason=reason)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("The person was saved."))
            return HttpResponseRedirect(reverse("accountability:problem_detail", args=[person.transferred_problem_id]))
    context = {"transferred": person.transferred_problem, "person": person, "form": form}
    return render(request, "accountability/person_form.html", context)


@require_safe
@login_required
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    """The decision document of a person the user sees (else 404), as an attachment under its original name."""
    person = _person(request, pk)
    if not person.document:
        raise Http404
    return private_download(person.document, person.document_name or "decision", person.document_type)


@require_POST
@login_required
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish the inspection's accountability on the portal (a new version when published before)."""
    inspection = _inspection(request, pk)
    if not actions.can_publish(request.user, inspection):
        raise PermissionDenied
    item = actions.publish_accountability(inspection, acting_user=request.user)
    messages.success(request, _("The accountability disclosure was published."))
    return HttpResponseRedirect(item.get_absolute_url())


__all__ = [
    "document_download",
    "index",
    "inspection_detail",
    "person_create",
    "person_edit",
    "problem_create",
    "problem_detail",
    "problem_edit",
    "publish",
]
