"""The synthetic ledger, planned in memory: inspections, plans, problems, measures, who holds them, and when
each measure starts and is done.

Per province and round of central inspections (``scales.ROUNDS``) one inspection and the province's
plan of 50–130 problems; city implementation plans (the first with exactly 45 problems, the size of
003's report) take the rest of the scale's problem count. A problem has 3–17 measures (``Scale``), a
lead unit chosen as the bench data always did (a city's collective 各县区政府, a county government, a
county or city department, a province department), a cooperating and a supervising department, a
responsible leader, sometimes an acceptance unit; each measure its own lead under the problem's.

Time is simulated, not drawn per row: each measure starts shortly after its plan is issued and is done
when its deadline says — early, on time, late, very late, or (a long-term measure of the latest round)
not yet. The ledger status on the as-of date follows from those dates, the sign-off from the acceptance
plan (``acceptance.plan_acceptance``), the reports from the reporting cadence (``progress.py``).
Nothing is written here; ``ledger_write.py`` writes what this plans.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from zhenggai.core.numerals import format_chinese_int
from zhenggai.ledger.models import Category, Inspection, Measure, Plan, Problem, Target
from zhenggai.synthetic.dates import DEADLINE_KINDS, deadline_text, parsed_deadline, problem_deadline
from zhenggai.synthetic.scales import ROUNDS, Round, Scale
from zhenggai.synthetic.themes import COMMON_MEASURES, THEMES
from zhenggai.synthetic.units import REFORM_DAY, City, Province, Tree, U
from zhenggai.synthetic.writer import Loader

__all__ = ["InspectionRec", "Ledger", "MeasureRec", "PlanRec", "ProblemRec", "plan_ledger"]

ROUND_NUMBERS = {"r1": 1, "r1b": 1, "r2": 2, "r3": 3}  # the round in case numbers (D3SX…)
CATEGORIES = (("一、", "例行督察反馈问题"), ("二、", "“回头看”及专项督察反馈问题"), ("三、", "群众信访举报反映问题"))


@dataclass(slots=True)
class InspectionRec:
    pk: int
    province: Province
    round: Round
    stationed_from: date
    stationed_to: date
    feedback: date
    team: str
    problems: list = field(default_factory=list)  # ProblemRec of its province plan

    @property
    def number(self) -> int:
        return ROUND_NUMBERS[self.round.key]


@dataclass(slots=True)
class PlanRec:
    pk: int
    inspection: InspectionRec
    level: str  # province | city
    jurisdiction: U
    province: Province
    city: City | None
    issue: date
    size: int
    categories: list[int] = field(default_factory=list)
    parent: int | None = None


@dataclass(slots=True)
class MeasureRec:
    pk: int
    problem: ProblemRec
    position: int
    text: str
    due_raw: str
    due: date | None
    long_term: bool
    start: date
    done: date | None  # completed on (None: not in sight)
    lag: float  # how far behind its own line it runs (0: on time)
    unit: int  # the lead unit's pk (a predecessor for work closed before 机构改革)
    reporter_unit: int  # the unit whose users report on it today
    inherited_from: int | None = None
    status: str = "not_started"


@dataclass(slots=True)
class ProblemRec:
    pk: int
    plan: PlanRec
    position: int
    theme: int
    title: str
    description: str
    target_pk: int
    category: int
    lead: U
    city: City
    measures: list[MeasureRec] = field(default_factory=list)
    roles: list[tuple[str, int]] = field(default_factory=list)  # (role, unit pk) at problem level
    leader: int = 0  # Person pk
    due_raw: str = ""
    done: date | None = None
    status: str = "not_started"
    signed_on: date | None = None  # set by the acceptance plan
    sign_reason: str = ""
    sign_user: int | None = None


@dataclass
class Ledger:
    inspections: list[InspectionRec]
    plans: list[PlanRec]
    problems: list[ProblemRec]
    as_of: date

    def measures(self):
        for problem in self.problems:
            yield from problem.measures


def _counts(scale: Scale, n: int, rng: random.Random) -> tuple[list[int], list[int]]:
    """Problems per province-round plan (within ``problems_per_plan``) and per city plan (the first 45), adding
    up to ``scale.problems``: about 8 % in city plans, the province plans scaled to the rest."""
    lo, hi = scale.problems_per_plan
    drawn = [rng.randint(lo, hi) for _ in range(n)]
    city_total = max(45, scale.problems * 8 // 100) if scale.problems - 45 >= n * lo else 0
    wanted = scale.problems - city_total
    lo, hi = min(lo, wanted // n), max(hi, -(-wanted // n))  # a tiny or a huge set: plans outside the range
    factor = wanted / max(sum(drawn), 1)
    sizes = [min(hi, max(lo, round(d * factor))) for d in drawn]
    gap = wanted - sum(sizes)
    while gap:  # settle the rounding one problem at a time, on plans still inside the bounds
        open_plans = [i for i, size in enumerate(sizes) if (size < hi if gap > 0 else size > lo)]
        i = rng.choice(open_plans)
        sizes[i] += 1 if gap > 0 else -1
        gap += -1 if gap > 0 else 1
    rest = scale.problems - sum(sizes)
    city = [45] if rest >= 45 else []
    rest -= sum(city)
    clo, chi = scale.city_plan_problems
    while rest > 0:
        size = min(rest, rng.randint(clo, chi))
        if size < clo and city:
            city[-1] += size
        else:
            city.append(size)
        rest -= size
    return sizes, city


def _measure_counts(scale: Scale, n: int, rng: random.Random) -> list[int]:
    """Measures per problem within the scale's range, around its mean, adjusted to the exact total."""
    lo, hi = scale.measures_per_problem
    if not n * lo <= scale.measures <= n * hi:
        raise ValueError(f"{scale.measures} measures do not fit {n} problems of {lo}–{hi} measures")
    mean = scale.measures / max(n, 1)
    mode = min(hi, max(lo, 3 * mean - lo - hi))
    counts = [round(rng.triangular(lo, hi, mode)) for _ in range(n)]
    gap = scale.measures - sum(counts)
    while gap:
        i = rng.randrange(n)
        if gap > 0 and counts[i] < hi:
            counts[i], gap = counts[i] + 1, gap - 1
        elif gap < 0 and counts[i] > lo:
            counts[i], gap = counts[i] - 1, gap + 1
    return counts


