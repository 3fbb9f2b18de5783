"""Running a generation: the stages in order, the refusal to touch a database that holds data, the summary.

``generate(scale, seed=…)`` fills the configured database (SQLite or PostgreSQL, ``DATABASE_URL``) and
returns a ``Result`` with row counts and the personas a benchmark signs in as. Each stage draws from its
own random stream (``Random(f"{seed}:{stage}")``), so a seed gives the same rows every time and a change
to one stage does not reshuffle the others. The stages:

units → ledger plan (in memory) → go-live date → users → sign-offs (in memory) → ledger rows and history →
progress reports → acceptance requests → complaint cases (with their requests) → accountability →
sequences and statistics → tokens → the portal's publications (the latest plans, the open notices) → and
optionally the statistics snapshots of the as-of date.

Rows are committed chunk by chunk (``writer.Loader``); a run that fails midway leaves a partial data set,
which the next run refuses: start again on a fresh database.
"""

from __future__ import annotations

import logging
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.apps import apps
from django.db import connection

from zhenggai.cases.models import Case
from zhenggai.ledger.models import Inspection, Problem
from zhenggai.organizations.models import Unit
from zhenggai.synthetic import acceptance, accountability, cases, ledger, ledger_write, progress, signoff, units
from zhenggai.synthetic import users as users_mod
from zhenggai.synthetic.scales import DEFAULT_AS_OF, Scale
from zhenggai.synthetic.writer import Loader, Progress

__all__ = ["GenerationRefused", "Persona", "Result", "generate"]


class GenerationRefused(Exception):
    """The database already holds data: a synthetic set is never mixed with real (or another synthetic) data."""


@dataclass
class Persona:
    username: str
    role: str
    unit: str
    note: str
    visible_problems: int = 0
    token: str = ""


@dataclass
class Result:
    scale: str
    seed: int
    as_of: date
    go_live: date
    password: str
    seconds: float
    rows: dict[str, int] = field(default_factory=dict)
    personas: list[Persona] = field(default_factory=list)
    stage_seconds: dict[str, float] = field(default_factory=dict)
    tree: units.Tree | None = None  # the registry as generated (bench/ledger_data.py picks its personas from it)


def refuse_if_not_empty() -> None:
    held = {
        "units": Unit.objects.count(),
        "inspections": Inspection.objects.count(),
        "problems": Problem.objects.count(),
        "complaint cases": Case.objects.count(),
    }
    if any(held.values()):
        found = ", ".join(f"{count} {name}" for name, count in held.items() if count)
        raise GenerationRefused(
            f"The database already holds data ({found}). `zhenggai generate` only fills an empty database and "
            "never mixes synthetic rows with existing ones: point DATABASE_URL at a new database and run "
            "`zhenggai migrate` first."
        )


def generate(
    scale: Scale,
    *,
    seed: int = 2026,
    as_of: date = DEFAULT_AS_OF,
    password: str = users_mod.DEFAULT_PASSWORD,
    progress_stream=None,
    tokens: bool = True,
    publish: bool = True,
    snapshots: bool = False,
) -> Result:
    """Fill the empty database with ``scale``'s data set; see the module docstring."""
    refuse_if_not_empty()
    if users_mod.taken_usernames(["admin"]):
        raise GenerationRefused("A user named 'admin' exists already: generate into a fresh database.")
    started = time.perf_counter()
    bar = Progress(progress_stream or sys.stderr, enabled=progress_stream is not False)
    loader = Loader(bar)
    timings: dict[str, float] = {}
    clock = [time.perf_counter()]

    def rng(stage: str) -> random.Random:
        return random.Random(f"{seed}:{stage}")

    def stage(name: str, total: int) -> None:
        now = time.perf_counter()
        if bar.stage:
            loader.flush()
            now = time.perf_counter()
            timings[bar.stage] = round(now - clock[0], 1)
        clock[0] = now
        bar.begin(name, total)

    stage("units", 0)
    tree = units.build_units(loader, scale, rng("units"))
    stage("plan", 0)
    book = ledger.plan_ledger(loader, tree, scale, rng("ledger"), as_of)
    first = min((p.issue for p in book.plans), default=as_of)
    calendar = progress.Calendar(first, as_of)
    live = progress.go_live(book, calendar, scale.reports) if scale.reports else as_of
    stage("users", 0)
    people = (
        users_mod.build_users(loader, tree, rng("users"), password=password, joined=live - timedelta(days=30))
        if scale.users
        else users_mod.Users()
    )
    chains = acceptance.Chains() if scale.acceptance and scale.users else None
    pool = progress.evidence_pool(write=bool(scale.reports))
    planned = signoff.plan_signoffs(loader, book, calendar, live, pool, chains, people, rng("signoff"))
    stage("ledger", scale.problems * 12 + scale.measures * 5)
    ledger_write.write_ledger(loader, book, tree, people, rng("ledger-rows"))
    if scale.reports and scale.users:
        stage("reports", int(scale.reports * 1.15))
        progress.write_progress(loader, book, people, calendar, live, pool, rng("reports"))
    if planned:
        stage("acceptance", len(planned) * 4)
        signoff.write_problem_requests(loader, planned, tree, people, rng("acceptance"))
    if scale.cases and scale.users:
        stage("cases", scale.cases * 3)
        cases.write_cases(loader, book, scale, people, chains, live, rng("cases"))
    if scale.accountable_persons and scale.users:
        stage("accountability", scale.accountable_persons * 2)
        accountability.write_accountability(loader, book, people, scale.accountable_persons, rng("accountability"))
    stage("finishing", 0)
    loader.finish()
    result = Result(scale.name, seed, as_of, live, password, 0.0, tree=tree)
    if scale.users:
        stage("personas", 0)
        result.personas = personas(book, tree, tokens=tokens)
    if publish and scale.users:
        stage("publishing", 0)
        published(book, people)
    if snapshots:
        stage("snapshots", 0)
        from zhenggai.stats.actions import take_snapshots

        take_snapshots(as_of)
    stage("", 0)
    bar.end()
    result.rows = table_counts()
    result.seconds = round(time.perf_counter() - started, 1)
    result.stage_seconds = timings
    return result


