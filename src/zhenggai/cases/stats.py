"""Statistics of complaint cases: ``case_statistics(cases, as_of) -> CaseStatistics`` and its light
part ``case_counts(cases, as_of) -> CaseCounts`` (the dashboard's numbers).

What each number means (``cases`` is whatever query set the caller passes, e.g. the cases a user
sees, of one batch):

* ``total``; ``by_status``, ``by_findings`` (``""`` = not investigated yet), ``by_channel`` (``""`` =
  unknown), ``by_pollution_type`` (a case with two types counts under both, so these add up to more
  than ``total``), ``by_region`` (the region's unit, or the region as written when it was not
  resolved) and ``key_cases`` (重点件): numbers of cases.
* ``by_unit``: per responsible unit, the **sum of its shares** (a case co-handled by two districts
  counts 0.5 for each), a ``Decimal``; the shares of every case sum to 1, so these add up to ``total``.
* ``penalties``: the sums of the penalty columns (责令改正 … 问责; 罚款 in 万元, a ``Decimal``).
* ``rates`` (``zhenggai.stats.engine.Rate``, with the case ids behind both numbers):

  - ``all``: 办结 (已办结 + 已验收销号) / all cases — Hubei's and Sichuan's basis;
  - ``with_stage``: 办结 + 阶段性办结 / all cases — the central teams' figure during stationing;
  - ``verified_true``: 办结 among the cases found true or partly true / those cases — Hebei's basis.

* ``overdue`` (逾期未办结), a ``Rate`` in the same style: the cases due before ``as_of`` and still 正在办理
  (``cases.querysets.is_overdue``; 阶段性办结 is not overdue, see ``OVERDUE_STATUSES`` there) over all
  cases, with their ids; ``overdue_by_unit``: those cases per responsible unit, by share as ``by_unit``.

``as_of`` labels the rates and is the day overdue is judged against. Statuses are the current ones, so
pass today (the default) unless a deadline of another day is really meant.

Cost: ``case_statistics`` two queries (the cases' columns with their region, the assignments with their
unit; one with ``with_units=False``), ``case_counts`` one, whatever the number of cases.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from zhenggai.cases.choices import CLOSED_STATUSES, TRUE_FINDINGS, CaseStatus, Channel, Findings, PollutionType
from zhenggai.cases.models import PENALTY_FIELDS, CaseAssignment
from zhenggai.cases.querysets import is_overdue, overdue_condition
from zhenggai.stats.engine import Rate

__all__ = [
    "OVERDUE_BASIS",
    "RATE_BASES",
    "CaseCounts",
    "CaseStatistics",
    "case_counts",
    "case_list_url",
    "case_statistics",
    "summary_sentence",
]

RATE_BASES = {
    "all": "all cases (closed = 已办结 + 已验收销号)",
    "with_stage": "all cases, counting 阶段性办结 as closed",
    "verified_true": "cases found true or partly true",
}
OVERDUE_BASIS = "all cases (overdue = due before the as-of date and still 正在办理)"
NO_REGION = "未指定地区"
_ORDER = ("batch_id", "position", "pk")


def case_list_url(**params) -> str:
    """The case list (``cases:case_list``) filtered by ``params``; a list value repeats its parameter
    (``status=[closed, signed_off]``), ``None`` leaves the parameter out."""
    pairs = [
        (key, item)
        for key, value in params.items()
        if value is not None
        for item in (value if isinstance(value, list | tuple) else [value])
    ]
    return reverse("cases:case_list") + ("?" + urlencode(pairs) if pairs else "")


@dataclass
class CaseCounts:
    """The headline numbers (the dashboard's): total, by status, the three closing rates and overdue."""

    as_of: date
    total: int = 0
    by_status: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CaseStatus.values, 0))
    rates: dict[str, Rate] = field(default_factory=dict)
    overdue: Rate | None = None

    def to_dict(self) -> dict:
        return {
            "as_of": self.as_of.isoformat(),
            "total": self.total,
            "by_status": self.by_status,
            "rates": {key: rate.to_dict() for key, rate in self.rates.items()},
            "overdue": self.overdue.to_dict() if self.overdue else None,
        }


