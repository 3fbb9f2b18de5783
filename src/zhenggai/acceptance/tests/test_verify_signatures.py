"""``zhenggai verify_signatures``: a signed decision verifies until its record, its item or a file changes."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import TestCase

from zhenggai.acceptance import actions
from zhenggai.acceptance.choices import CHECKLIST
from zhenggai.acceptance.models import StepDecision
from zhenggai.ledger.models import Problem
from zhenggai.progress import actions as progress
from zhenggai.progress.actions import ReportInput
from zhenggai.progress.models import Evidence
from zhenggai.testing import build_world

SHANGHAI = ZoneInfo("Asia/Shanghai")
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def at(day: int, hour: int = 10):
    return time_machine.travel(datetime(2026, 3, day, hour, tzinfo=SHANGHAI), tick=False)


class VerifySignaturesTestCase(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()
        users = cls.world.users
        cls.problem = cls.world.problems["a1"]
        with at(2):
            progress.submit_report(
                cls.problem,
                ReportInput(
                    date(2026, 2, 1),
                    date(2026, 2, 28),
                    "措施已全部落实",
                    Decimal(100),
                    claimed_status="completed",
                    files=[SimpleUploadedFile("monitoring.pdf", PDF, content_type="application/pdf")],
                ),
                acting_user=users["unit_A1"],
                measure=cls.problem.measures.get(),
            )
            cls.request = actions.request_acceptance(
                cls.problem,
                acting_user=users["unit_A1"],
                report="自查：整改到位。",
                signed_by_head="赵六",
                checklist={key: True for key, _label in CHECKLIST},
                files=[SimpleUploadedFile("self-check.pdf", PDF + b"%self-check\n", content_type="application/pdf")],
            )
        with at(3):
            cls.decision = actions.decide_step(
                cls.request, acting_user=users["reviewer_A"], decision="pass", opinion="材料齐全，同意"
            )

    def keep_file(self, field_file) -> None:
        """The files live on disk, outside the test's transaction: put the bytes back after the test."""
        storage, name = field_file.storage, field_file.name
        with storage.open(name, "rb") as handle:
            original = handle.read()

        def restore() -> None:
            with storage.open(name, "wb") as handle:
                handle.write(original)

        self.addCleanup(restore)

    def run_command(self, *args: str) -> str:
        out = StringIO()
        call_command("verify_signatures", *args, stdout=out)
        return out.getvalue()

    def failing_output(self, *args: str) -> tuple[str, CommandError]:
        out = StringIO()
        with self.assertRaises(CommandError) as caught:
            call_command("verify_signatures", *args, stdout=out)
        return out.getvalue(), caught.exception

    def test_the_fixture_signed_both_files(self):
        kinds = sorted(f["kind"] for f in self.decision.frozen_content["files"])
        self.assertEqual(kinds, ["attachment", "evidence"])

    def test_untouched_decisions_verify_and_the_command_succeeds(self):
        output = self.run_command()
        self.assertEqual(output.strip().splitlines(), ["1 decisions checked: 1 verified, 0 failed"])
        verbose = self.run_command("--verbose")
        self.assertIn(f"decision {self.decision.pk} request {self.request.pk}", verbose)
        self.assertIn(": OK", verbose)

    def test_json_lists_every_decision_with_its_hash(self):
        payload = json.loads(self.run_command("--format", "json"))
        self.assertEqual(payload["summary"], {"checked": 1, "ok": 1, "failed": 0})
        [row] = payload["decisions"]
        self.assertEqual((row["id"], row["content_hash"]), (self.decision.pk, self.decision.content_hash))
        self.assertEqual((row["record_intact"], row["changes"], row["ok"]), (True, [], True))

    def test_evidence_bytes_altered_on_disk_are_reported(self):
        evidence = Evidence.objects.get(report__problem=self.problem)
        storage = evidence.file.storage
        self.keep_file(evidence.file)
        with storage.open(evidence.file.name, "wb") as handle:
            handle.write(PDF + b"% quietly edited\n")
        output, error = self.failing_output()
        self.assertIn("monitoring.pdf altered", output)
        self.assertIn("1 failed", output)
        self.assertIn(str(self.decision.pk), str(error))

    def test_an_attachment_removed_from_disk_is_reported(self):
        attachment = self.request.attachments.get()
        self.keep_file(attachment.file)
        attachment.file.storage.delete(attachment.file.name)
        output, _error = self.failing_output()
        self.assertIn("self-check.pdf missing", output)

    def test_editing_the_stored_record_breaks_its_hash(self):
        content = dict(self.decision.frozen_content)
        content["decision"] = {**content["decision"], "opinion": "不同意"}
        StepDecision.objects.filter(pk=self.decision.pk).update(frozen_content=content)
        output, _error = self.failing_output()
        self.assertIn("record not intact", output)

    def test_a_changed_problem_is_reported(self):
        Problem.objects.filter(pk=self.problem.pk).update(description="事后改写的问题描述")
        output, _error = self.failing_output("--format", "json")
        payload = json.loads(output)
        [row] = payload["decisions"]
        self.assertTrue(row["record_intact"])
        self.assertEqual(row["changes"], ["problem.description"])
        self.assertEqual(payload["summary"]["failed"], 1)

    def test_the_filters_choose_the_decisions(self):
        Problem.objects.filter(pk=self.problem.pk).update(description="改动")
        other = self.world.problems["b1"].pk
        self.assertIn("0 decisions checked", self.run_command("--problem", str(other)))
        self.assertIn("0 decisions checked", self.run_command("--request", str(self.request.pk + 1000)))
        output, _error = self.failing_output("--request", str(self.request.pk))
        self.assertIn("problem.description", output)
        output, _error = self.failing_output("--problem", str(self.problem.pk))
        self.assertIn("1 decisions checked", output)
