"""``zhenggai report --plan ID --as-of DATE --format docx|xlsx|json -o FILE``.

Writes a plan's periodic report as it stood on a date: the .docx report in government document style
(``reports.docx_report``), the Excel ledger (``exports.ledger_xlsx``), or the statistics and the report's
text as JSON (``stats.export`` plus each category's problems and measures). Nothing is stored unless
``--save`` is given with ``--user``: then the .docx becomes the plan's next immutable report version,
exactly as the report page does (the user must be the plan's office). A date before the plan existed or
after today is refused with a message and no file is written.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhenggai.ledger.models import Problem
from zhenggai.reports.docx_report import chinese_date, compose, render
from zhenggai.stats.export import stats_document
from zhenggai.stats.management.commands.stats import plan_and_dates


class Command(BaseCommand):
    help = "Write a plan's periodic report (.docx), its Excel ledger (.xlsx) or its figures (.json) on a date."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plan", type=int, required=True, help="the plan (id)")
        parser.add_argument("--as-of", help="YYYY-MM-DD (default: today)")
        parser.add_argument("--format", choices=["docx", "xlsx", "json"], default="docx")
        parser.add_argument("-o", "--output", required=True, help="the file to write ('-' for standard output: json)")
        parser.add_argument("--title", help="the report's title (default: the plan's title + 整改进展情况)")
        parser.add_argument("--save", action="store_true", help="also store the .docx as the plan's next version")
        parser.add_argument("--user", help="who generates it (with --save)")

    def handle(self, *args, **options) -> None:
        plan, as_of, _due_by = plan_and_dates(options)
        title = options["title"] or f"{plan.title}整改进展情况（截至{chinese_date(as_of)}）"
        if options["format"] == "xlsx":
            from zhenggai.exports.ledger_xlsx import write_ledger

            rows = write_ledger(Problem.objects.filter(plan=plan), options["output"], title=title, as_of=as_of)
            self.stdout.write(f"rows={rows} file={options['output']}")
            return
        if options["format"] == "json":
            content = compose(plan, as_of)
            document = stats_document(content.stats, plan=plan)
            document["summary"] = content.summary
            document["categories"] = [
                {"title": category, "problems": [asdict(entry) for entry in entries]}
                for category, entries in content.categories
            ]
            text = json.dumps(document, ensure_ascii=False, indent=2)
            if options["output"] == "-":
                self.stdout.write(text)
            else:
                Path(options["output"]).write_text(text, encoding="utf-8")
                self.stdout.write(f"file={options['output']}")
            return
        data = self._docx(plan, as_of, title, options)
        Path(options["output"]).write_bytes(data)
        self.stdout.write(f"bytes={len(data)} file={options['output']}")

    def _docx(self, plan, as_of, title: str, options: dict) -> bytes:
        if not options["save"]:
            return render(compose(plan, as_of), title=title, issuer=plan.jurisdiction.name)
        from zhenggai.accounts.models import User
        from zhenggai.reports.actions import generate_report

        user = User.objects.filter(username=options["user"] or "").first()
        if user is None:
            raise CommandError("--save needs --user USERNAME (the plan's office)")
        try:
            report = generate_report(plan, acting_user=user, as_of=as_of, title=title)
        except (PermissionDenied, ValidationError) as exc:
            raise CommandError("; ".join(getattr(exc, "messages", [str(exc)]))) from exc
        self.stdout.write(f"version={report.version} sha256={report.sha256}")
        with report.file.open("rb") as stored:
            return stored.read()
