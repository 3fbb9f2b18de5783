"""Django admin of acceptance: chains are configured here; requests, decisions, notices, reopenings and
campaigns are only looked at, and each decision's signature is checked in its list."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import time_machine
from django.test import TestCase
from django.urls import reverse

from zhenggai.acceptance import actions
from zhenggai.acceptance.campaigns import create_campaign, record_finding
from zhenggai.acceptance.choices import CHECKLIST
from zhenggai.acceptance.models import AcceptanceChain, StepDecision
from zhenggai.ledger import actions as ledger
from zhenggai.progress import actions as progress
from zhenggai.progress.actions import ReportInput
from zhenggai.testing import build_world

SHANGHAI = ZoneInfo("Asia/Shanghai")

MODELS = (
    "acceptancechain",
    "acceptancerequest",
    "stepdecision",
    "publicnotice",
    "objection",
    "reopening",
    "lookbackcampaign",
    "lookbackfinding",
)


def at(day: int):
    return time_machine.travel(datetime(2026, 3, day, 10, tzinfo=SHANGHAI), tick=False)


class AcceptanceAdminTestCase(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()
        users = cls.world.users
        problem = cls.world.problems["a1"]
        with at(2):
            progress.submit_report(
                problem,
                ReportInput(date(2026, 2, 1), date(2026, 2, 28), "完成", Decimal(100), claimed_status="completed"),
                acting_user=users["unit_A1"],
                measure=problem.measures.get(),
            )
            cls.request = actions.request_acceptance(
                problem,
                acting_user=users["unit_A1"],
                report="自查报告",
                signed_by_head="钱七",
                checklist={key: True for key, _label in CHECKLIST},
            )
        with at(3):
            cls.decision = actions.decide_step(cls.request, acting_user=users["reviewer_A"], decision="pass")
            notice = cls.request.notices.get()
            actions.file_objection(notice, name="孙八", contact="13900000000", text="河道仍有异味。")
        ledger.sign_off_problem(cls.world.problems["a2"], acting_user=users["system"], reason="setup")
        with at(4):
            campaign = create_campaign(
                acting_user=users["office_A"], name="春季回头看", jurisdiction=cls.world.units["A"]
            )
            finding = campaign.findings.get(problem=cls.world.problems["a2"])
            record_finding(finding, acting_user=users["office_A"], result="failed", text="复查发现反弹")

    def setUp(self) -> None:
        self.client.force_login(self.world.users["system"])

    def test_every_changelist_opens_with_rows(self):
        for model in MODELS:
            with self.subTest(model=model):
                response = self.client.get(reverse(f"admin:acceptance_{model}_changelist"))
                self.assertEqual(response.status_code, 200)
                self.assertGreaterEqual(response.context["cl"].result_count, 1)

    def test_every_change_page_opens(self):
        for model in MODELS:
            changelist = self.client.get(reverse(f"admin:acceptance_{model}_changelist"))
            pk = changelist.context["cl"].result_list[0].pk
            with self.subTest(model=model):
                self.assertEqual(
                    self.client.get(reverse(f"admin:acceptance_{model}_change", args=[pk])).status_code, 200
                )

    def test_the_decision_list_shows_whether_each_signature_verifies(self):
        url = reverse("admin:acceptance_stepdecision_changelist")
        response = self.client.get(url)
        self.assertContains(response, self.decision.content_hash[:12])
        self.assertContains(response, "✓")
        content = dict(self.decision.frozen_content, tampered=True)
        StepDecision.objects.filter(pk=self.decision.pk).update(frozen_content=content)
        self.assertContains(self.client.get(url), "✗")

    def test_signed_records_cannot_be_added_changed_or_deleted(self):
        for model in MODELS[1:]:
            with self.subTest(model=model):
                self.assertEqual(self.client.get(reverse(f"admin:acceptance_{model}_add")).status_code, 403)
        url = reverse("admin:acceptance_stepdecision_change", args=[self.decision.pk])
        self.assertNotContains(self.client.get(url), 'name="_save"')
        self.assertEqual(self.client.post(url, {"opinion": "改写"}).status_code, 403)
        delete = reverse("admin:acceptance_stepdecision_delete", args=[self.decision.pk])
        self.assertEqual(self.client.post(delete, {"post": "yes"}).status_code, 403)

    def post_chain(self, chain, notice_workdays: int, rename_first_step: str):
        steps = list(chain.steps.order_by("position"))
        data = {
            "name": chain.name,
            "subject": chain.subject,
            "plan_level": chain.plan_level,
            "plan": "",
            "notice_workdays": str(notice_workdays),
            "steps-TOTAL_FORMS": str(len(steps)),
            "steps-INITIAL_FORMS": str(len(steps)),
            "steps-MIN_NUM_FORMS": "0",
            "steps-MAX_NUM_FORMS": "1000",
        }
        for index, step in enumerate(steps):
            data |= {
                f"steps-{index}-id": str(step.pk),
                f"steps-{index}-chain": str(chain.pk),
                f"steps-{index}-position": str(step.position),
                f"steps-{index}-name": rename_first_step if index == 0 else step.name,
                f"steps-{index}-kind": step.kind,
                f"steps-{index}-actor_level": step.actor_level,
            }
        url = reverse("admin:acceptance_acceptancechain_change", args=[chain.pk])
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302, response.context and response.context.get("errors"))
        chain.refresh_from_db()

    def test_a_chain_is_edited_with_its_steps_and_keeps_its_history(self):
        chain = AcceptanceChain.objects.get(plan=None, subject="problem", plan_level="province")
        self.post_chain(chain, 7, "省级现场验收")
        self.assertEqual(chain.notice_workdays, 7)
        self.assertEqual(chain.steps.get(position=0).name, "省级现场验收")
        latest = chain.history.first()
        self.assertEqual((latest.notice_workdays, latest.history_user), (7, self.world.users["system"]))
        history = reverse("admin:acceptance_acceptancechain_history", args=[chain.pk])
        self.assertEqual(self.client.get(history).status_code, 200)

    def test_the_steps_of_a_chain_in_use_are_locked(self):
        chain = AcceptanceChain.objects.get(pk=self.request.chain_id)  # the request is in public notice
        page = self.client.get(reverse("admin:acceptance_acceptancechain_change", args=[chain.pk]))
        self.assertNotContains(page, 'name="steps-0-name"')
        self.post_chain(chain, 6, "改名的步骤")
        self.assertEqual(chain.notice_workdays, 6)
        self.assertEqual(chain.steps.get(position=0).name, "市级验收")

    def test_other_users_are_sent_to_the_login(self):
        self.client.force_login(self.world.users["office_A"])
        response = self.client.get(reverse("admin:acceptance_stepdecision_changelist"))
        self.assertEqual(response.status_code, 302)
