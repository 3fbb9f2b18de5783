"""Accountability statistics: persons by rank, by sanction and both, problems by investigation status.

Every number carries the ids of the rows behind it, so a page can link each count to its rows
(``rows(show)``, and ``rows_url(show)`` for the page that lists them). ``compute(problems, persons)`` works on
rows already loaded (no queries); ``for_problems(queryset)`` loads them in two queries (one when there is no
problem). ``sentence(by_rank, by_sanction)`` writes the counts in 003's phrasing:

    共对83人进行了追责问责，其中厅级14人、处级39人、科级以下30人；给予党纪政务处分39人，诫勉谈话43人，其他处理1人

Categories with no person are left out of the sentence (003 names no 组织处理), in the order of the choices.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, Max, Min
from django.urls import reverse

from zhenggai.accountability.choices import InvestigationStatus, Rank, Sanction

__all__ = [
    "RANK_PHRASES",
    "SANCTION_PHRASES",
    "AccountabilityCounts",
    "AccountabilityStats",
    "compute",
    "counts_for_problems",
    "for_problems",
    "rows_url",
    "sentence",
]

# The words 003 uses; the choices' own labels (科级及以下) are the form's.
RANK_PHRASES: dict[str, str] = {Rank.BUREAU: "厅级", Rank.DIVISION: "处级", Rank.SECTION: "科级以下"}
SANCTION_PHRASES: dict[str, str] = {
    Sanction.DISCIPLINARY: "党纪政务处分",
    Sanction.ADMONITION: "诫勉谈话",
    Sanction.ORGANIZATIONAL: "组织处理",
    Sanction.OTHER: "其他处理",
}


@dataclass
class AccountabilityStats:
    """Ids behind every number; every choice is a key (an empty list is a zero, not a missing row)."""

    problem_ids: list[int] = field(default_factory=list)
    # the inspections of the problems, each once in order of first appearance (where the rows are listed)
    inspection_ids: list[int] = field(default_factory=list)
    person_ids: list[int] = field(default_factory=list)
    by_rank: dict[str, list[int]] = field(default_factory=lambda: {key: [] for key in Rank.values})
    by_sanction: dict[str, list[int]] = field(default_factory=lambda: {key: [] for key in Sanction.values})
    cross: dict[tuple[str, str], list[int]] = field(
        default_factory=lambda: {(r, s): [] for r in Rank.values for s in Sanction.values}
    )
    problems_by_status: dict[str, list[int]] = field(
        default_factory=lambda: {key: [] for key in InvestigationStatus.values}
    )

    @staticmethod
    def _counts(groups: Mapping) -> dict:
        return {key: len(ids) for key, ids in groups.items()}

    def rank_counts(self) -> dict[str, int]:
        return self._counts(self.by_rank)

    def sanction_counts(self) -> dict[str, int]:
        return self._counts(self.by_sanction)

    def status_counts(self) -> dict[str, int]:
        return self._counts(self.problems_by_status)

    def sentence(self) -> str:
        return sentence(self.rank_counts(), self.sanction_counts())

    def rows(self, show: str) -> list[int] | None:
        """The ids behind one number named as the page links it: ``persons``, ``problems``, ``rank:<r>``,
        ``sanction:<s>``, ``cross:<r>:<s>``, ``status:<st>``; None for anything else."""
        kind, _, rest = show.partition(":")
        if kind == "persons" and not rest:
            return self.person_ids
        if kind == "problems" and not rest:
            return self.problem_ids
        if kind == "rank":
            return self.by_rank.get(rest)
        if kind == "sanction":
            return self.by_sanction.get(rest)
        if kind == "status":
            return self.problems_by_status.get(rest)
        if kind == "cross":
            rank, _, sanction = rest.partition(":")
            return self.cross.get((rank, sanction))
        return None

    def rows_url(self, show: str) -> str:
        return rows_url(self.inspection_ids, show)


def rows_url(inspection_ids: list[int], show: str) -> str:
    """Where the rows behind ``show`` (a ``rows`` key) are listed: the inspection's page with ``?show=``
    when every problem counted is of one inspection (that page lists one inspection's rows), else the
    index of inspections (no page lists persons across inspections)."""
    if len(inspection_ids) == 1:
        url = reverse("accountability:inspection_detail", args=[inspection_ids[0]])
        return f"{url}?{urlencode({'show': show})}"
    return reverse("accountability:index")


@dataclass
class AccountabilityCounts:
    """The numbers of ``AccountabilityStats`` without the ids behind them (``counts_for_problems``)."""

    problems: int = 0
    inspection_ids: list[int] = field(default_factory=list)  # only when they are one; else [] or two of them
    persons: int = 0
    by_rank: dict[str, int] = field(default_factory=lambda: dict.fromkeys(Rank.values, 0))
    by_sanction: dict[str, int] = field(default_factory=lambda: dict.fromkeys(Sanction.values, 0))

    def rows_url(self, show: str) -> str:
        return rows_url(self.inspection_ids, show)


def counts_for_problems(problems) -> AccountabilityCounts:
    """The counts of ``for_problems`` counted in the database (two queries, one when there is no problem):
    a country's dashboard would otherwise read thousands of problems and persons to count them."""
    from zhenggai.accountability.models import AccountablePerson

    counts = AccountabilityCounts()
    found = problems.order_by().aggregate(n=Count("pk"), first=Min("inspection_id"), last=Max("inspection_id"))
    counts.problems = found["n"]
    if not counts.problems:
        return counts
    counts.inspection_ids = [i for i in {found["first"], found["last"]} if i is not None]  # one id iff one inspection
    persons = AccountablePerson.objects.filter(transferred_problem__in=problems.values("pk"))
    for row in persons.order_by().values("rank", "sanction").annotate(n=Count("pk")):
        counts.persons += row["n"]
        for groups, key in ((counts.by_rank, row["rank"]), (counts.by_sanction, row["sanction"])):
            if key in groups:
                groups[key] += row["n"]
    return counts


def compute(problems: Iterable, persons: Iterable) -> AccountabilityStats:
    """Count rows already loaded: ``problems`` with ``pk`` and ``status`` (and ``inspection_id`` when loaded),
    ``persons`` with ``pk``, ``rank`` and ``sanction`` (model instances or anything with those attributes). A
    person of an unknown rank or sanction (a choice removed since) is counted in the total only."""
    stats = AccountabilityStats()
    for problem in problems:
        stats.problem_ids.append(problem.pk)
        # Read from the loaded values only: a deferred field would cost a query per problem.
        inspection_id = getattr(problem, "__dict__", {}).get("inspection_id")
        if inspection_id is not None and inspection_id not in stats.inspection_ids:
            stats.inspection_ids.append(inspection_id)
        stats.problems_by_status.setdefault(problem.status, []).append(problem.pk)
    for person in persons:
        stats.person_ids.append(person.pk)
        for groups, key in (
            (stats.by_rank, person.rank),
            (stats.by_sanction, person.sanction),
            (stats.cross, (person.rank, person.sanction)),
        ):
            if key in groups:
                groups[key].append(person.pk)
    return stats


def for_problems(problems) -> AccountabilityStats:
    """Statistics of a queryset of transferred problems and their persons (two queries; one when there is no
    problem, none for ``.none()``)."""
    from zhenggai.accountability.models import AccountablePerson

    problem_rows = list(problems.only("pk", "status", "inspection_id").order_by("pk"))
    persons = AccountablePerson.objects.filter(transferred_problem__in=[p.pk for p in problem_rows])
    return compute(problem_rows, persons.only("pk", "rank", "sanction").order_by("pk"))


def sentence(by_rank: Mapping[str, int], by_sanction: Mapping[str, int]) -> str:
    """003's sentence from the counts. The total is the sum over ranks (every person has one rank)."""
    total = sum(by_rank.values())
    if not total:
        return "尚未对任何人员进行追责问责"
    ranks = "、".join(f"{phrase}{by_rank[key]}人" for key, phrase in RANK_PHRASES.items() if by_rank.get(key))
    sanctions = "，".join(
        f"{phrase}{by_sanction[key]}人" for key, phrase in SANCTION_PHRASES.items() if by_sanction.get(key)
    )
    text = f"共对{total}人进行了追责问责，其中{ranks}"
    if sanctions:
        text += f"；给予{sanctions}"
    return text
