"""Traditional-character documents: parse on a simplified fold, give back the document's own characters.

Every parser rule is written in simplified characters (整改目标, 第一项, 责任单位). A document in
traditional characters (整改目標, 第一項, 責任單位) is therefore folded line by line to simplified
with OpenCC ``t2s`` for parsing; OpenCC maps character for character here, so a folded line has
the same length as its original and a position in one is the same position in the other. After
parsing, every text value is looked up in the folded text and replaced by the original characters
at the same place — the ledger keeps what the document wrote.
"""

from __future__ import annotations

import dataclasses
from functools import cache

import opencc

__all__ = ["fold", "restore_originals"]

# Values that are codes or dates, not the document's words.
_NOT_TEXT = {"kind", "field", "date", "recurrence", "where", "message"}


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def fold(line: str) -> str:
    """``line`` in simplified characters, with the same length (falls back to one character at a time)."""
    folded = _t2s().convert(line)
    if len(folded) == len(line):
        return folded
    return "".join(c if len(f := _t2s().convert(c)) != 1 else f for c in line)


def _unfold(value: str, folded_source: str, original_source: str) -> str:
    pieces = []
    for piece in value.split("\n"):
        at = folded_source.find(piece) if piece else -1
        pieces.append(original_source[at : at + len(piece)] if at >= 0 else piece)
    return "\n".join(pieces)


def restore_originals(obj: object, folded_lines: list[str], original_lines: list[str]) -> None:
    """Replace the folded text values of a parse result (dataclasses, in place) with the originals.

    Lines are joined without a separator because parsers join a paragraph broken across lines that way.
    """
    folded_source, original_source = "".join(folded_lines), "".join(original_lines)

    def walk(node: object) -> None:
        for f in dataclasses.fields(node):
            value = getattr(node, f.name)
            if isinstance(value, str) and f.name not in _NOT_TEXT:
                setattr(node, f.name, _unfold(value, folded_source, original_source))
            elif isinstance(value, list):
                for i, item in enumerate(value):
                    if isinstance(item, str):
                        value[i] = _unfold(item, folded_source, original_source)
                    elif dataclasses.is_dataclass(item):
                        walk(item)
            elif dataclasses.is_dataclass(value):
                walk(value)

    walk(obj)
