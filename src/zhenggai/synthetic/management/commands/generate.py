"""``zhenggai generate --scale national|province|small [--seed N]``: fill an empty database with synthetic data."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhenggai.demo.management.commands.load_demo import format_table
from zhenggai.synthetic.runner import GenerationRefused, Result, generate
from zhenggai.synthetic.scales import DEFAULT_AS_OF, SCALES
from zhenggai.synthetic.users import DEFAULT_PASSWORD


class Command(BaseCommand):
    help = (
        "生成合成数据（全国、单省或小规模）写入空数据库。Fill an empty database with a synthetic data set of the real "
        "shape: units, plans, problems, measures, progress reports, complaint cases, accountability, acceptance, users."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=tuple(SCALES), required=True, help="national, province or small")
        parser.add_argument("--seed", type=int, default=2026, help="the same seed gives the same data (default 2026)")
        parser.add_argument(
            "--as-of",
            type=date.fromisoformat,
            default=DEFAULT_AS_OF,
            help=f"the day the data describes, YYYY-MM-DD (default {DEFAULT_AS_OF})",
        )
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="every user's password")
        parser.add_argument("--no-progress", action="store_true", help="no progress line on stderr")
        parser.add_argument(
            "--no-publish", action="store_true", help="publish nothing on the public portal (default: latest plans)"
        )
        parser.add_argument(
            "--snapshots", action="store_true", help="also take the statistics snapshots of the as-of date"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = generate(
                SCALES[options["scale"]],
                seed=options["seed"],
                as_of=options["as_of"],
                password=options["password"],
                # The raw stream: the progress line redraws itself with a carriage return, which the
                # command's OutputWrapper would end with a newline.
                progress_stream=False if options["no_progress"] else self.stderr._out,
                publish=not options["no_publish"],
                snapshots=options["snapshots"],
            )
        except GenerationRefused as exc:
            raise CommandError(str(exc)) from exc
        self.report(result)

    def report(self, result: Result) -> None:
        write = self.stdout.write
        write(
            f"scale {result.scale}, seed {result.seed}, as of {result.as_of}, system live since {result.go_live}: "
            f"{result.seconds} s"
        )
        write("stages (s): " + ", ".join(f"{name} {sec}" for name, sec in result.stage_seconds.items()))
        write("")
        for line in format_table(["table", "rows"], [[table, f"{n:,}"] for table, n in result.rows.items()]):
            write(line)
        if result.personas:
            write("")
            write(f"password of every user: {result.password}")
            headers = ["username", "role", "unit", "problems seen", "API token", "note"]
            rows = [
                [p.username, p.role, p.unit, f"{p.visible_problems:,}", p.token or "—", p.note] for p in result.personas
            ]
            for line in format_table(headers, rows):
                write(line)
            write(
                "other users: office-<code> (every province, city, county), reviewer-<code> and supervisor-<code> "
                "(every province and city), unit-<code> (every government and department); codes: p01 = province 1, "
                "p01c02 = its city 2, p01c02x03 = a county, …g = its government, …d05 = a department"
            )
        self.stdout.write(self.style.SUCCESS("done"))
