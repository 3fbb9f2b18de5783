"""Writing the planned ledger: inspections, plans, categories, problems, targets, measures, assignments, and
the history rows an import and the later status changes would have left.

History (django-simple-history) is part of the data, not decoration: the problem page shows it, and
``progress.status.ledger_state`` and the statistics engine read from it when a problem or measure first
reached 完成整改 / 完成交账销号. So each problem gets its creation row (at the plan's import), the change to
in progress when its work started, to completed when its last measure was done, and to signed off at
its sign-off (the acceptance request's last decision, or the historical sign-off); each measure its
creation and its completion; each assignment its creation.
"""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, timedelta

from zhenggai.core.numerals import format_chinese_int
from zhenggai.ledger.models import Assignment, Category, Inspection, Measure, Plan, Problem, Target
from zhenggai.synthetic.dates import local, parsed_deadline
from zhenggai.synthetic.ledger import CATEGORIES, Ledger, MeasureRec, PlanRec, ProblemRec
from zhenggai.synthetic.themes import THEMES
from zhenggai.synthetic.units import REFORM_DAY, Tree
from zhenggai.synthetic.users import Users
from zhenggai.synthetic.writer import Loader

__all__ = ["measure_number", "plan_office", "problem_number", "write_ledger"]


def problem_number(problem: ProblemRec) -> str:
    return f"第{format_chinese_int(problem.position)}项"


def measure_number(measure: MeasureRec) -> str:
    return f"{measure.position}."


def plan_office(plan: PlanRec, users: Users) -> int | None:
    """The plan's office user (None in a data set generated without users: the history names nobody)."""
    return users.office.get(plan.jurisdiction.pk)


def _moment(day: date, hour: int) -> datetime:
    return local(day, hour)


def write_ledger(loader: Loader, ledger: Ledger, tree: Tree, users: Users, rng: random.Random) -> None:
    """Queue the ledger rows and their history."""
    for table in (Inspection, Plan, Category, Problem, Target, Measure, Assignment):
        loader.table(table)
    _inspections(loader, ledger)
    for plan in ledger.plans:
        _plan(loader, plan, rng)
    history = {model: loader.history(model) for model in (Problem, Measure, Assignment)}
    for problem in ledger.problems:
        _problem(loader, history, problem, tree, users, ledger.as_of)


def _inspections(loader: Loader, ledger: Ledger) -> None:
    table = loader.table(Inspection)
    for inspection in ledger.inspections:
        table.add(
            {
                "id": inspection.pk,
                "level": "central",
                "kind": inspection.round.kind,
                "round_label": inspection.round.label,
                "team": inspection.team,
                "inspected_unit_id": inspection.province.unit.pk,
                "stationed_from": inspection.stationed_from,
                "stationed_to": inspection.stationed_to,
                "feedback_date": inspection.feedback,
                "notes": "",
            }
        )


def _plan(loader: Loader, plan: PlanRec, rng: random.Random) -> None:
    province = plan.province.unit.name
    if plan.level == "province":
        title = f"{province}贯彻落实中央生态环境保护督察{plan.inspection.round.label}反馈意见整改方案"
        issuer = province[0]
    else:
        title = f"{plan.jurisdiction.name}贯彻落实{province}整改方案的实施方案"
        issuer = plan.jurisdiction.name[0]
    loader.table(Plan).add(
        {
            "id": plan.pk,
            "inspection_id": plan.inspection.pk,
            "parent_plan_id": plan.parent,
            "title": title,
            "doc_number": f"{issuer}办字〔{plan.issue.year}〕{rng.randint(10, 99)}号",
            "issue_date": plan.issue,
            "level": plan.level,
            "jurisdiction_id": plan.jurisdiction.pk,
            "status": "published",
            "declared_problem_count": plan.size,
            "current_revision": 0,
            "public_code": uuid.UUID(int=rng.getrandbits(128), version=4),
            "created_at": _moment(plan.issue + timedelta(days=1), 9),
        }
    )
    categories = loader.table(Category)
    for position, pk in enumerate(plan.categories):
        number, title = CATEGORIES[position]
        categories.add({"id": pk, "plan_id": plan.pk, "position": position, "number_text": number, "title": title})