@dataclass
class CaseStatistics(CaseCounts):
    """Everything the statistics page and the report count (the module docstring)."""

    key_cases: int = 0
    by_findings: dict[str, int] = field(default_factory=lambda: dict.fromkeys(["", *Findings.values], 0))
    by_channel: dict[str, int] = field(default_factory=lambda: dict.fromkeys(["", *Channel.values], 0))
    by_pollution_type: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PollutionType.values, 0))
    # (region id or None, name) → cases
    by_region: dict[tuple[int | None, str], int] = field(default_factory=dict)
    # (unit id, name) → sum of shares
    by_unit: dict[tuple[int, str], Decimal] = field(default_factory=dict)
    # (unit id, name) → sum of the shares of its overdue cases (units without one left out)
    overdue_by_unit: dict[tuple[int, str], Decimal] = field(default_factory=dict)
    penalties: dict[str, object] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            **super().to_dict(),
            "key_cases": self.key_cases,
            "by_findings": self.by_findings,
            "by_channel": self.by_channel,
            "by_pollution_type": self.by_pollution_type,
            "by_region": [{"id": pk, "name": name, "cases": n} for (pk, name), n in self.by_region.items()],
            "by_unit": [{"id": pk, "name": name, "share": str(s)} for (pk, name), s in self.by_unit.items()],
            "overdue_by_unit": [
                {"id": pk, "name": name, "share": str(s)} for (pk, name), s in self.overdue_by_unit.items()
            ],
            "penalties": {k: str(v) for k, v in self.penalties.items()},
        }


def _tally(counts: CaseCounts, rows: Iterable[dict]) -> set[int]:
    """Count ``rows`` (``pk``, ``status``, ``findings``, ``due_date``) into ``counts``: total, by status,
    the rates and overdue. Returns the overdue ids (the units' shares need them). Both entry points count
    through here, so the dashboard and the statistics page cannot disagree."""
    ids, closed, with_stage, true_ids, overdue = [], set(), set(), [], set()
    for row in rows:
        pk, status = row["pk"], row["status"]
        ids.append(pk)
        counts.by_status[status] = counts.by_status.get(status, 0) + 1
        if status in CLOSED_STATUSES:
            closed.add(pk)
        if status in (*CLOSED_STATUSES, CaseStatus.STAGE_CLOSED):
            with_stage.add(pk)
        if row["findings"] in TRUE_FINDINGS:
            true_ids.append(pk)
        if is_overdue(status, row["due_date"], counts.as_of):
            overdue.add(pk)
    counts.total = len(ids)
    counts.rates = {
        "all": Rate.of(RATE_BASES["all"], counts.as_of, ids, closed),
        "with_stage": Rate.of(RATE_BASES["with_stage"], counts.as_of, ids, with_stage),
        "verified_true": Rate.of(RATE_BASES["verified_true"], counts.as_of, true_ids, closed),
    }
    counts.overdue = Rate.of(OVERDUE_BASIS, counts.as_of, ids, overdue)
    return overdue


def case_counts(cases: QuerySet, as_of: date | None = None) -> CaseCounts:
    """Total, by status, the rates and overdue of ``cases``, counted in the database (one aggregate
    query: a province's dashboard counts thousands of cases, which it no longer reads). The rates carry
    their numbers and basis but not the ids (the dashboard links to the filtered case list instead);
    ``_tally``'s rules, written as filters — a test holds the two equal."""
    counts = CaseCounts(as_of=as_of or timezone.localdate())
    closed = Q(status__in=CLOSED_STATUSES)
    true = Q(findings__in=TRUE_FINDINGS)
    found = cases.order_by().aggregate(
        total=Count("pk"),
        closed=Count("pk", filter=closed),
        with_stage=Count("pk", filter=Q(status__in=(*CLOSED_STATUSES, CaseStatus.STAGE_CLOSED))),
        true=Count("pk", filter=true),
        true_closed=Count("pk", filter=true & closed),
        overdue=Count("pk", filter=overdue_condition(counts.as_of)),
        **{f"status_{status}": Count("pk", filter=Q(status=status)) for status in CaseStatus.values},
    )
    counts.total = found["total"]
    counts.by_status = {status: found[f"status_{status}"] for status in CaseStatus.values}

    def rate(basis: str, numerator: int, denominator: int) -> Rate:
        return Rate(numerator, denominator, basis, counts.as_of)

    counts.rates = {
        "all": rate(RATE_BASES["all"], found["closed"], found["total"]),
        "with_stage": rate(RATE_BASES["with_stage"], found["with_stage"], found["total"]),
        "verified_true": rate(RATE_BASES["verified_true"], found["true_closed"], found["true"]),
    }
    counts.overdue = rate(OVERDUE_BASIS, found["overdue"], found["total"])
    return counts


