"""The acceptance chain of a city plan, step by step: request → 市级验收 → 公示 → 省级备案销号 → reopen."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase

from zhenggai.acceptance import actions
from zhenggai.acceptance.choices import CHECKLIST
from zhenggai.acceptance.models import StepDecision
from zhenggai.acceptance.signatures import verify
from zhenggai.ledger import actions as ledger
from zhenggai.progress import actions as progress
from zhenggai.progress.actions import ReportInput
from zhenggai.testing import build_world
from zhenggai.testing import frozen_at as at

ALL_MET = {key: True for key, _label in CHECKLIST}


class ChainTestCase(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()
        cls.problem = cls.world.problems["a1"]
        measure = cls.problem.measures.get()
        with at(date(2026, 3, 2)):
            progress.submit_report(
                cls.problem,
                ReportInput(date(2026, 2, 1), date(2026, 2, 28), "全部完成", Decimal(100), claimed_status="completed"),
                acting_user=cls.world.users["unit_A1"],
                measure=measure,
            )

    def user(self, key):
        return self.world.users[key]

    def request(self, **overrides):
        values = {"report": "自查：各项措施已完成。", "signed_by_head": "张三", "checklist": ALL_MET} | overrides
        with at(date(2026, 3, 2)):
            return actions.request_acceptance(self.problem, acting_user=self.user("unit_A1"), **values)

    def test_the_whole_chain_signs_off_and_reopening_keeps_the_history(self):
        request = self.request()
        with at(date(2026, 3, 3)):
            first = actions.decide_step(
                request, acting_user=self.user("reviewer_A"), decision="pass", opinion="材料齐全"
            )
        request.refresh_from_db()
        self.assertEqual((request.status, request.position), ("in_notice", 1))
        notice = request.notices.get()
        self.assertEqual((notice.starts_on, notice.ends_on), (date(2026, 3, 3), date(2026, 3, 9)))  # 5 working days
        with at(date(2026, 3, 9)), self.assertRaisesMessage(ValidationError, "2026-03-09"):
            actions.close_notice(request, acting_user=self.user("office_A"))  # still running
        with at(date(2026, 3, 4)):
            objection = actions.file_objection(notice, name="李四", contact="13800000000", text="现场仍有垃圾。")
        with at(date(2026, 3, 10)), self.assertRaisesMessage(ValidationError, "尚有未处理的异议"):
            actions.close_notice(request, acting_user=self.user("office_A"))
        with at(date(2026, 3, 10)):
            actions.handle_objection(
                objection, acting_user=self.user("office_A"), uphold=False, note="现场核查已清理。"
            )
            actions.close_notice(request, acting_user=self.user("office_A"))
        request.refresh_from_db()
        self.assertEqual((request.status, request.position), ("in_review", 2))
        with at(date(2026, 3, 11)), self.assertRaises(PermissionDenied):
            actions.decide_step(request, acting_user=self.user("office_A"), decision="pass")  # province's step
        with at(date(2026, 3, 11)):
            actions.decide_step(request, acting_user=self.user("office_P"), decision="pass", opinion="同意备案销号")
        request.refresh_from_db()
        self.problem.refresh_from_db()
        self.assertEqual((request.status, self.problem.status), ("signed_off", "signed_off"))
        self.assertEqual(StepDecision.objects.filter(request=request).count(), 3)
        self.assertTrue(verify(first).ok)
        with self.assertRaises(ValidationError):  # frozen
            ledger.add_measure(self.problem, acting_user=self.user("office_A"), text="新增措施")
        reopening = actions.reopen(self.problem, acting_user=self.user("office_A"), reason="群众反映问题反弹")
        self.problem.refresh_from_db()
        self.assertEqual((self.problem.status, reopening.kind), ("in_progress", "rebound"))
        self.assertTrue(self.problem.history.filter(status="signed_off").exists())

    def test_refusals(self):
        with self.assertRaises(ValidationError) as caught:
            self.request(checklist={**ALL_MET, "similar_fixed": False}, signed_by_head="")
        self.assertEqual(set(caught.exception.message_dict), {"checklist", "signed_by_head"})
        request = self.request()
        with at(date(2026, 3, 3)), self.assertRaises(ValidationError):
            actions.decide_step(request, acting_user=self.user("reviewer_A"), decision="return")  # no opinion
        with at(date(2026, 3, 3)), self.assertRaises(PermissionDenied):
            actions.decide_step(request, acting_user=self.user("unit_B1"), decision="pass")
        with at(date(2026, 3, 3)), self.assertRaises(ValidationError):
            actions.close_notice(request, acting_user=self.user("office_A"))  # not in notice yet
        with at(date(2026, 3, 3)):
            actions.decide_step(request, acting_user=self.user("reviewer_A"), decision="return", opinion="缺少监测报告")
        request.refresh_from_db()
        self.assertEqual(request.status, "returned")
        with at(date(2026, 3, 5)):
            actions.resubmit(request, acting_user=self.user("unit_A1"), report="补充了监测报告。")
        request.refresh_from_db()
        self.assertEqual((request.status, request.round, request.position), ("in_review", 2, 0))

    def test_the_requester_cannot_approve_their_own_request(self):
        system = self.user("system")  # an administrator may act on every step, but not on their own request
        with at(date(2026, 3, 2)):
            request = actions.request_acceptance(
                self.problem, acting_user=system, report="自查", signed_by_head="王五", checklist=ALL_MET
            )
        with at(date(2026, 3, 3)), self.assertRaisesMessage(ValidationError, "申请人不能审批自己的申请"):
            actions.decide_step(request, acting_user=system, decision="pass")

    def test_one_person_cannot_pass_two_consecutive_levels_unless_the_chain_allows_it(self):
        from zhenggai.acceptance.models import AcceptanceChain, ChainStep

        chain = AcceptanceChain.objects.create(name="两级验收", plan=self.problem.plan)
        for position, (name, kind, level) in enumerate(
            [("市级初验", "review", "city"), ("市级复核", "review", "city"), ("销号", "sign_off", "plan_office")]
        ):
            ChainStep.objects.create(chain=chain, position=position, name=name, kind=kind, actor_level=level)
        request = self.request()
        with at(date(2026, 3, 3)):
            actions.decide_step(request, acting_user=self.user("reviewer_A"), decision="pass")
        with at(date(2026, 3, 3)), self.assertRaisesMessage(ValidationError, "连续通过两个层级"):
            actions.decide_step(request, acting_user=self.user("reviewer_A"), decision="pass")
        chain.allow_same_person = True
        chain.save()
        with at(date(2026, 3, 3)):
            actions.decide_step(request, acting_user=self.user("reviewer_A"), decision="pass")
            actions.decide_step(request, acting_user=self.user("office_A"), decision="pass")
        request.refresh_from_db()
        self.assertEqual(request.status, "signed_off")

    def test_the_successor_takes_the_open_request_users_and_reports_keep_the_old_unit(self):
        from zhenggai.organizations import actions as org
        from zhenggai.progress.models import ProgressReport

        request = self.request()
        old, system = self.world.units["A1"], self.user("system")
        new = org.create_unit(acting_user=system, name="甲一区", level="county", parent=self.world.units["A"])
        with at(date(2026, 3, 5)):
            org.record_succession(old, new, on=date(2026, 3, 5), reason="撤县设区", acting_user=system)
        request.refresh_from_db()
        self.assertEqual(request.unit, new)
        self.user("unit_A1").refresh_from_db()
        self.assertEqual(self.user("unit_A1").unit, new)
        self.assertEqual(set(ProgressReport.objects.values_list("unit_id", flat=True)), {old.pk})
        # The county's steps are now decided by the successor's users; here the city level acts as before.
        with at(date(2026, 3, 6)):
            actions.decide_step(request, acting_user=self.user("reviewer_A"), decision="pass")
        request.refresh_from_db()
        self.assertEqual(request.status, "in_notice")

    def test_a_refused_decision_is_logged_with_who_which_request_and_why(self):
        request = self.request()
        with at(date(2026, 3, 3)), self.assertLogs("zhenggai.audit", level="WARNING") as logged:
            with self.assertRaises(ValidationError):
                actions.decide_step(request, acting_user=self.user("reviewer_A"), decision="return")
        self.assertIn(f"refused decision by reviewer_a on request {request.pk}", logged.output[0])
