from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from zhenggai.accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (*DjangoUserAdmin.fieldsets, (_("Role and unit"), {"fields": ("role", "unit")}))
    add_fieldsets = (*DjangoUserAdmin.add_fieldsets, (_("Role and unit"), {"fields": ("role", "unit")}))
    list_display = ("username", "first_name", "role", "unit", "is_active", "is_staff")
    list_filter = ("role", "is_active", "is_staff")
    list_select_related = ("unit",)
    autocomplete_fields = ("unit",)
