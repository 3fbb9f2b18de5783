"""``zhenggai verify_signatures [--request ID] [--problem ID] [--case ID] [--verbose] [--format text|json]``.

Checks every signed step decision (``StepDecision``) with ``acceptance.signatures.verify``: that the
stored record still hashes to its signature (nobody edited it in the database), and that the item and
its files still match what was signed (a field changed, an evidence file replaced, missing or altered
on disk). Prints one line per decision with a problem (``--verbose``: every decision) and a summary
line; ``--format json`` prints the same as one JSON document. Exits with status 1 when any decision
fails, so it can run from cron or CI.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from zhenggai.acceptance.models import StepDecision
from zhenggai.acceptance.signatures import verify


class Command(BaseCommand):
    help = "Verify the signatures of acceptance decisions (验收签名核验); exit 1 if any fails."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--request", type=int, action="append", help="only this acceptance request (repeatable)")
        parser.add_argument("--problem", type=int, action="append", help="only this problem's requests (repeatable)")
        parser.add_argument("--case", type=int, action="append", help="only this case's requests (repeatable)")
        parser.add_argument("--verbose", action="store_true", help="also list the decisions that verify")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, **options) -> None:
        decisions = StepDecision.objects.select_related("request", "step", "actor").order_by(
            "request_id", "round", "position", "pk"
        )
        if options["request"]:
            decisions = decisions.filter(request_id__in=options["request"])
        if options["problem"]:
            decisions = decisions.filter(request__problem_id__in=options["problem"])
        if options["case"]:
            decisions = decisions.filter(request__case_id__in=options["case"])
        rows = [self._row(decision) for decision in decisions]
        failed = [row for row in rows if not row["ok"]]
        summary = {"checked": len(rows), "ok": len(rows) - len(failed), "failed": len(failed)}
        if options["format"] == "json":
            self.stdout.write(json.dumps({"summary": summary, "decisions": rows}, ensure_ascii=False, indent=1))
        else:
            for row in rows if options["verbose"] else failed:
                self.stdout.write(self._line(row))
            self.stdout.write(
                f"{summary['checked']} decisions checked: {summary['ok']} verified, {summary['failed']} failed"
            )
        if failed:
            ids = ", ".join(str(row["id"]) for row in failed)
            raise CommandError(f"{len(failed)} signed decision(s) no longer verify: {ids}")

    @staticmethod
    def _row(decision: StepDecision) -> dict:
        result = verify(decision)
        return {
            "id": decision.pk,
            "request": decision.request_id,
            "problem": decision.request.problem_id,
            "case": decision.request.case_id,
            "round": decision.round,
            "position": decision.position,
            "step": decision.step.name,
            "decision": decision.decision,
            "signer": decision.actor.get_username(),
            "acted_at": decision.acted_at.isoformat(),
            "content_hash": decision.content_hash,
            "record_intact": result.record_intact,
            "changes": result.changes,
            "ok": result.ok,
        }

    @staticmethod
    def _line(row: dict) -> str:
        item = f"case {row['case']}" if row["case"] else f"problem {row['problem']}"
        head = (
            f"decision {row['id']} request {row['request']} {item} "
            f"round {row['round']} step {row['position']} {row['step']} ({row['decision']}, {row['signer']})"
        )
        if row["ok"]:
            return f"{head}: OK"
        problems = ([] if row["record_intact"] else ["record not intact"]) + row["changes"]
        return f"{head}: " + "; ".join(problems)