def _problem(loader: Loader, history, problem: ProblemRec, tree: Tree, users: Users, as_of: date) -> None:
    plan, wording = problem.plan, THEMES[problem.theme]
    office = plan_office(plan, users)
    created = _moment(plan.issue + timedelta(days=1 + problem.pk % 5), 10)
    due = parsed_deadline(problem.due_raw)
    # Status changes: (when, status, reason, user).
    changes: list[tuple[datetime, str, str, int]] = []
    if problem.status != "not_started":
        started = max(min(m.start for m in problem.measures), created.date() + timedelta(days=1))
        changes.append((_moment(started, 11), "in_progress", "edit", office))
    if problem.done is not None and problem.done <= as_of:
        changes.append((_moment(max(problem.done, changes[0][0].date()), 15), "completed", "edit", office))
    if problem.signed_on is not None:
        user = problem.sign_user or office
        when = _moment(max(problem.signed_on, changes[-1][0].date()), 17)
        changes.append((when, "signed_off", problem.sign_reason, user))
    row = {
        "id": problem.pk,
        "plan_id": plan.pk,
        "category_id": problem.category,
        "position": problem.position,
        "number": problem.position,
        "number_text": problem_number(problem),
        "title": problem.title,
        "description": problem.description,
        "cause": wording.cause,
        "status": "not_started",
        "version": 1,
        "created_at": created,
        "updated_at": created,
        **due,
    }
    history[Problem].add(_history(row, created, "+", "create", office))
    for version, (when, status, reason, user) in enumerate(changes, start=2):
        row = row | {"status": status, "version": version, "updated_at": when}
        history[Problem].add(_history(row, when, "~", reason, user))
    loader.table(Problem).add(row)
    loader.table(Target).add(
        {"id": problem.target_pk, "problem_id": problem.pk, "position": 1, "number_text": "", "text": wording.target}
        | due
    )
    assignments = loader.table(Assignment)
    for position, (role, unit) in enumerate(problem.roles):
        _assign(assignments, history, created, office, problem, None, role, unit, tree, position)
    _assign(assignments, history, created, office, problem, None, "leader", None, tree, 0, person=problem.leader)
    for measure in problem.measures:
        _measure(loader, history, measure, created, office, as_of)
        _assign(assignments, history, created, office, problem, measure, "lead", measure.unit, tree, 0)


def _measure(loader: Loader, history, m: MeasureRec, created: datetime, office: int, as_of: date) -> None:
    row = {
        "id": m.pk,
        "problem_id": m.problem.pk,
        "target_id": None,
        "position": m.position,
        "number_text": measure_number(m),
        "text": m.text,
        "status": "not_started",
        **parsed_deadline(m.due_raw),
    }
    history[Measure].add(_history(row, created, "+", "create", office))
    if m.status == "completed":
        row = row | {"status": "completed"}
        history[Measure].add(_history(row, _moment(max(m.done, created.date()), 16), "~", "edit", office))
    elif m.status == "in_progress":
        row = row | {"status": "in_progress"}
        history[Measure].add(_history(row, _moment(max(m.start, created.date()), 11), "~", "edit", office))
    loader.table(Measure).add(row)


def _assign(table, history, created, office, problem, measure, role, unit, tree: Tree, position, person=None) -> None:
    inherited = measure.inherited_from if measure is not None else None
    if measure is None and unit is not None and unit in tree.predecessor_of and problem.plan.issue < REFORM_DAY:
        old = tree.predecessor_of[unit]  # a problem-level role of a department 机构改革 replaced
        unit, inherited = (old, None) if problem.done and problem.done < REFORM_DAY else (unit, old)
    row = {
        "problem_id": problem.pk,
        "target_id": None,
        "measure_id": measure.pk if measure else None,
        "role": role,
        "unit_id": unit,
        "person_id": person,
        "raw_text": "",
        "inherited_from_id": inherited,
        "position": position,
    }
    table.add(row)
    history[Assignment].add(_history(row, created, "+", "assign", office))


def _history(row: dict, when: datetime, kind: str, reason: str, user: int) -> dict:
    return row | {
        "history_date": when,
        "history_type": kind,
        "history_change_reason": reason[:100],
        "history_user_id": user,
    }
