"""Render form fields with Bootstrap classes, so forms need no styling code of their own."""

from __future__ import annotations

from django import forms, template

register = template.Library()


@register.filter
def bootstrap(bound_field, size: str = ""):
    """Render ``bound_field`` with form-control/form-select/form-check-input; ``size`` may be "sm"."""
    widget = bound_field.field.widget
    if isinstance(widget, forms.Select | forms.NullBooleanSelect):
        css = "form-select"
    elif isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    else:
        css = "form-control"
    if size and css != "form-check-input":
        css += f" {css}-{size}"
    if bound_field.errors:
        css += " is-invalid"
    return bound_field.as_widget(attrs={"class": css})
