"""The review flow: upload a document → check its parse beside its text → confirm (one transaction) or discard.

Only offices and administrators import. A pending import is visible to its uploader and to
administrators; anyone else gets a 404, as for any object outside a user's scope.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from zhenggai.accounts.choices import Role
from zhenggai.importer.parse import to_text
from zhenggai.importer.text import UnreadableDocument, lines
from zhenggai.imports import actions
from zhenggai.imports.forms import UploadForm
from zhenggai.imports.matching import UnitMatcher
from zhenggai.imports.models import PendingImport

_UNIT_FIELDS = (
    ("responsible_units", gettext_lazy("Responsible units")),
    ("cooperating_units", gettext_lazy("Cooperating units")),
    ("supervising_units", gettext_lazy("Supervising units")),
)


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

    def problem(self, item: dict, depth: int, rows: list) -> None:
        self.deadline(item.get("deadline"))
        for target in item.get("targets") or []:
            self.deadline(target.get("deadline"))
        item["unit_groups"] = self.units(item)
        for measure in item.get("measures") or []:
            self.deadline(measure.get("deadline"))
            measure["unit_groups"] = self.units(measure)
        rows.append((item, depth))
        for sub in item.get("sub_items") or []:
            self.problem(sub, depth + 1, rows)

    def general_measure(self, item: dict) -> dict:
        for deadline in item.get("deadlines") or []:
            self.deadline(deadline)
        item["unit_groups"] = self.units(item)
        return item


class ReviewView(ImportMixin, TemplateView):
    """The parse beside the document's text, warnings on top, unsure fields highlighted."""

    template_name = "imports/import_review.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pending = get_object_or_404(pending_imports_for(self.request.user), pk=kwargs["pk"])
        parsed = pending.parsed
        annotator = _Annotator()
        rows: list = []
        for item in parsed.get("problems") or []:
            annotator.problem(item, 0, rows)
        general = [annotator.general_measure(item) for item in parsed.get("general_measures") or []]
        try:
            text_lines = lines(to_text(bytes(pending.data), pending.filename)[0])
        except UnreadableDocument:
            text_lines = []  # an .xlsx ledger has no text form: the structure alone is shown
        context.update(
            pending=pending,
            parsed=parsed,
            document=parsed.get("document") or {},
            warnings=parsed.get("warnings") or [],
            problem_rows=rows,
            general_measures=general,
            measure_count=sum(len(item.get("measures") or []) for item, _depth in rows),
            text_lines=text_lines,
            unmatched_names=annotator.matcher.unmatched,
            unsure_deadlines=annotator.unsure,
        )
        return context


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
