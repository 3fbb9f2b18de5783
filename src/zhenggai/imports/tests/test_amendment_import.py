"""Amendment notices become a plan revision: alone into their plan, or at the end of the plan they amend."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from zhenggai.importer.parse import parse_bytes
from zhenggai.imports.actions import import_document, upload_document
from zhenggai.imports.tests.test_review_views import synthetic_plan
from zhenggai.ledger.models import PlanRevision, PlanRevisionChange, Problem
from zhenggai.testing import WorldTestCase

NOTICE = "\n".join(
    [
        "关于补充完善甲市督察反馈问题整改方案的通知",
        "各有关单位：",
        "经审核，现对方案作如下修改。",
        "第一项",
        "审核意见：整改时限过于宽松，应当提前。",
        "整改时限修改为：2026年9月30日前",
        "第二项",
        "审核意见：措施不具体。",
        "整改措施修改为：",
        "（一）新建渗滤液处理站一座（2026年10月31日）",
        "（二）每月开展一次渗滤液排放监测（长期坚持）",
        "甲市督察整改工作领导小组办公室",
        "2026年6月1日",
    ]
)


class AmendmentImportTestCase(WorldTestCase):
    def import_text(self, text: str, **kwargs):
        data = text.encode()
        return import_document(parse_bytes(data), acting_user=self.world.users["office_A"], source=data, **kwargs)

    def test_a_notice_alone_amends_its_plan_as_one_revision(self):
        plan = self.import_text(
            synthetic_plan(problems=2).decode(), jurisdiction=self.world.units["A"], title="甲市整改方案"
        ).plan
        result = self.import_text(NOTICE, plan=plan)
        self.assertEqual((result.problems, result.measures), (0, 0))
        revision = result.revision
        self.assertEqual((revision.plan, revision.number, revision.issue_date.isoformat()), (plan, 1, "2026-06-01"))
        one, two = Problem.objects.get(plan=plan, number=1), Problem.objects.get(plan=plan, number=2)
        self.assertEqual(one.due_date.isoformat(), "2026-09-30")
        self.assertEqual(
            [(m.text, m.due_long_term) for m in two.measures.order_by("position")],
            [("新建渗滤液处理站一座", False), ("每月开展一次渗滤液排放监测", True)],
        )
        changes = {c.field: c for c in revision.changes.all()}
        self.assertEqual(set(changes), {"deadline", "measures"})
        self.assertEqual((changes["deadline"].before, changes["deadline"].after), ("2026年年底前", "2026年9月30日前"))
        self.assertEqual(changes["deadline"].opinion, "整改时限过于宽松，应当提前。")
        self.assertIn("建设渗滤液处理设施", changes["measures"].before)  # what the plan said before
        self.assertIn("新建渗滤液处理站一座", changes["measures"].after)
        self.assertEqual(changes["measures"].field_label, "整改措施")

    def test_a_notice_naming_an_unknown_problem_changes_nothing(self):
        plan = self.import_text(
            synthetic_plan(problems=2).decode(), jurisdiction=self.world.units["A"], title="甲市整改方案"
        ).plan
        before = list(Problem.objects.filter(plan=plan).values_list("due_raw", flat=True))
        with self.assertRaisesMessage(ValidationError, "9"):
            self.import_text(NOTICE.replace("第二项", "第九项"), plan=plan)
        self.assertFalse(PlanRevision.objects.filter(plan=plan).exists())
        self.assertEqual(list(Problem.objects.filter(plan=plan).values_list("due_raw", flat=True)), before)

    def test_a_notice_needs_the_plan_it_amends(self):
        with self.assertRaises(ValidationError) as caught:
            upload_document(
                acting_user=self.world.users["office_A"],
                data=NOTICE.encode(),
                filename="notice.txt",
                jurisdiction=self.world.units["A"],
            )
        self.assertIn("plan", caught.exception.message_dict)


@pytest.mark.usefixtures("seeds_dir")
class SeedAmendmentTestCase(WorldTestCase):
    def test_004_is_imported_as_amended_and_the_revision_keeps_the_reviewed_text(self):
        folder = Path(os.environ.get("ZHENGGAI_SEEDS", Path(__file__).resolve().parents[5] / "shared" / "seeds"))
        data = next(folder.glob("004*.txt")).read_bytes()
        parsed = parse_bytes(data)
        result = import_document(
            parsed,
            acting_user=self.world.users["office_A"],
            source=data,
            jurisdiction=self.world.units["A"],
            title="方案",
        )
        revision = result.revision
        self.assertEqual(revision.changes.count(), 4)
        result.plan.refresh_from_db()
        self.assertEqual(result.plan.current_revision, 1)
        by_number = {a.problem_number: a for a in parsed.amendments}
        six = Problem.objects.get(plan=result.plan, number=6, parent=None)
        self.assertEqual(six.due_raw, by_number[6].new_text)
        original_six = next(p for p in parsed.problems if p.number == 6)
        change = PlanRevisionChange.objects.get(revision=revision, problem=six)
        self.assertEqual((change.before, change.opinion), (original_six.deadline.raw, by_number[6].review_opinion))
        ten = Problem.objects.get(plan=result.plan, number=10, parent=None)
        self.assertEqual([t.text for t in ten.targets.all()], [by_number[10].new_text.rstrip("。")])
        twelve = Problem.objects.get(plan=result.plan, number=12, parent=None)
        fourteen = Problem.objects.get(plan=result.plan, number=14, parent=None)
        self.assertEqual(twelve.measures.count(), 1)  # the amendment gives one unnumbered measure text
        self.assertGreater(fourteen.measures.count(), 1)  # numbered （一）（二）…: split into measures
        self.assertTrue(all(m.text in by_number[14].new_text for m in fourteen.measures.all()))
