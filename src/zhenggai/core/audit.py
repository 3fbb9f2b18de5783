"""Stamp an object with the author and reason of its next history row.

django-simple-history writes one history row per save/delete. It takes the author
from ``instance._history_user`` (falling back to the request's user through its
middleware) and the reason from ``instance._change_reason``. Actions call
``stamp()`` before saving so that rows written from the CLI, imports and tasks —
where there is no request — still say who did it and why.
"""

from __future__ import annotations

from typing import Any


def stamp(instance: Any, acting_user: Any, reason: str) -> Any:
    instance._history_user = acting_user
    instance._change_reason = reason[:100]
    return instance
