"""The review flow: upload a document → check its parse beside its text → confirm (one transaction) or discard.

Only offices and administrators import. A pending import is visible to its uploader and to
administrators; anyone else gets a 404, as for any object outside a user's scope.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from zhenggai.accounts.choices import Role
from zhenggai.importer.parse import to_text
from zhenggai.importer.text import UnreadableDocument, lines
from zhenggai.importer.xlsx_preview import preview_rows
from zhenggai.imports import actions
from zhenggai.imports.forms import GeneralMeasureEditForm, MeasureFormSet, ProblemEditForm, UploadForm
from zhenggai.imports.matching import UnitMatcher
from zhenggai.imports.models import PendingImport
from zhenggai.imports.review import InvalidPath, item_at, iter_paths

_UNIT_FIELDS = (
    ("responsible_units", gettext_lazy("Responsible units")),
    ("cooperating_units", gettext_lazy("Cooperating units")),
    ("supervising_units", gettext_lazy("Supervising units")),
)


def field_label(name: str) -> str:
    """How the review page names a corrected field."""
    for form in (ProblemEditForm, GeneralMeasureEditForm):
        if name in form.base_fields and name != "remove":
            return str(form.base_fields[name].label)
    return str({"measures": _("Measures"), "remove": _("Left out of the import")}.get(name, name))


def can_import(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role in (Role.OFFICE, Role.ADMIN))


def is_admin(user) -> bool:
    return user.is_superuser or user.role == Role.ADMIN


def pending_imports_for(user):
    """The uploads a user may open: their own; every upload for administrators."""
    pending = PendingImport.objects.select_related("jurisdiction", "plan", "import_record", "uploaded_by")
    return pending if is_admin(user) else pending.filter(uploaded_by=user)


def _validation_messages(exc: ValidationError) -> list[str]:
    return list(exc.messages)


class ImportMixin(LoginRequiredMixin):
    """Only offices and administrators: a 403 for everyone else."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not can_import(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ImportListView(ImportMixin, ListView):
    """The user's uploads: waiting for review, imported, discarded."""

    template_name = "imports/import_list.html"
    context_object_name = "pending_imports"
    paginate_by = 50

    def get_queryset(self):
        return pending_imports_for(self.request.user).filter(uploaded_by=self.request.user).defer("data", "parsed")


