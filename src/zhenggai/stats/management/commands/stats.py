"""``zhenggai stats --plan ID [--unit UNIT] [--as-of DATE] [--due-by DATE] [--format json|text]``.

Prints the statistics of a plan — or, with ``--unit`` alone, of every problem in which that unit, a unit
under it or a collective it belongs to holds a role (a department, a county, a whole jurisdiction) — on a
date (``stats.engine``): JSON whose ``problems.total``, ``measures.total`` and every breakdown carry their
basis (``stats.export``), or the summary paragraph as text. A date before the plan existed, or after
today, is refused with a message.
"""

from __future__ import annotations

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from zhenggai.ledger.models import Plan, Problem
from zhenggai.ledger.querysets import problems_held_under
from zhenggai.organizations.models import Unit
from zhenggai.stats.engine import statistics
from zhenggai.stats.export import stats_document


def parse_day(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{name} must be YYYY-MM-DD, not {value!r}") from exc


def plan_and_dates(options: dict) -> tuple[Plan, date, date | None]:
    """The plan and dates a command asks for, checked: the plan exists, the date is not before the plan
    existed nor after today."""
    plan = Plan.objects.select_related("jurisdiction", "inspection").filter(pk=options["plan"]).first()
    if plan is None:
        raise CommandError(f"no plan with id {options['plan']}")
    as_of = parse_day(options["as_of"], "--as-of") or timezone.localdate()
    start = plan.known_since()
    if as_of < start:
        raise CommandError(f"--as-of {as_of} is before the plan existed ({start}); nothing was written")
    if as_of > timezone.localdate():
        raise CommandError(f"--as-of {as_of} is in the future; nothing was written")
    return plan, as_of, parse_day(options.get("due_by"), "--due-by")


class Command(BaseCommand):
    help = "Print the statistics of a plan on a date (JSON with the basis of every number)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plan", type=int, help="the plan (id)")
        parser.add_argument("--unit", help="a unit (name or id): its problems and those of the units under it")
        parser.add_argument("--as-of", help="YYYY-MM-DD (default: today)")
        parser.add_argument("--due-by", help="cutoff of the deadline groups (default: the as-of date)")
        parser.add_argument("--format", choices=["json", "text"], default="json")

    def handle(self, *args, **options) -> None:
        if not options["plan"] and not options["unit"]:
            raise CommandError("give --plan ID, --unit UNIT or both")
        problems = Problem.objects.all()
        plan = None
        if options["plan"]:
            plan, as_of, due_by = plan_and_dates(options)
            problems = problems.filter(plan=plan)
        else:
            as_of = parse_day(options["as_of"], "--as-of") or timezone.localdate()
            due_by = parse_day(options["due_by"], "--due-by")
            if as_of > timezone.localdate():
                raise CommandError(f"--as-of {as_of} is in the future; nothing was written")
        if options["unit"]:
            name = options["unit"]
            unit = Unit.objects.filter(pk=int(name)).first() if name.isdigit() else Unit.objects.resolve(name)
            if unit is None:
                raise CommandError(f"no unit named {name!r}")
            problems = problems.filter(pk__in=problems_held_under(unit.path))
        stats = statistics(problems, as_of, due_by=due_by)
        document = stats_document(stats, plan=plan)
        if options["format"] == "json":
            self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(document["summary"])
