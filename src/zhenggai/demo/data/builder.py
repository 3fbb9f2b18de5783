"""The builder that creates the data set through the organisation and ledger actions, in order."""

from __future__ import annotations

from typing import Any

from zhenggai.demo.data.acceptance import build_acceptance
from zhenggai.demo.data.common import Raw
from zhenggai.demo.data.plans import build_first_round, build_third_round
from zhenggai.demo.data.progress import build_progress
from zhenggai.demo.data.units import build_persons, build_units, hand_over_leader, record_reform
from zhenggai.demo.data.users import build_users, create_admin
from zhenggai.ledger.actions import add_measure, add_target, assign, create_problem, update_measure, update_problem
from zhenggai.ledger.choices import AssignmentRole, ItemStatus
from zhenggai.ledger.models import Plan, Problem
from zhenggai.organizations.actions import create_person, create_unit
from zhenggai.organizations.models import Person, Unit

__all__ = ["DemoBuilder"]


class DemoBuilder:
    """Builds the data set step by step, in the order things happened."""

    def __init__(self) -> None:
        self.admin = create_admin()
        self.units: dict[str, Unit] = {}
        self.persons: dict[str, Person] = {}
        self.problems: dict[str, Problem] = {}

    def build(self) -> None:
        build_units(self)
        build_persons(self)
        build_first_round(self)
        record_reform(self)
        build_third_round(self)
        hand_over_leader(self)
        build_users()
        build_progress(self)
        build_acceptance(self)

    # helpers ------------------------------------------------------------------

    def unit(self, key: str, name: str, level: str, parent: str | None = None, *, short: str = "", aliases=()) -> Unit:
        unit = create_unit(
            acting_user=self.admin,
            name=name,
            level=level,
            parent=self.units[parent] if parent else None,
            short_name=short,
            aliases=aliases,
        )
        self.units[key] = unit
        return unit

    def person(self, name: str, unit: str, title: str) -> Person:
        person = create_person(acting_user=self.admin, name=name, unit=self.units[unit], title=title)
        self.persons[name] = person
        return person

    def assign(self, problem: Problem, roles: dict[str, list[Any]], **where: Any) -> None:
        for role, holders in roles.items():
            for holder in holders:
                if isinstance(holder, Raw):
                    assign(problem, role, acting_user=self.admin, raw_text=holder.text, **where)
                elif role in (AssignmentRole.LEADER, AssignmentRole.PERSON):
                    assign(problem, role, acting_user=self.admin, person=self.persons[holder], **where)
                else:
                    assign(problem, role, acting_user=self.admin, unit=self.units[holder], **where)

    def problem(self, plan: Plan, spec: dict[str, Any], *, category=None, parent: Problem | None = None) -> Problem:
        """Create a problem with its targets, measures and assignments from a spec dict."""
        problem = create_problem(
            plan,
            acting_user=self.admin,
            title=spec["title"],
            description=spec.get("description", ""),
            cause=spec.get("cause", ""),
            deadline=spec.get("deadline", ""),
            number=spec.get("number"),
            number_text=spec["number_text"],
            category=category,
            parent=parent,
        )
        self.problems[spec["key"]] = problem
        for number_text, text, deadline in spec.get("targets", ()):
            add_target(problem, acting_user=self.admin, text=text, number_text=number_text, deadline=deadline)
        self.assign(problem, spec.get("roles", {}))
        self.measures(problem, spec.get("measures", ()))
        for child in spec.get("aspects", ()):
            self.problem(plan, child, category=category, parent=problem)
        return problem

    def measures(self, problem: Problem, specs) -> None:
        """Add the problem's measures with their assignments, then move each to its status."""
        for number_text, text, deadline, status, roles in specs:
            measure = add_measure(
                problem, acting_user=self.admin, text=text, number_text=number_text, deadline=deadline
            )
            self.assign(problem, roles, measure=measure)
            if status != ItemStatus.NOT_STARTED:
                update_measure(measure, acting_user=self.admin, changes={"status": status})

    def set_status(self, key: str, status: str) -> None:
        problem = Problem.objects.get(pk=self.problems[key].pk)
        if problem.status != status:
            self.problems[key] = update_problem(
                problem,
                acting_user=self.admin,
                expected_version=problem.version,
                changes={"status": status},
                reason="progress update",
            )
