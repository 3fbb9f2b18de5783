"""Corrections to a parse before it is confirmed (导入前校对): find an item by its path, change it, log it.

A parse is the importer's JSON (``ParsedDocument.to_dict()``). Items are addressed by a path:
``p3`` is ``problems[3]``, ``p3.1`` that problem's ``sub_items[1]``, ``g2`` is ``general_measures[2]``.
Paths are positions, so they are read from the parse as it is now and never stored.

``apply_item_changes`` works on plain dicts (no models) so the rules can be tested alone. Every change
is returned as a log entry (``field``, ``before``, ``after``); the action in ``actions.py`` stores the
entries on the pending import with the user and time. A deadline is re-read from its new wording with
the same parser the importer uses, so a corrected date is understood exactly as an imported one.
"""

from __future__ import annotations

import re
from typing import Any

from zhenggai.importer.model import Deadline

__all__ = [
    "GENERAL_LIST_FIELDS",
    "PROBLEM_LIST_FIELDS",
    "InvalidPath",
    "apply_item_changes",
    "item_at",
    "iter_paths",
]

PROBLEM_TEXT_FIELDS = ("number_text", "title", "description", "cause")
PROBLEM_LIST_FIELDS = (
    "responsible_units",
    "cooperating_units",
    "supervising_units",
    "responsible_leaders",
    "responsible_persons",
)
GENERAL_TEXT_FIELDS = ("number_text", "title", "text")
GENERAL_LIST_FIELDS = ("responsible_units", "cooperating_units")
MEASURE_FIELDS = ("number_text", "text", "deadline", "responsible_units")

_PATH = re.compile(r"^(?:p(\d+)((?:\.\d+)*)|g(\d+))$")


class InvalidPath(LookupError):
    """The path names no item of this parse."""


def _locate(parsed: dict, path: str) -> tuple[list, int]:
    """The list holding the item and its index there."""
    match = _PATH.match(path or "")
    if not match:
        raise InvalidPath(path)
    if match[3] is not None:
        container, index = parsed.get("general_measures") or [], int(match[3])
    else:
        container, index = parsed.get("problems") or [], int(match[1])
        for part in filter(None, (match[2] or "").split(".")):
            if index >= len(container):
                raise InvalidPath(path)
            container, index = container[index].get("sub_items") or [], int(part)
    if index >= len(container):
        raise InvalidPath(path)
    return container, index


def item_at(parsed: dict, path: str) -> dict:
    container, index = _locate(parsed, path)
    return container[index]


def iter_paths(parsed: dict):
    """Every (path, item, depth) of the parse's problems (depth first), then its general measures."""

    def walk(items: list, prefix: str, depth: int):
        for index, item in enumerate(items):
            path = f"{prefix}{index}" if depth == 0 else f"{prefix}.{index}"
            yield path, item, depth
            yield from walk(item.get("sub_items") or [], path, depth + 1)

    yield from walk(parsed.get("problems") or [], "p", 0)
    for index, item in enumerate(parsed.get("general_measures") or []):
        yield f"g{index}", item, 0


def _deadline(raw: str) -> dict | None:
    parsed = Deadline.parse(raw)
    return None if parsed is None else vars(parsed).copy()


def _raw(deadline: dict | None) -> str:
    return (deadline or {}).get("raw") or ""


def _text(value: Any) -> str | None:
    value = (value or "").strip()
    return value or None


def _measure(values: dict) -> dict:
    return {
        "number_text": _text(values.get("number_text")),
        "text": (values.get("text") or "").strip(),
        "deadline": _deadline(values.get("deadline") or ""),
        "progress": _text(values.get("progress")),
        "responsible_units": list(values.get("responsible_units") or []),
    }


def _measure_summary(measures: list[dict]) -> str:
    return "\n".join(
        f"{m.get('number_text') or ''}{m.get('text') or ''}（{_raw(m.get('deadline'))}）" for m in measures
    )


def apply_item_changes(parsed: dict, path: str, values: dict) -> list[dict]:
    """Change one item in place; returns the log entries (one per changed field), ``[]`` when nothing changed.

    ``values`` holds the edited fields: texts, ``deadline`` (problem) or ``deadlines`` (general measure)
    as raw wording, name lists, ``measures`` (a problem's complete new measure list) and ``remove``.
    """
    container, index = _locate(parsed, path)
    item = container[index]
    label = item.get("number_text") or item.get("title") or path
    if values.get("remove"):
        del container[index]
        return [{"item": label, "field": "remove", "before": item.get("title") or "", "after": ""}]
    general = path.startswith("g")
    log: list[dict] = []

    def change(field: str, before: Any, after: Any, shown_before: str, shown_after: str) -> None:
        if before != after:
            item[field] = after
            log.append({"item": label, "field": field, "before": shown_before, "after": shown_after})

    for field in GENERAL_TEXT_FIELDS if general else PROBLEM_TEXT_FIELDS:
        if field in values:
            new = _text(values[field])
            change(field, item.get(field), new, item.get(field) or "", new or "")
    for field in GENERAL_LIST_FIELDS if general else PROBLEM_LIST_FIELDS:
        if field in values:
            new = [name.strip() for name in values[field] if name and name.strip()]
            old = item.get(field) or []
            change(field, old, new, "、".join(old), "、".join(new))
    if not general and "deadline" in values:
        old = item.get("deadline")
        if _raw(old) != (values["deadline"] or "").strip():
            new = _deadline(values["deadline"] or "")
            change("deadline", old, new, _raw(old), _raw(new))
    if general and "deadlines" in values:
        old = item.get("deadlines") or []
        raws = [raw.strip() for raw in values["deadlines"] if raw and raw.strip()]
        if [_raw(d) for d in old] != raws:
            change("deadlines", old, [_deadline(raw) for raw in raws], "；".join(map(_raw, old)), "；".join(raws))
    if not general and "measures" in values:
        old = item.get("measures") or []
        new = []
        for values_of_measure in values["measures"]:
            if not (values_of_measure.get("text") or "").strip():
                continue
            measure = _measure(values_of_measure)
            # Progress texts are not edited here: a kept measure (``source`` = its old index) keeps its own.
            source = values_of_measure.get("source")
            if measure["progress"] is None and isinstance(source, int) and 0 <= source < len(old):
                measure["progress"] = old[source].get("progress")
            new.append(measure)
        if _measure_summary(old) != _measure_summary(new) or [m.get("responsible_units") for m in old] != [
            m["responsible_units"] for m in new
        ]:
            change("measures", old, new, _measure_summary(old), _measure_summary(new))
    if item.get("title") is None and item.get("description"):
        item["title"] = item["description"][:80]
    return log
