"""Complaint cases (信访件) go through the same acceptance machinery as problems: the case chain of the
level of the case's home, signed step decisions, 办结公示 with objections, and sign-off.

The cases world (``cases.tests.world``): one batch handed to 甲省; ``land`` lives in 甲市 (city chain:
市级验收 → 办结公示 → 销号), ``a1`` and ``co`` in 甲一县 (county chain: 县级初验 → 市级审核 → 办结公示 → 销号).
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from zhenggai.acceptance import actions
from zhenggai.acceptance.choices import CHECKLIST, RequestStatus, SubjectKind
from zhenggai.acceptance.models import AcceptanceChain, AcceptanceRequest, StepDecision
from zhenggai.acceptance.signatures import verify
from zhenggai.acceptance.subjects import subject_for
from zhenggai.accounts.choices import Role
from zhenggai.cases import actions as cases
from zhenggai.cases.choices import CaseStatus, Findings
from zhenggai.cases.models import Case
from zhenggai.cases.tests.world import CasesWorldTestCase
from zhenggai.core.errors import ConflictError
from zhenggai.portal.models import PublishedItem
from zhenggai.testing import _user
from zhenggai.testing import frozen_at as at

ALL_MET = {key: True for key, _label in CHECKLIST}


class CaseAcceptanceTestCase(CasesWorldTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.office_A1 = _user("office_a1", Role.OFFICE, cls.world.units["A1"])  # the county's own office
        closed = {"findings": Findings.TRUE, "status": CaseStatus.CLOSED, "handling": "已责令整改并复查"}
        for key in ("land", "a1"):
            cases.record_handling(
                cls.cases[key], acting_user=cls.world.users["office_P"], expected_version=None, changes=closed
            )

    def user(self, key: str):
        return self.world.users[key]

    def request(self, key: str = "land", persona: str = "unit_Anat", **overrides) -> AcceptanceRequest:
        values = {"report": "自查：已办结，群众满意。", "signed_by_head": "王五", "checklist": ALL_MET} | overrides
        with at(date(2026, 3, 2)):
            return actions.request_acceptance(self.cases[key], acting_user=self.user(persona), **values)


class ChainChoiceTests(CaseAcceptanceTestCase):
    def test_the_chain_is_the_case_chain_of_the_level_of_the_cases_home(self):
        land, a1 = subject_for(self.cases["land"]), subject_for(self.cases["a1"])
        self.assertEqual((land.jurisdiction, land.chain().plan_level), (self.world.units["A"], "city"))
        self.assertEqual((a1.jurisdiction, a1.chain().plan_level), (self.world.units["A1"], "county"))
        self.assertEqual({land.chain().subject, a1.chain().subject}, {SubjectKind.CASE})
        self.assertEqual(
            [s.name for s in a1.chain().steps.order_by("position")], ["县级初验", "市级审核", "办结公示", "销号"]
        )

    def test_a_case_without_a_region_takes_its_batchs_jurisdiction(self):
        case = self.cases["b1"]
        Case.objects.filter(pk=case.pk).update(region=None)
        case.refresh_from_db()
        subject = subject_for(case)
        self.assertEqual((subject.jurisdiction, subject.chain().plan_level), (self.world.units["P"], "province"))

    def test_without_a_case_chain_the_request_is_refused(self):
        AcceptanceChain.objects.filter(subject=SubjectKind.CASE, plan_level="city").delete()
        with self.assertRaises(ValidationError):
            self.request()
        self.assertFalse(AcceptanceRequest.objects.exists())


class RequestTests(CaseAcceptanceTestCase):
    def test_only_a_closed_case_with_findings_is_put_to_acceptance(self):
        with self.assertRaises(ValidationError) as raised:
            self.request("co", "unit_A1")  # still being handled
        self.assertIn("case", raised.exception.message_dict)

    def test_only_those_who_handle_the_case_ask(self):
        for persona in ("unit_B1", "reviewer_A", "supervisor_Aeco"):
            with self.subTest(persona=persona), self.assertRaises(PermissionDenied):
                self.request(persona=persona)

    def test_the_self_check_must_be_complete(self):
        with self.assertRaises(ValidationError) as raised:
            self.request(report=" ", signed_by_head="", checklist={})
        self.assertEqual(set(raised.exception.message_dict), {"report", "signed_by_head", "checklist"})

    def test_one_open_request_per_case(self):
        self.request()
        with self.assertRaises(ConflictError):  # the unique constraint on open requests
            self.request()
        self.assertEqual(AcceptanceRequest.objects.filter(case=self.cases["land"]).count(), 1)

    def test_the_handling_waits_while_the_case_is_under_acceptance_and_frees_on_a_return(self):
        request = self.request()
        change = {"handling": "补充说明"}
        with self.assertRaises(ValidationError):
            cases.record_handling(
                self.cases["land"], acting_user=self.user("office_A"), expected_version=None, changes=change
            )
        with at(date(2026, 3, 3)):
            actions.decide_step(request, acting_user=self.user("office_A"), decision="return", opinion="缺现场照片")
        cases.record_handling(
            self.cases["land"], acting_user=self.user("office_A"), expected_version=None, changes=change
        )
        self.cases["land"].refresh_from_db()
        self.assertEqual(self.cases["land"].handling, "补充说明")


class WholeChainTests(CaseAcceptanceTestCase):
    def test_the_city_chain_with_notice_objection_and_sign_off(self):
        request = self.request()
        self.assertEqual((request.case, request.problem, request.chain.plan_level), (self.cases["land"], None, "city"))
        with at(date(2026, 3, 3)), self.assertRaises(PermissionDenied):
            actions.decide_step(request, acting_user=self.user("office_B"), decision="pass")
        with at(date(2026, 3, 3)), self.captureOnCommitCallbacks(execute=True):
            first = actions.decide_step(request, acting_user=self.user("reviewer_A"), decision="pass", opinion="属实")
        request.refresh_from_db()
        self.assertEqual((request.status, request.position), (RequestStatus.IN_NOTICE, 1))
        notice = request.notices.get()
        self.assertIn(self.cases["land"].number, notice.text)
        self.assertEqual((notice.starts_on, notice.ends_on), (date(2026, 3, 3), date(2026, 3, 9)))
        published = PublishedItem.objects.get(key=f"notice:{notice.pk}")  # on the portal while it runs
        self.assertIn(self.cases["land"].number, published.title)
        with at(date(2026, 3, 4)):
            objection = actions.file_objection(notice, name="李四", contact="13800000000", text="仍在夜间施工。")
        for persona in ("office_B", "office_A"):  # the city handled and reviewed it; the province received it
            with self.subTest(persona=persona), at(date(2026, 3, 5)), self.assertRaises(PermissionDenied):
                actions.handle_objection(objection, acting_user=self.user(persona), uphold=False, note="-")
        with at(date(2026, 3, 10)):
            actions.handle_objection(objection, acting_user=self.user("office_P"), uphold=False, note="复查已停工。")
            with self.captureOnCommitCallbacks(execute=True):
                actions.close_notice(request, acting_user=self.user("office_P"))
        published.refresh_from_db()
        self.assertIsNotNone(published.withdrawn_at)
        with at(date(2026, 3, 11)):
            actions.decide_step(request, acting_user=self.user("office_P"), decision="pass", opinion="同意销号")
        request.refresh_from_db()
        case = Case.objects.get(pk=self.cases["land"].pk)
        self.assertEqual((request.status, case.status), (RequestStatus.SIGNED_OFF, CaseStatus.SIGNED_OFF))
        self.assertTrue(case.history.filter(history_change_reason=f"acceptance {request.pk}").exists())
        self.assertEqual(StepDecision.objects.filter(request=request).count(), 3)
        self.assertTrue(verify(first).ok)
        self.assertEqual(first.frozen_content["case"]["handling"], "已责令整改并复查")
        self.assertEqual(first.frozen_content["units"], [[self.world.units["Aland"].pk, "1.0000"]])

    def test_the_county_chain_is_decided_level_by_level(self):
        request = self.request("a1", "unit_A1")
        with at(date(2026, 3, 3)), self.assertRaises(PermissionDenied):
            actions.decide_step(request, acting_user=self.user("office_A"), decision="pass")  # the county's step
        with at(date(2026, 3, 3)):
            actions.decide_step(request, acting_user=self.office_A1, decision="pass", opinion="县级初验通过")
            decision = actions.decide_step(request, acting_user=self.user("reviewer_A"), decision="pass")
        self.assertEqual(decision.acting_unit, self.world.units["A"])
        request.refresh_from_db()
        self.assertEqual(request.status, RequestStatus.IN_NOTICE)
        for user in (self.office_A1, self.user("office_A")):  # the office is the one that received the batch
            with self.subTest(user=user.username), at(date(2026, 3, 10)), self.assertRaises(PermissionDenied):
                actions.close_notice(request, acting_user=user)
        with at(date(2026, 3, 10)):
            actions.close_notice(request, acting_user=self.user("office_P"))
            actions.decide_step(request, acting_user=self.user("office_P"), decision="pass")
        self.cases["a1"].refresh_from_db()
        self.assertEqual(self.cases["a1"].status, CaseStatus.SIGNED_OFF)

    def test_an_upheld_objection_returns_the_request_and_the_unit_resubmits(self):
        request = self.request()
        with at(date(2026, 3, 3)):
            actions.decide_step(request, acting_user=self.user("reviewer_A"), decision="pass")
            objection = actions.file_objection(
                request.notices.get(), name="赵六", contact="z@example.cn", text="未整改"
            )
            actions.handle_objection(objection, acting_user=self.user("office_P"), uphold=True, note="复查属实")
        request.refresh_from_db()
        self.assertEqual(request.status, RequestStatus.RETURNED)
        with at(date(2026, 3, 5)):
            actions.resubmit(request, acting_user=self.user("unit_Anat"), report="已彻底整改")
        request.refresh_from_db()
        self.assertEqual((request.status, request.round, request.position), (RequestStatus.IN_REVIEW, 2, 0))

    def test_a_change_to_the_case_after_signing_shows_in_the_verification(self):
        request = self.request()
        with at(date(2026, 3, 3)):
            decision = actions.decide_step(request, acting_user=self.user("reviewer_A"), decision="pass")
        Case.objects.filter(pk=self.cases["land"].pk).update(handling="事后改写", fine_amount=9)
        result = verify(decision)
        self.assertTrue(result.record_intact)
        self.assertEqual(set(result.changes), {"case.handling", "case.fine_amount"})

    def test_two_reviewers_at_once_cannot_both_decide(self):
        request = self.request()
        with at(date(2026, 3, 3)):
            actions.decide_step(request, acting_user=self.user("reviewer_A"), decision="return", opinion="补材料")
            with self.assertRaises((ValidationError, ConflictError)):
                actions.decide_step(request, acting_user=self.user("office_A"), decision="pass")
        self.assertEqual(StepDecision.objects.filter(request=request).count(), 1)


class UnitsWaitTests(CaseAcceptanceTestCase):
    def test_the_units_wait_while_the_case_is_under_acceptance(self):
        self.request()
        with translation.override("en"), self.assertRaisesMessage(ValidationError, "under acceptance"):
            cases.set_case_units(
                self.cases["land"],
                [self.world.units["Anat"]],
                acting_user=self.user("office_P"),
                expected_version=None,
            )


class ReviewFixTests(CaseAcceptanceTestCase):
    def test_the_public_notice_names_the_case_by_number_region_and_types_only(self):
        land = self.cases["land"]
        request = self.request()
        with at(date(2026, 3, 3)), self.captureOnCommitCallbacks(execute=True):
            actions.decide_step(request, acting_user=self.user("reviewer_A"), decision="pass")
        notice = request.notices.get()
        published = PublishedItem.objects.get(key=f"notice:{notice.pk}")
        public = " ".join([notice.text, published.title, str(published.versions.get().payload)])
        self.assertIn(land.number, public)
        self.assertIn("甲市", public)
        for secret in (land.reported_party, land.content[:6]):
            self.assertNotIn(secret, public)

    def test_a_return_then_a_corrected_case_leaves_the_first_rounds_signature_intact(self):
        request = self.request()
        with at(date(2026, 3, 3)):
            first = actions.decide_step(request, acting_user=self.user("reviewer_A"), decision="return", opinion="补")
        land = self.cases["land"]
        cases.record_handling(
            land, acting_user=self.user("office_A"), expected_version=None, changes={"handling": "补"}
        )
        with at(date(2026, 3, 4)):
            actions.resubmit(request, acting_user=self.user("unit_Anat"), report="已补充")
        self.assertTrue(verify(first).ok, verify(first).changes)
        with at(date(2026, 3, 5)):
            second = actions.decide_step(request, acting_user=self.user("reviewer_A"), decision="pass")
        Case.objects.filter(pk=land.pk).update(handling="再改")  # within the round signed: shown
        self.assertEqual(verify(second).changes, ["case.handling"])

    def test_a_case_in_a_township_takes_its_countys_chain(self):
        from zhenggai.organizations import actions as org

        town = org.create_unit(
            acting_user=self.user("system"), name="甲一镇", level="township", parent=self.world.units["A1"]
        )
        case = self.cases["a1"]
        Case.objects.filter(pk=case.pk).update(region=town)
        case.refresh_from_db()
        subject = subject_for(case)
        self.assertEqual((subject.jurisdiction, subject.chain().plan_level), (self.world.units["A1"], "county"))

    def test_the_office_named_on_the_page_is_the_batchs(self):
        subject = subject_for(self.cases["a1"])
        self.assertEqual((subject.office_unit, subject.jurisdiction), (self.world.units["P"], self.world.units["A1"]))
        self.client.force_login(self.user("office_P"))
        page = self.client.get(subject.url())
        self.assertContains(page, f": {self.world.units['P']})")  # "(…office: 甲省)" beside 办结公示 and 销号

    def test_verify_signatures_takes_a_case(self):
        from io import StringIO

        from django.core.management import call_command

        request = self.request()
        with at(date(2026, 3, 3)):
            actions.decide_step(request, acting_user=self.user("reviewer_A"), decision="pass")
        out = StringIO()
        call_command("verify_signatures", "--case", str(self.cases["land"].pk), "--verbose", stdout=out)
        self.assertIn(f"case {self.cases['land'].pk} round 1", out.getvalue())
        self.assertIn("1 decisions checked: 1 verified", out.getvalue())

    def test_only_the_batchs_office_publishes_a_case_notice_by_hand(self):
        from zhenggai.portal import actions as portal

        request = self.request()
        with at(date(2026, 3, 3)):
            actions.decide_step(request, acting_user=self.user("reviewer_A"), decision="pass")  # no on_commit run
            notice = request.notices.get()
            with self.assertRaises(PermissionDenied):  # the city handled the case; the province received it
                portal.publish_notice(notice, acting_user=self.user("office_A"))
            item = portal.publish_notice(notice, acting_user=self.user("office_P"))
        self.assertEqual(item.jurisdiction, self.world.units["P"])
