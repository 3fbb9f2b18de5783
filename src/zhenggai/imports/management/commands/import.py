"""``zhenggai import FILE --dry-run --format json``: parse a plan or report and print the result.

The dry run touches no database: it reads the file, runs the pure ``zhenggai.importer``
library and prints its JSON (the documented interface) on stdout. Unreadable input is a
message on stderr and a non-zero exit status. Importing into the ledger (without
``--dry-run``) arrives with the review flow.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from zhenggai.importer.parse import UnreadableDocument, parse_bytes


class Command(BaseCommand):
    help = "Parse a rectification plan or progress report (text, HTML, .docx) and print it as JSON."
    requires_system_checks: list = []  # a dry run must work without a configured database

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="the document to read")
        parser.add_argument("--dry-run", action="store_true", help="parse and print only; touch no database")
        parser.add_argument("--format", choices=["json"], default="json", help="output format (json)")

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        if not options["dry_run"]:
            raise CommandError("importing into the ledger is not available yet: use --dry-run to see the parse")
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror or exc}") from exc
        try:
            parsed = parse_bytes(data, filename=path.name)
        except UnreadableDocument as exc:
            raise CommandError(f"{path.name}: {exc}") from exc
        self.stdout.write(parsed.to_json(indent=2))