def plan_ledger(loader: Loader, tree: Tree, scale: Scale, rng: random.Random, as_of: date) -> Ledger:
    """Plan inspections, plans and problems with their measures, units and dates (no rows written)."""
    pks = {model: loader.table(model) for model in (Inspection, Plan, Category, Problem, Target, Measure)}
    rounds = [r for r in ROUNDS if r.key in scale.rounds]
    inspections: list[InspectionRec] = []
    for province in tree.provinces:
        for rnd in rounds:
            if rnd.share < 1 and rng.random() >= rnd.share:
                continue
            start = as_of - timedelta(days=rng.randint(rnd.latest, rnd.earliest))
            to = start + timedelta(days=rng.randint(25, 35))
            team = f"中央第{format_chinese_int(rng.randint(1, 8))}生态环境保护督察组"
            feedback = to + timedelta(days=rng.randint(75, 120))
            inspections.append(InspectionRec(pks[Inspection].next_pk(), province, rnd, start, to, feedback, team))
    sizes, city_sizes = _counts(scale, len(inspections), rng)
    plans: list[PlanRec] = []

    def new_plan(inspection, level, jurisdiction, city, issue, size, parent=None) -> PlanRec:
        plan = PlanRec(pks[Plan].next_pk(), inspection, level, jurisdiction, inspection.province, city, issue, size)
        plan.parent = parent
        plan.categories = [pks[Category].next_pk() for _ in range(2 if size < 60 else 3)]
        plans.append(plan)
        return plan

    for inspection, size in zip(inspections, sizes, strict=True):
        issue = inspection.feedback + timedelta(days=rng.randint(45, 90))
        new_plan(inspection, "province", inspection.province.unit, None, issue, size)
    latest = {}  # province index → its latest inspection's province plan
    for plan in plans:
        latest[plan.province.index] = plan
    cities = [(p, c) for p in tree.provinces for c in p.cities]
    chosen = [cities[0]] + rng.sample(cities[1:], min(len(cities) - 1, len(city_sizes) - 1)) if city_sizes else []
    for n, size in enumerate(city_sizes):
        province, city = chosen[n % len(chosen)]
        top = latest[province.index]
        issue = top.issue + timedelta(days=rng.randint(20, 60))
        new_plan(top.inspection, "city", city.unit, city, issue, size, parent=top.pk)
    counts = iter(_measure_counts(scale, scale.problems, rng))
    problems = []
    for plan in plans:
        for position in range(1, plan.size + 1):
            problem = _problem(pks, plan, position, rng)
            _measures(pks, problem, next(counts), rng, as_of, tree.predecessor_of)
            problems.append(problem)
            if plan.level == "province":
                plan.inspection.problems.append(problem)
    return Ledger(inspections, plans, problems, as_of)


def _pools(plan: PlanRec, rng: random.Random) -> tuple[City, list[U], list[U]]:
    """The city a problem is located in, its county departments, and the departments above them."""
    city = plan.city or rng.choice(plan.province.cities)
    county_depts = [d for county in city.counties for d in county.depts]
    depts = city.depts[1:] + (plan.province.depts[1:] if plan.level == "province" else [])
    return city, county_depts, depts


