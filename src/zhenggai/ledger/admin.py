from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from zhenggai.ledger.models import Assignment, Category, Inspection, Measure, Plan, PlanRevision, Problem, Target


class ReadOnlyAdminMixin:
    """Problems, targets, measures and assignments change only through ledger.actions (version checks,
    deadline parsing, history reasons); the admin lets administrators browse them and their history."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Inspection)
class InspectionAdmin(SimpleHistoryAdmin):
    list_display = ("team", "kind", "level", "inspected_unit", "feedback_date")
    list_select_related = ("inspected_unit",)
    autocomplete_fields = ("inspected_unit",)
    search_fields = ("team",)


class CategoryInline(admin.TabularInline):
    model = Category
    extra = 0


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = ("title", "doc_number", "issue_date", "level", "status", "jurisdiction")
    list_select_related = ("jurisdiction",)
    list_filter = ("level", "status")
    search_fields = ("title", "doc_number")
    autocomplete_fields = ("inspection", "jurisdiction", "issuing_units", "parent_plan")
    inlines = (CategoryInline,)


@admin.register(PlanRevision)
class PlanRevisionAdmin(admin.ModelAdmin):
    list_display = ("plan", "number", "doc_number", "issue_date")
    list_select_related = ("plan",)


class TargetInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Target
    fields = ("number_text", "text", "due_raw")
    extra = 0


class AssignmentInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Assignment
    fields = ("role", "unit", "person", "raw_text", "measure", "target")
    autocomplete_fields = ("unit", "person")
    extra = 0


@admin.register(Problem)
class ProblemAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("__str__", "plan", "status", "due_date", "due_raw")
    list_select_related = ("plan",)
    list_filter = ("status", "plan")
    search_fields = ("title", "number_text")
    autocomplete_fields = ("parent", "merged_into")
    readonly_fields = ("version",)
    inlines = (TargetInline, AssignmentInline)


@admin.register(Target)
class TargetAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("__str__", "problem", "due_date")
    list_select_related = ("problem",)
    search_fields = ("text",)
    autocomplete_fields = ("problem",)


@admin.register(Measure)
class MeasureAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("__str__", "problem", "status", "due_date")
    list_select_related = ("problem",)
    search_fields = ("text",)
    autocomplete_fields = ("problem", "target")