def case_statistics(cases: QuerySet, as_of: date | None = None, *, with_units: bool = True) -> CaseStatistics:
    """The statistics of ``cases`` (see the module docstring); ``as_of`` labels the rates and is the day
    overdue is judged against. ``with_units=False`` skips the units' shares (and their query)."""
    stats = CaseStatistics(as_of=as_of or timezone.localdate())
    penalties: dict[str, object] = {name: 0 for name in PENALTY_FIELDS}
    penalties["fine_amount"] = Decimal(0)
    rows = list(
        cases.order_by(*_ORDER).values(
            "pk",
            "status",
            "findings",
            "due_date",
            "channel",
            "region_id",
            "region__name",
            "region_text",
            "pollution_types",
            "is_key",
            *PENALTY_FIELDS,
        )
    )
    overdue = _tally(stats, rows)
    regions: Counter = Counter()
    for row in rows:
        stats.by_findings[row["findings"]] = stats.by_findings.get(row["findings"], 0) + 1
        stats.by_channel[row["channel"]] = stats.by_channel.get(row["channel"], 0) + 1
        for code in row["pollution_types"] or []:
            stats.by_pollution_type[code] = stats.by_pollution_type.get(code, 0) + 1
        regions[(row["region_id"], row["region__name"] or row["region_text"] or NO_REGION)] += 1
        stats.key_cases += row["is_key"]
        for name in PENALTY_FIELDS:
            penalties[name] += row[name]
    stats.by_region = dict(sorted(regions.items(), key=lambda item: (-item[1], item[0][1])))
    stats.penalties = penalties
    if with_units:
        shares: dict[tuple[int, str], Decimal] = {}
        late: dict[tuple[int, str], Decimal] = {}
        assignments = CaseAssignment.objects.filter(case__in=cases.values("pk")).values_list(
            "case_id", "unit_id", "unit__name", "share"
        )
        for case_id, unit_id, name, share in assignments:
            shares[(unit_id, name)] = shares.get((unit_id, name), Decimal(0)) + share
            if case_id in overdue:
                late[(unit_id, name)] = late.get((unit_id, name), Decimal(0)) + share
        stats.by_unit = dict(sorted(shares.items(), key=lambda item: (-item[1], item[0][1])))
        stats.overdue_by_unit = dict(sorted(late.items(), key=lambda item: (-item[1], item[0][1])))
    return stats


_PENALTY_PHRASES = (
    ("ordered_to_correct", "责令改正企业{}家"),
    ("suspended", "停产整顿{}家"),
    ("closed_down", "关闭取缔{}家"),
    ("penalty_cases", "立案处罚{}件"),
    ("fine_amount", "处罚金额{}万元"),
    ("administrative_detention", "行政拘留{}人"),
    ("criminal_detention", "刑事拘留{}人"),
    ("interviewed_persons", "行政约谈{}人"),
    ("accountable_persons", "责任追究{}人"),
)


def _percent(rate: Rate) -> str:
    from zhenggai.stats.phrasing import percent_text

    return percent_text(rate.numerator, rate.denominator)


def _plain(amount: Decimal) -> str:
    """``3200.0000`` → ``3200``, ``3200.8520`` → ``3200.852``: no trailing zeros and never ``3.2E+3``."""
    return format(amount.normalize(), "f")


def summary_sentence(stats: CaseStatistics) -> str:
    """003's sentence on complaint cases ("信访问题办结率达100%，累计责令改正企业596家…"), every number from
    ``stats``, each rate with its basis; penalties that are zero are left out."""
    if not stats.total:
        return "尚无交办信访件"
    closed, staged, true = stats.rates["all"], stats.rates["with_stage"], stats.rates["verified_true"]
    text = (
        f"共受理交办信访件{stats.total}件（重点件{stats.key_cases}件），已办结{closed.numerator}件，"
        f"办结率{_percent(closed)}（计入阶段性办结为{_percent(staged)}；属实件{true.denominator}件，"
        f"其办结率为{_percent(true)}）"
    )
    penalties = [
        phrase.format(_plain(stats.penalties[name]) if name == "fine_amount" else stats.penalties[name])
        for name, phrase in _PENALTY_PHRASES
        if stats.penalties.get(name)
    ]
    if penalties:
        text += "；累计" + "，".join(penalties)
    return text + "。"
