"""Statistics put back together from stored parts.

``from_dict`` reads what ``Statistics.to_dict()`` wrote. ``combine`` adds up the statistics of whole plans
— each computed by ``engine.statistics`` on one plan's problems, on the same date — into exactly what the
engine gives for the union of those plans: the engine is separable by plan (every number is a sum over
tasks or measures, every list follows ledger order, which is plan first), so counts add, id lists
concatenate in plan order, dictionaries keep the order in which their keys first appear, per-unit
figures add by unit (the mean days to close from their totals), and the months of completion are laid
out again from the earliest. ``test_combine`` holds the two equal, key order included.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from zhenggai.stats.engine import Counts, Rate, Statistics, UnitStats

__all__ = ["combine", "from_dict", "without_ids"]


def _rate(data: dict) -> Rate:
    return Rate(
        data["numerator"],
        data["denominator"],
        data["basis"],
        date.fromisoformat(data["as_of"]),
        list(data["numerator_ids"]),
        list(data["denominator_ids"]),
    )


def from_dict(data: dict) -> Statistics:
    """The ``Statistics`` that ``to_dict()`` wrote (without ``states``, which it does not keep)."""
    return Statistics(
        as_of=date.fromisoformat(data["as_of"]),
        tasks=Counts(**data["tasks"]),
        measures=Counts(**data["measures"]),
        completion={key: _rate(rate) for key, rate in data["completion"].items()},
        overdue=list(data["overdue"]),
        behind=list(data["behind"]),
        units=[UnitStats(**{**unit, "on_time": _rate(unit["on_time"])}) for unit in data["units"]],
        due_by=date.fromisoformat(data["due_by"]),
        completions_by_month=list(data["completions_by_month"]),
        measures_by_unit={int(unit_id): list(pair) for unit_id, pair in data.get("measures_by_unit", {}).items()},
    )


def without_ids(data: dict) -> dict:
    """``to_dict()``'s output without the ids behind the numbers — the rows of each count, of each rate and
    each unit's tasks, the tasks of each month — keeping the overdue and behind lists (their lengths are
    numbers the page prints). ``from_dict`` reads it back with those id lists empty."""
    light = {**data, "completions_by_month": [{**m, "problem_ids": []} for m in data["completions_by_month"]]}
    for scope in ("tasks", "measures"):
        light[scope] = {**data[scope], "rows": {}}
    light["completion"] = {key: _no_ids(rate) for key, rate in data["completion"].items()}
    light["units"] = [{**unit, "task_ids": [], "on_time": _no_ids(unit["on_time"])} for unit in data["units"]]
    return light


def _no_ids(rate: dict) -> dict:
    return {**rate, "numerator_ids": [], "denominator_ids": []}


def _add(into: dict, more: dict) -> None:
    for key, value in more.items():
        into[key] = into.get(key, 0) + value


def _counts(parts: Sequence[Counts]) -> Counts:
    out = Counts(by_pace={}, by_deadline={}, by_claimed={})
    for part in parts:
        out.total += part.total
        for name in ("by_pace", "by_deadline", "by_category", "by_lead_unit", "by_region", "by_level", "by_claimed"):
            _add(getattr(out, name), getattr(part, name))
        for group, claims in part.by_deadline_claimed.items():
            _add(out.by_deadline_claimed.setdefault(group, {}), claims)
        for key, ids in part.rows.items():
            out.rows.setdefault(key, []).extend(ids)
    return out


def _rates(parts: Sequence[Rate]) -> Rate:
    first = parts[0]
    return Rate(
        sum(rate.numerator for rate in parts),
        sum(rate.denominator for rate in parts),
        first.basis,
        first.as_of,
        [pk for rate in parts for pk in rate.numerator_ids],
        [pk for rate in parts for pk in rate.denominator_ids],
    )


def _units(parts: Sequence[Statistics], measures_by_unit: dict[int, list[int]]) -> list[UnitStats]:
    grouped: dict[tuple[int, str], list[UnitStats]] = {}
    for part in parts:
        for unit in part.units:
            grouped.setdefault((unit.unit_id, unit.unit_name), []).append(unit)
    units = []
    for (unit_id, name), shares in sorted(grouped.items(), key=lambda entry: (entry[0][1], entry[0][0])):
        measures, closed = measures_by_unit.get(unit_id, [0, 0])
        if len(shares) == 1:  # most units lead in one plan: its figures are the sum already
            unit = shares[0]
            same = (unit.measures, unit.measures_closed) == (measures, closed)
            units.append(unit if same else replace(unit, measures=measures, measures_closed=closed))
            continue
        total = sum(unit.days_to_close_total for unit in shares)
        count = sum(unit.days_to_close_count for unit in shares)
        units.append(
            UnitStats(
                unit_id=unit_id,
                unit_name=name,
                tasks=sum(unit.tasks for unit in shares),
                closed=sum(unit.closed for unit in shares),
                on_time=_rates([unit.on_time for unit in shares]),
                mean_days_to_close=round(total / count, 1) if count else None,
                task_ids=[pk for unit in shares for pk in unit.task_ids],
                measures=measures,
                measures_closed=closed,
                days_to_close_total=total,
                days_to_close_count=count,
            )
        )
    return units


def _months(parts: Sequence[Statistics]) -> list[dict]:
    """The months of completion from the earliest month of any part to the as-of month, then the undated."""
    by_month: dict[str, list[int]] = {}
    undated: list[int] = []
    for part in parts:
        for entry in part.completions_by_month:
            if entry["month"] is None:
                undated.extend(entry["problem_ids"])
            else:
                by_month.setdefault(entry["month"], []).extend(entry["problem_ids"])
    series, cumulative = [], 0
    for month in sorted(by_month):  # every part runs from its first month to the as-of month: no gap
        ids = by_month[month]
        cumulative += len(ids)
        series.append({"month": month, "completed": len(ids), "cumulative": cumulative, "problem_ids": ids})
    if undated:
        series.append(
            {"month": None, "completed": len(undated), "cumulative": cumulative + len(undated), "problem_ids": undated}
        )
    return series


def combine(parts: Sequence[Statistics]) -> Statistics:
    """The statistics of the union of ``parts`` — each the statistics of one whole plan on the same date
    with the same cutoff, given in plan id order (ledger order). At least one part."""
    if not parts:
        raise ValueError("combine() needs at least one part")
    first = parts[0]
    measures_by_unit: dict[int, list[int]] = {}
    for part in parts:
        for unit_id, (measures, closed) in part.measures_by_unit.items():
            pair = measures_by_unit.setdefault(unit_id, [0, 0])
            pair[0] += measures
            pair[1] += closed
    return Statistics(
        as_of=first.as_of,
        tasks=_counts([part.tasks for part in parts]),
        measures=_counts([part.measures for part in parts]),
        completion={key: _rates([part.completion[key] for part in parts]) for key in first.completion},
        overdue=[pk for part in parts for pk in part.overdue],
        behind=[pk for part in parts for pk in part.behind],
        units=_units(parts, measures_by_unit),
        due_by=first.due_by,
        completions_by_month=_months(parts),
        measures_by_unit=measures_by_unit,
    )