def _problem(pks, plan: PlanRec, position: int, rng: random.Random) -> ProblemRec:
    city, county_depts, depts = _pools(plan, rng)
    r = rng.random()
    if plan.level == "province" and r < 0.08:
        lead = rng.choice(plan.province.depts[1:6])
        place = plan.province.unit.name
    elif r < 0.18:
        lead, place = city.collective, city.unit.name
    elif r < 0.58:
        county = rng.choice(city.counties)
        lead, place = county.government, city.unit.name + county.unit.name
    elif r < 0.80:
        county = rng.choice(city.counties)
        lead, place = rng.choice(county.depts), city.unit.name + county.unit.name
    else:
        lead, place = rng.choice(city.depts[1:8]), city.unit.name
    theme = rng.randrange(len(THEMES))
    wording = THEMES[theme]
    category = plan.categories[0 if position <= plan.size * 3 // 4 else rng.randrange(1, len(plan.categories))]
    problem = ProblemRec(
        pk=pks[Problem].next_pk(),
        plan=plan,
        position=position,
        theme=theme,
        title=wording.title.format(place=place),
        description=wording.description.format(place=place),
        target_pk=pks[Target].next_pk(),
        category=category,
        lead=lead,
        city=city,
    )
    problem.roles.append(("lead", lead.pk))
    if rng.random() < 0.7:
        problem.roles.append(("cooperating", rng.choice(depts[:6] + county_depts[:4]).pk))
    supervisor = plan.province.depts[0] if plan.level == "province" and rng.random() < 0.3 else city.depts[0]
    problem.roles.append(("supervising", supervisor.pk))
    if rng.random() < 0.15:
        problem.roles.append(("acceptance", (city.dept("生态环境局")).pk))
    leaders = plan.province.leaders if plan.level == "province" and lead.level == "department" else city.leaders
    problem.leader = rng.choice(leaders[1:] or leaders)
    return problem


def _holders(problem: ProblemRec, city: City) -> list[U]:
    """The units a problem's measures may be led by, under its lead."""
    lead = problem.lead
    if lead.level == "collective":
        return [county.government for county in city.counties]
    for county in city.counties:
        if lead is county.government:
            return [lead, lead, *county.depts[:4]]
    return [lead]


def _kind(rng: random.Random) -> str:
    return rng.choices([k for k, _ in DEADLINE_KINDS], weights=[w for _, w in DEADLINE_KINDS])[0]


def _done(rng: random.Random, start: date, parsed: dict, latest_round: bool) -> tuple[date | None, float]:
    """When the measure is done and how far behind its line it runs."""
    due = parsed["due_date"]
    if due is not None:
        span = max(30, (due - start).days)
        r = rng.random()
        f = (
            rng.uniform(0.2, 0.6)
            if r < 0.05
            else rng.uniform(0.6, 1.0)
            if r < 0.65
            else rng.uniform(1.0, 1.3)
            if r < 0.9
            else rng.uniform(1.3, 2.2)
        )
        return start + timedelta(days=int(span * f)), max(0.0, f - 1.0)
    if parsed["due_immediate"] and not parsed["due_long_term"]:
        return start + timedelta(days=rng.randint(7, 120)), 0.0
    if latest_round and rng.random() < 0.3:
        return None, 0.0  # a long-term measure still under way
    # A long-term measure is done when its mechanism is in place and has run for a while (one to four years).
    return start + timedelta(days=rng.randint(365, 1460)), 0.0


def _measures(pks, problem: ProblemRec, count: int, rng: random.Random, as_of: date, predecessor_of) -> None:
    plan, city = problem.plan, problem.city
    wording = THEMES[problem.theme]
    texts = list(wording.measures) + rng.sample(COMMON_MEASURES, len(COMMON_MEASURES))
    while len(texts) < count:  # a long list: the common measures again, for the next stage of the work
        texts.append(rng.choice(COMMON_MEASURES) + "，并定期开展复查")
    holders = _holders(problem, city)
    latest = plan.inspection.round.key == "r3"
    for position in range(1, count + 1):
        delay = rng.randint(60, 400) if latest and rng.random() < 0.03 else rng.randint(0, 30)
        start = plan.issue + timedelta(days=delay)
        raw = deadline_text(_kind(rng), plan.issue, rng)
        parsed = parsed_deadline(raw)
        done, lag = _done(rng, start, parsed, latest)
        unit = rng.choice(holders)
        measure = MeasureRec(
            pk=pks[Measure].next_pk(),
            problem=problem,
            position=position,
            text=texts[position - 1],
            due_raw=raw,
            due=parsed["due_date"],
            long_term=bool(parsed["due_long_term"] or parsed["due_recurrence"]),
            start=start,
            done=done,
            lag=lag,
            unit=unit.pk,
            reporter_unit=unit.pk,
        )
        _reform(measure, predecessor_of, plan)
        if done is not None and done <= as_of:
            measure.status = "completed"
        elif start <= as_of:
            measure.status = "in_progress"
        problem.measures.append(measure)
    problem.due_raw = problem_deadline([m.due_raw for m in problem.measures])
    dones = [m.done for m in problem.measures]
    problem.done = max(dones) if all(d is not None for d in dones) else None
    if problem.done is not None and problem.done <= as_of:
        problem.status = "completed"
    elif any(m.start <= as_of for m in problem.measures):
        problem.status = "in_progress"


def _reform(measure: MeasureRec, predecessor_of: dict[int, int], plan: PlanRec) -> None:
    """Work of a department 机构改革 replaced: closed before the reform it stays with the old department;
    still open then, it passed to the successor, which remembers whom it inherited it from."""
    old = predecessor_of.get(measure.unit)
    if old is None or plan.issue >= REFORM_DAY:
        return
    if measure.done is not None and measure.done < REFORM_DAY:
        measure.unit = old
    else:
        measure.inherited_from = old