class UploadView(ImportMixin, FormView):
    template_name = "imports/import_form.html"
    form_class = UploadForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            pending = actions.upload_document(
                acting_user=self.request.user,
                data=upload.read(),
                filename=upload.name or "",
                jurisdiction=None if form.cleaned_data["plan"] else form.cleaned_data["jurisdiction"],
                plan=form.cleaned_data["plan"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error("file", _validation_messages(exc))
            return self.form_invalid(form)
        return redirect("imports:review", pk=pending.pk)


def _annotate_deadline(deadline: dict | None) -> dict | None:
    """Mark a deadline nobody could date and that is not immediate, long-term, conditional or recurring."""
    if deadline:
        deadline["unsure"] = not (
            deadline.get("date")
            or deadline.get("immediate")
            or deadline.get("long_term")
            or deadline.get("conditional")
            or deadline.get("recurrence")
        )
    return deadline


class _Annotator:
    """Adds review hints to the stored parse: each unit name matched or not, each unsure deadline."""

    def __init__(self) -> None:
        self.matcher = UnitMatcher()
        self.unsure = 0

    def units(self, item: dict) -> list[tuple[str, list[tuple[str, object]]]]:
        groups = []
        for field, label in _UNIT_FIELDS:
            names = item.get(field) or []
            if names:
                groups.append((label, [(name, self.matcher.match(name)) for name in names]))
        return groups

    def deadline(self, deadline: dict | None) -> None:
        if _annotate_deadline(deadline) and deadline["unsure"]:
            self.unsure += 1

    def problem(self, item: dict) -> dict:
        self.deadline(item.get("deadline"))
        for target in item.get("targets") or []:
            self.deadline(target.get("deadline"))
        item["unit_groups"] = self.units(item)
        for measure in item.get("measures") or []:
            self.deadline(measure.get("deadline"))
            measure["unit_groups"] = self.units(measure)
        return item

    def general_measure(self, item: dict) -> dict:
        for deadline in item.get("deadlines") or []:
            self.deadline(deadline)
        item["unit_groups"] = self.units(item)
        return item


def _source_view(pending: PendingImport) -> tuple[list[str], list]:
    """The uploaded document as the reviewer reads it: its text lines, or a spreadsheet's sheets and rows."""
    data = bytes(pending.data)
    try:
        return lines(to_text(data, pending.filename)[0]), []
    except UnreadableDocument:
        pass  # an .xlsx ledger has no text form
    try:
        return [], preview_rows(data)
    except UnreadableDocument:
        return [], []


class ReviewView(ImportMixin, TemplateView):
    """The parse beside the document's text, warnings on top, unsure fields highlighted."""

    template_name = "imports/import_review.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pending = get_object_or_404(pending_imports_for(self.request.user), pk=kwargs["pk"])
        parsed = pending.parsed
        annotator = _Annotator()
        rows, general = [], []
        for path, item, depth in iter_paths(parsed):
            if path.startswith("g"):
                general.append((annotator.general_measure(item), path))
            else:
                rows.append((annotator.problem(item), depth, path))
        text_lines, sheets = _source_view(pending)
        context.update(
            pending=pending,
            parsed=parsed,
            document=parsed.get("document") or {},
            warnings=parsed.get("warnings") or [],
            problem_rows=rows,
            general_measures=general,
            measure_count=sum(len(item.get("measures") or []) for item, _depth, _path in rows),
            text_lines=text_lines,
            sheets=sheets,
            unmatched_names=annotator.matcher.unmatched,
            unsure_deadlines=annotator.unsure,
            edits=[{**edit, "field": field_label(edit["field"])} for edit in pending.edits],
        )
        return context


class ItemEditView(ImportMixin, TemplateView):
    """Correct one parsed item before the import: a problem with its measures, or a numbered measure."""

    template_name = "imports/import_item_edit.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.general = kwargs["path"].startswith("g")

    def get_item(self, pending: PendingImport) -> dict:
        try:
            return item_at(pending.parsed, self.kwargs["path"])
        except InvalidPath as exc:
            raise Http404 from exc

    def get_pending(self) -> PendingImport:
        pending = get_object_or_404(pending_imports_for(self.request.user), pk=self.kwargs["pk"])
        if pending.status != PendingImport.Status.PENDING:
            raise Http404
        return pending

    def forms_for(self, item: dict, data=None):
        if self.general:
            return GeneralMeasureEditForm(data, initial=GeneralMeasureEditForm.initial_from(item)), None
        form = ProblemEditForm(data, initial=ProblemEditForm.initial_from(item))
        measures = MeasureFormSet(
            data,
            prefix="measures",
            initial=[MeasureFormSet.form.initial_from(i, m) for i, m in enumerate(item.get("measures") or [])],
        )
        return form, measures

    def get(self, request, pk, path):
        pending = self.get_pending()
        item = self.get_item(pending)
        form, measures = self.forms_for(item)
        return self.render_to_response(self.get_context_data(pending=pending, item=item, form=form, measures=measures))

    def post(self, request, pk, path):
        pending = self.get_pending()
        item = self.get_item(pending)
        form, measures = self.forms_for(item, request.POST)
        if not form.is_valid() or (measures is not None and not measures.is_valid()):
            context = self.get_context_data(pending=pending, item=item, form=form, measures=measures)
            return self.render_to_response(context)
        values = dict(form.cleaned_data)
        if measures is not None:
            values["measures"] = [m for m in measures.cleaned_data if m and not m.get("DELETE")]
        try:
            log = actions.edit_pending_item(pending, acting_user=request.user, path=path, values=values)
        except (ValidationError, InvalidPath) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            return redirect("imports:review", pk=pending.pk)
        if log:
            fields = "、".join(field_label(entry["field"]) for entry in log)
            messages.success(request, _("Corrected: %(fields)s") % {"fields": fields})
        return redirect(reverse("imports:review", args=[pending.pk]) + ("" if values.get("remove") else f"#{path}"))


class _PendingAction(ImportMixin, View):
    http_method_names = ["post"]

    def get_pending(self) -> PendingImport:
        return get_object_or_404(pending_imports_for(self.request.user), pk=self.kwargs["pk"])


class ConfirmView(_PendingAction):
    def post(self, request, pk):
        pending = self.get_pending()
        try:
            result = actions.confirm_import(pending, acting_user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(_validation_messages(exc)))
            return redirect("imports:review", pk=pending.pk)
        text = _("Imported %(problems)d problems and %(measures)d measures.") % {
            "problems": result.problems,
            "measures": result.measures,
        }
        if result.unmatched_names:
            text += " " + _("Units not found in the registry (kept as written): %(names)s") % {
                "names": "、".join(result.unmatched_names)
            }
        messages.success(request, text)
        return redirect("ledger:plan_detail", pk=result.plan.pk)


class DiscardView(_PendingAction):
    def post(self, request, pk):
        pending = self.get_pending()
        try:
            actions.discard_import(pending, acting_user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(_validation_messages(exc)))
            return redirect("imports:review", pk=pending.pk)
        messages.info(request, _("The upload was discarded; nothing was imported."))
        return redirect("imports:list")
