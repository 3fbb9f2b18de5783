"""import_document: a parsed document into the ledger in one transaction."""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import pytest
from django.core.exceptions import ValidationError

from zhenggai.importer.parse import parse_bytes
from zhenggai.imports.actions import DuplicateImport, import_document
from zhenggai.imports.models import ImportRecord
from zhenggai.ledger.models import Assignment, Measure, Plan, Problem
from zhenggai.organizations import actions as org
from zhenggai.testing import WorldTestCase

SEEDS = Path(__file__).resolve().parents[4].parent / "shared" / "seeds"


@pytest.mark.usefixtures("seeds_dir")
class ImportDocumentTestCase(WorldTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        import os

        folder = Path(os.environ.get("ZHENGGAI_SEEDS", SEEDS))
        cls.raw = {p.name[:3]: p.read_bytes() for p in folder.glob("*.txt")}

    def import_seed(self, prefix: str, **kwargs):
        data = self.raw[prefix]
        return import_document(
            parse_bytes(data), acting_user=self.world.users["office_A"], source=data, filename=f"{prefix}.txt", **kwargs
        )

    def test_a_plan_becomes_problems_aspects_measures_and_assignments(self):
        org.create_unit(
            acting_user=self.world.users["system"], name="天祝县政府", level="county", parent=self.world.units["A"]
        )
        result = self.import_seed("004", jurisdiction=self.world.units["A"], title="整改实施方案")
        plan = result.plan
        top = Problem.objects.filter(plan=plan, parent__isnull=True)
        self.assertEqual(top.count(), 17)
        self.assertEqual(Problem.objects.filter(plan=plan, parent__isnull=False).count(), 2)
        self.assertEqual(result.measures, Measure.objects.filter(problem__plan=plan).count())
        self.assertEqual(plan.categories.count(), 2)
        self.assertEqual(plan.doc_number, "武办字〔2020〕47号")
        seventeen = top.get(number=17)
        lead = Assignment.objects.filter(problem__parent=seventeen, role="lead", measure__isnull=True)
        self.assertEqual({a.unit.name for a in lead}, {"天祝县政府"})  # matched in the registry
        self.assertNotIn("市生态环境局", result.unmatched_names)  # the short name of 甲市生态环境局
        self.assertIn("市住建局", result.unmatched_names)  # unknown: kept as written, reported
        self.assertTrue(Assignment.objects.filter(problem__plan=plan, raw_text="市住建局", unit=None).exists())
        record = ImportRecord.objects.get(plan=plan)
        self.assertEqual((record.kind, len(record.parsed["amendments"])), ("plan", 4))
        self.assertEqual(Problem.history.filter(plan_id=plan.pk).first().history_user, self.world.users["office_A"])

    def test_a_report_and_a_narrative_plan(self):
        report = self.import_seed("003", jurisdiction=self.world.units["A"])
        self.assertEqual((report.problems, report.measures), (45, 179))
        narrative = self.import_seed("002", jurisdiction=self.world.units["A"])
        self.assertEqual(narrative.problems, 25)

    def test_the_same_file_twice_is_refused(self):
        self.import_seed("004", jurisdiction=self.world.units["A"])
        with self.assertRaises(DuplicateImport):
            self.import_seed("004", jurisdiction=self.world.units["A"])
        self.assertEqual(Plan.objects.filter(import_records__isnull=False).count(), 1)

    def test_nothing_is_half_imported(self):
        from zhenggai.ledger import actions as ledger

        plans_before, problems_before = Plan.objects.count(), Problem.objects.count()
        original = ledger.add_measure
        calls = {"n": 0}

        def failing_add_measure(*args, **kwargs):
            calls["n"] += 1
            if calls["n"] == 20:
                raise ValidationError("disk full (simulated)")
            return original(*args, **kwargs)

        with mock.patch.object(ledger, "add_measure", failing_add_measure), self.assertRaises(ValidationError):
            self.import_seed("004", jurisdiction=self.world.units["A"])
        self.assertEqual((Plan.objects.count(), Problem.objects.count()), (plans_before, problems_before))
        self.assertFalse(ImportRecord.objects.exists())

    def test_into_an_existing_plan_and_without_a_jurisdiction(self):
        result = self.import_seed("000", plan=self.world.plans["B"])
        self.assertEqual(result.plan, self.world.plans["B"])
        self.assertEqual(Problem.objects.filter(plan=self.world.plans["B"]).count(), 1 + 19)
        with self.assertRaises(ValidationError):
            self.import_seed("001")
