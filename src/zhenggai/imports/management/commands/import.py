"""``zhenggai import FILE --dry-run --format json``: parse a plan or report and print the result.

The dry run touches no database: it reads the file, runs the pure ``zhenggai.importer``
library and prints its JSON (the documented interface) on stdout. Unreadable input is a
message on stderr and a non-zero exit status.

Without ``--dry-run`` the document is imported in one transaction — into a new plan of
``--jurisdiction`` (a unit name or id), or into ``--plan ID`` — as ``--user`` (default: the
first superuser); the last line printed is ``plan=<id>``. The same file twice is refused.
"""

from __future__ import annotations

from datetime import date
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
        parser.add_argument("--plan", type=int, help="import into this existing plan (id)")
        parser.add_argument("--jurisdiction", help="unit (name or id) whose new plan this is")
        parser.add_argument("--title", default="", help="title of the new plan (default: the file name)")
        parser.add_argument(
            "--as-of",
            type=date.fromisoformat,
            help="for a progress report: the date its figures speak of (default: the 截至… date it states)",
        )
        parser.add_argument("--user", help="username recorded as the importer (default: the first superuser)")

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror or exc}") from exc
        try:
            parsed = parse_bytes(data, filename=path.name)
        except UnreadableDocument as exc:
            raise CommandError(f"{path.name}: {exc}") from exc
        if options["dry_run"]:
            self.stdout.write(parsed.to_json(indent=2))
            return
        from django.db import DatabaseError

        try:
            self._import(parsed, data, path.name, options)
        except DatabaseError as exc:
            raise CommandError(f"cannot import: the database is not usable ({exc.__class__.__name__}: {exc})") from exc

    def _import(self, parsed, data: bytes, filename: str, options: dict) -> None:
        from django.core.exceptions import PermissionDenied, ValidationError

        from zhenggai.core.errors import ConflictError
        from zhenggai.imports.actions import import_document

        plan, jurisdiction, user = self._targets(options)
        try:
            result = import_document(
                parsed,
                acting_user=user,
                source=data,
                filename=filename,
                plan=plan,
                jurisdiction=jurisdiction,
                title=options["title"] or parsed.document.doc_number or filename,
                as_of=options["as_of"],
            )
        except (ValidationError, ConflictError) as exc:
            raise CommandError("; ".join(getattr(exc, "messages", None) or [str(exc)])) from exc
        except PermissionDenied as exc:
            raise CommandError(f"{user.get_username()} may not do this: {exc}") from exc
        self.stdout.write(f"problems={result.problems} measures={result.measures} reports={result.reports}")
        for name in result.unmatched_names:
            self.stdout.write(f"unmatched unit: {name}")
        self.stdout.write(f"plan={result.plan.pk}")

    def _targets(self, options: dict):
        from zhenggai.accounts.models import User
        from zhenggai.ledger.models import Plan
        from zhenggai.organizations.models import Unit

        user = (
            User.objects.filter(username=options["user"]).first()
            if options["user"]
            else User.objects.filter(is_superuser=True).order_by("pk").first()
        )
        if user is None:
            raise CommandError("no such user (give --user, or create a superuser first)")
        if options["plan"]:
            plan = Plan.objects.filter(pk=options["plan"]).first()
            if plan is None:
                raise CommandError(f"no plan with id {options['plan']}")
            return plan, None, user
        name = options["jurisdiction"]
        if not name:
            raise CommandError("give --plan ID, or --jurisdiction UNIT for a new plan")
        unit = Unit.objects.filter(pk=int(name)).first() if name.isdigit() else Unit.objects.resolve(name)
        if unit is None:
            raise CommandError(f"no unit named {name!r}")
        return None, unit, user
