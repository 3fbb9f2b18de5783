"""Form helpers shared by the apps' views."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.forms import Form

__all__ = ["errors_to_form"]


def errors_to_form(form: Form, exc: ValidationError, aliases: dict[str, str] | None = None) -> None:
    """Put an action's errors on the form: known fields on the field, the rest above the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for key, errors in exc.message_dict.items():
        name = (aliases or {}).get(key, key)
        form.add_error(name if name in form.fields else None, errors)