def published(book: ledger.Ledger, people: users_mod.Users) -> None:
    """Publish on the portal, through its own actions, what an office would have published by now: the plans of
    each province's latest inspection with their tasks (by the plan's office), and every open 公示 (as the
    decision opening it does)."""
    from zhenggai.acceptance.models import PublicNotice
    from zhenggai.accounts.models import User
    from zhenggai.ledger.models import Plan
    from zhenggai.portal.actions import publish_opened_notice, publish_plan

    latest = {}
    for inspection in book.inspections:  # in order of province, then round
        latest[inspection.province.index] = inspection.pk
    plans = [plan for plan in book.plans if plan.inspection.pk in latest.values()]
    offices = User.objects.in_bulk([people.office[plan.jurisdiction.pk] for plan in plans])
    audit = logging.getLogger("zhenggai.audit")
    echoed, audit.propagate = audit.propagate, False  # thousands of lines: the audit file has them, not the screen
    try:
        for plan in plans:
            publish_plan(Plan(pk=plan.pk), acting_user=offices[people.office[plan.jurisdiction.pk]])
        for pk in PublicNotice.objects.filter(closed_at__isnull=True).values_list("pk", flat=True):
            publish_opened_notice(pk, people.admin)
    finally:
        audit.propagate = echoed


def table_counts() -> dict[str, int]:
    """Rows per table of the project's apps (and the users' tokens), largest first."""
    counts = {}
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            if not model.__module__.startswith(("zhenggai.", "rest_framework.authtoken")):
                continue
            table = model._meta.db_table
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            count = cursor.fetchone()[0]
            if count:
                counts[table] = count
    return dict(sorted(counts.items(), key=lambda item: -item[1]))


def personas(book: ledger.Ledger, tree: units.Tree, *, tokens: bool) -> list[Persona]:
    """The users a benchmark signs in as, with how many problems each sees (asked through ``visible_to``)."""
    from rest_framework.authtoken.models import Token

    from zhenggai.accounts.models import User

    province = tree.provinces[0]
    city = province.cities[0]
    held: Counter[int] = Counter()  # county government pk → problems it (or its collective) holds a role in
    governments = {county.government.pk for county in city.counties}
    for problem in book.problems:
        units_held = {unit for _role, unit in problem.roles} | {m.unit for m in problem.measures}
        if city.collective.pk in units_held:
            units_held |= governments
        for unit in units_held & governments:
            held[unit] += 1
    busiest = max(city.counties, key=lambda county: (held[county.government.pk], -county.government.pk))
    specs = [
        ("admin", "administrator", "everything"),
        (f"office-{province.unit.code}", "province office", "the province"),
        (f"reviewer-{province.unit.code}", "province reviewer", "the province, decides province steps"),
        (f"office-{city.unit.code}", "city office", "the city; its plan has 45 problems"),
        (f"reviewer-{city.unit.code}", "city reviewer", "the city, decides city steps"),
        (f"supervisor-{city.unit.code}", "supervisor", "what the city's general office supervises"),
        (f"office-{busiest.unit.code}", "county office", "the county of the busiest county government"),
        (f"unit-{busiest.government.code}", "county unit user", "the county government with the most problems"),
        (f"unit-{city.dept('生态环境局').code}", "department unit user", "the city's 生态环境局"),
    ]
    found = {u.username: u for u in User.objects.filter(username__in=[s[0] for s in specs]).select_related("unit")}
    out = []
    for username, role, note in specs:
        user = found[username]
        persona = Persona(username, role, user.unit.name if user.unit else "—", note)
        persona.visible_problems = Problem.objects.visible_to(user).count()
        if tokens:
            persona.token = Token.objects.get_or_create(user=user)[0].key
        out.append(persona)
    return out
