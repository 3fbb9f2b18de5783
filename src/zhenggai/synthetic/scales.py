"""How big the synthetic data set is (``Scale``) and when its inspections happened (``ROUNDS``).

``national`` is the shape the issue (#8) asks for: 31 provinces with their cities, counties and
departments (≈ 50 000 units); 10 000 problems — each province-round's plan holding 50–130, city
implementation plans the rest — with 100 000 measures; 1 000 000 progress reports; 200 000 complaint
cases; 5 000 persons held accountable. ``province`` is one province of it (≈ 1/31), ``small`` a few
hundred problems for tests.

Problems and measures are hit exactly: 100 000 measures over 10 000 problems is ten per problem on
average, beyond the 3–10 of the research figures, so the count per problem is drawn from 3–17 around 10
(``measures_per_problem``) and then adjusted to the total. Reports land within a few percent of their
target (the date the system went live is chosen so that the reporting periods add up to it).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

__all__ = ["DEFAULT_AS_OF", "ROUNDS", "SCALES", "Round", "Scale"]

# The day the data set describes ("today" in the data). Fixed, so a seed gives the same rows whenever it
# runs; ``--as-of`` moves the whole timeline.
DEFAULT_AS_OF = date(2026, 11, 30)


@dataclass(frozen=True)
class Round:
    """A round of central inspections: its label, kind, and when provinces were inspected (days before
    the as-of date: stationing starts between ``earliest`` and ``latest``); ``share`` of provinces
    inspected in it; ``cadence`` of reporting on its plans."""

    key: str
    label: str
    kind: str
    earliest: int
    latest: int
    share: float
    cadence: str


ROUNDS = (
    Round("r1", "第一轮", "routine", 3650, 3300, 1.0, "monthly"),
    Round("r1b", "第一轮“回头看”", "lookback", 3000, 2750, 0.6, "quarterly"),
    Round("r2", "第二轮", "routine", 2700, 1500, 1.0, "monthly"),
    Round("r3", "第三轮", "routine", 1200, 330, 1.0, "monthly"),
)


@dataclass(frozen=True)
class Scale:
    """The size of one data set. Ranges are inclusive (lowest, highest)."""

    name: str
    provinces: int
    cities: tuple[int, int]  # per province
    counties: tuple[int, int]  # per city
    province_depts: int  # departments per province (the first N of texts.PROVINCE_DEPTS)
    city_depts: int
    county_depts: int
    rounds: tuple[str, ...]  # Round.key
    problems: int
    measures: int
    measures_per_problem: tuple[int, int]
    problems_per_plan: tuple[int, int] = (50, 130)  # a province-round's plan
    city_plan_problems: tuple[int, int] = (20, 60)  # a city implementation plan (the first has 45)
    reports: int = 0
    cases: int = 0
    batch_cases: tuple[int, int] = (60, 170)  # one daily batch of one province
    accountable_persons: int = 0
    acceptance: bool = True  # requests, decisions and notices
    users: bool = True
    successions: bool = True  # 环境保护局 → 生态环境局 (机构改革)

    def with_(self, **changes) -> Scale:
        return replace(self, **changes)


NATIONAL = Scale(
    name="national",
    provinces=31,
    cities=(9, 13),
    counties=(6, 11),
    province_depts=30,
    city_depts=30,
    county_depts=12,
    rounds=("r1", "r1b", "r2", "r3"),
    problems=10_000,
    measures=100_000,
    measures_per_problem=(3, 17),
    reports=1_000_000,
    cases=200_000,
    accountable_persons=5_000,
)
SCALES = {
    "national": NATIONAL,
    # One province of the national shape: about 1/31 of every count.
    "province": NATIONAL.with_(
        name="province",
        provinces=1,
        problems=323,
        measures=3_230,
        reports=32_300,
        cases=6_450,
        accountable_persons=160,
    ),
    "small": Scale(
        name="small",
        provinces=1,
        cities=(3, 3),
        counties=(3, 4),
        province_depts=8,
        city_depts=8,
        county_depts=4,
        rounds=("r2", "r3"),
        problems=200,
        measures=1_400,
        measures_per_problem=(3, 10),
        reports=7_000,
        cases=600,
        batch_cases=(20, 40),
        accountable_persons=30,
    ),
}
