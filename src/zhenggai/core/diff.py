"""A side-by-side character diff of two texts (修改前 / 修改后), for plan revisions.

Chinese has no spaces to split words on, so the diff is by character, with changes merged into runs:
``side_by_side("2020年底前", "2021年6月底前")`` marks ``0`` as removed and ``1年6月`` as inserted.
"""

from __future__ import annotations

from difflib import SequenceMatcher

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

__all__ = ["side_by_side"]


def side_by_side(before: str, after: str) -> tuple[SafeString, SafeString]:
    """(before, after) as HTML: removed text in ``<del>``, inserted text in ``<ins>``, the rest escaped."""
    before, after = before or "", after or ""
    left: list[str] = []
    right: list[str] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        old, new = escape(before[i1:i2]), escape(after[j1:j2])
        if tag == "equal":
            left.append(old)
            right.append(new)
            continue
        if old:
            left.append(f"<del>{old}</del>")
        if new:
            right.append(f"<ins>{new}</ins>")
    return mark_safe("".join(left)), mark_safe("".join(right))  # noqa: S308 - every piece is escaped above
