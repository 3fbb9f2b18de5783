from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from zhenggai.organizations.models import Person, Unit, UnitAlias, UnitMembership


class UnitAliasInline(admin.TabularInline):
    model = UnitAlias
    fields = ("name",)
    extra = 0


class UnitMembershipInline(admin.TabularInline):
    model = UnitMembership
    fk_name = "collective"
    autocomplete_fields = ("member",)
    extra = 0


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = ("name", "level", "parent", "is_active", "successor")
    list_filter = ("level", "is_active")
    list_select_related = ("parent", "successor")
    search_fields = ("name", "short_name", "aliases__name")
    autocomplete_fields = ("parent",)
    # A successor takes over open tasks: record it with organizations.actions.record_succession,
    # never by editing the field. A new parent is fine: Unit.save() rewrites the subtree's paths.
    readonly_fields = ("path", "depth", "successor", "succeeded_on", "succession_reason")
    inlines = (UnitAliasInline, UnitMembershipInline)


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ("name", "title", "unit", "is_active")
    list_select_related = ("unit",)
    search_fields = ("name", "title")
    autocomplete_fields = ("unit", "user")
    readonly_fields = ("successor", "left_on")  # hand-over moves tasks: organizations.actions.hand_over_person
