"""/api/acceptance-requests/ and /api/acceptance-chains/: who reads which request, the signature fields,
deciding a step through the API, and the list's fixed query count. The clock stands at 2026-03-02 10:00
in Shanghai."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from unittest import mock
from zoneinfo import ZoneInfo

import time_machine

from zhenggai.acceptance import actions
from zhenggai.acceptance.choices import CHECKLIST
from zhenggai.acceptance.models import AcceptanceChain, ChainStep, StepDecision
from zhenggai.core.errors import ConflictError
from zhenggai.ledger.models import Problem
from zhenggai.progress import actions as progress
from zhenggai.progress.actions import ReportInput
from zhenggai.testing import ApiWorldTestCase

URL = "/api/acceptance-requests/"
CHAINS = "/api/acceptance-chains/"
NOW = datetime(2026, 3, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
ALL_MET = {key: True for key, _label in CHECKLIST}


def detail(request) -> str:
    return f"{URL}{request.pk}/"


def ask(problem, user):
    return actions.request_acceptance(
        problem, acting_user=user, report="自查完成", signed_by_head="周九", checklist=ALL_MET
    )


@time_machine.travel(NOW, tick=False)
class AcceptanceApiTestCase(ApiWorldTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        w = cls.world
        a1 = w.problems["a1"]
        progress.submit_report(
            a1,
            ReportInput(date(2026, 2, 1), date(2026, 2, 28), "全部完成", Decimal(100), claimed_status="completed"),
            acting_user=w.users["unit_A1"],
            measure=a1.measures.get(),
        )
        cls.a1 = ask(a1, w.users["unit_A1"])
        cls.a2 = ask(w.problems["a2"], w.users["unit_A2"])
        cls.b1 = ask(w.problems["b1"], w.users["unit_B1"])
        cls.signed = actions.decide_step(cls.a2, acting_user=w.users["reviewer_A"], decision="pass", opinion="同意")

    def post(self, persona: str, url: str, data: dict):
        return self.client.post(url, data, content_type="application/json", **self.auth(persona))

    def decide(self, persona: str, request, **body):
        return self.post(persona, f"{detail(request)}decide/", body)


class RequestReadTestCase(AcceptanceApiTestCase):
    def test_each_persona_lists_the_requests_on_the_problems_it_sees(self):
        a1, a2, b1 = self.a1.pk, self.a2.pk, self.b1.pk
        expected = {
            "system": {a1, a2, b1},
            "office_P": {a1, a2, b1},
            "office_A": {a1, a2},
            "reviewer_A": {a1, a2},
            "office_B": {b1},
            "unit_A1": {a1},
            "unit_A2": {a2},
            "unit_B1": {b1},
            "supervisor_Aeco": {a1},
            "no_unit": set(),
        }
        for persona, ids in expected.items():
            with self.subTest(persona=persona):
                self.assertEqual(self.list_ids(persona, URL), ids)

    def test_a_request_outside_the_callers_scope_is_404(self):
        for persona in ("unit_B1", "unit_A2", "office_B", "no_unit"):
            with self.subTest(persona=persona):
                self.assertEqual(self.get(persona, detail(self.a1)).status_code, 404)
        self.assertEqual(self.get("system", f"{URL}999999/").status_code, 404)

    def test_anonymous_callers_are_asked_to_authenticate(self):
        self.assertEqual(self.client.get(URL).status_code, 401)

    def test_the_list_shows_each_decision_with_its_hash(self):
        rows = {row["id"]: row for row in self.get("office_A", URL).json()["results"]}
        row = rows[self.a2.pk]
        self.assertEqual((row["status"], row["position"], row["waiting_step"]), ("in_notice", 1, "公示"))
        [decision] = row["decisions"]
        self.assertEqual(decision["id"], self.signed.pk)
        self.assertEqual(
            (decision["step_name"], decision["decision"], decision["opinion"]), ("市级验收", "pass", "同意")
        )
        self.assertEqual(decision["actor"]["id"], self.world.users["reviewer_A"].pk)
        self.assertEqual(decision["acting_unit"], {"id": self.world.units["A"].pk, "name": "甲市"})
        self.assertEqual((decision["content_hash"], decision["record_intact"]), (self.signed.content_hash, True))
        self.assertNotIn("verification", decision)
        self.assertEqual((rows[self.a1.pk]["decisions"], rows[self.a1.pk]["waiting_step"]), ([], "市级验收"))

    def test_the_detail_verifies_each_decision_against_todays_item(self):
        decision = self.get("office_A", detail(self.a2)).json()["decisions"][0]
        self.assertEqual(decision["verification"], {"record_intact": True, "changes": [], "ok": True})
        Problem.objects.filter(pk=self.a2.problem_id).update(title="改过的标题")
        decision = self.get("office_A", detail(self.a2)).json()["decisions"][0]
        self.assertEqual(decision["verification"], {"record_intact": True, "changes": ["problem.title"], "ok": False})

    def test_an_edited_record_is_flagged_in_the_list_and_the_detail(self):
        content = {**self.signed.frozen_content, "request": {**self.signed.frozen_content["request"], "report": "改"}}
        StepDecision.objects.filter(pk=self.signed.pk).update(frozen_content=content)
        rows = {row["id"]: row for row in self.get("office_A", URL).json()["results"]}
        self.assertFalse(rows[self.a2.pk]["decisions"][0]["record_intact"])
        verification = self.get("office_A", detail(self.a2)).json()["decisions"][0]["verification"]
        self.assertEqual((verification["record_intact"], verification["ok"]), (False, False))

    def test_filters(self):
        self.assertEqual(self.list_ids("office_A", URL, {"status": "in_notice"}), {self.a2.pk})
        self.assertEqual(self.list_ids("office_A", URL, {"problem": self.a1.problem_id}), {self.a1.pk})
        self.assertEqual(self.get("office_A", URL, {"problem": self.b1.problem_id}).status_code, 400)  # not visible
        self.assertEqual(self.get("office_A", URL, {"status": "bogus"}).status_code, 400)

    def test_requests_are_not_edited_through_the_api(self):
        for method in ("put", "patch", "delete"):
            with self.subTest(method=method):
                response = getattr(self.client, method)(detail(self.a1), {}, **self.auth("system"))
                self.assertEqual(response.status_code, 405)
        self.assertEqual(self.post("system", URL, {}).status_code, 405)


class RequestListQueryCountTestCase(AcceptanceApiTestCase):
    URL = URL
    # The token with its user (1) + count (1) + rows with chain, unit and requester (1) + prefetched chain
    # steps, decisions (with step, actor, acting unit) and attachments (3). A scoped user's scope adds the
    # user's unit (1), and a unit user's also its predecessors and its collectives (2).
    LIST_QUERIES = {"system": 6, "office_A": 7, "unit_A1": 9}

    def test_the_list_costs_the_same_number_of_queries_however_many_rows(self):
        before = self.assert_list_queries()
        w = self.world
        for key in ("a1dept", "coll"):
            ask(w.problems[key], w.users["system"])
        actions.decide_step(self.a1, acting_user=w.users["reviewer_A"], decision="return", opinion="补充材料")
        after = self.assert_list_queries()
        self.assertEqual((before["system"], after["system"]), (3, 5))
        self.assertEqual((before["unit_A1"], after["unit_A1"]), (1, 2))  # coll through its collective


class DecideTestCase(AcceptanceApiTestCase):
    def test_the_reviewer_passes_the_step_and_gets_the_request_back(self):
        response = self.decide("reviewer_A", self.a1, decision="pass", opinion="现场核查通过")
        self.assertEqual(response.status_code, 200, response.content)
        data = response.json()
        self.assertEqual((data["status"], data["position"], data["waiting_step"]), ("in_notice", 1, "公示"))
        [decision] = data["decisions"]
        self.assertEqual((decision["opinion"], decision["verification"]["ok"]), ("现场核查通过", True))
        self.assertEqual(StepDecision.objects.get(request=self.a1).actor, self.world.users["reviewer_A"])

    def test_a_return_needs_an_opinion(self):
        response = self.decide("reviewer_A", self.a1, decision="return")
        self.assertEqual(response.status_code, 400)
        self.assertIn("opinion", response.json())
        self.assertEqual(self.decide("reviewer_A", self.a1, decision="maybe").status_code, 400)
        self.assertFalse(StepDecision.objects.filter(request=self.a1).exists())

    def test_a_step_that_is_not_the_callers_is_403_and_an_invisible_request_404(self):
        for persona in ("unit_A1", "supervisor_Aeco", "office_P"):  # they see a1; the city reviews it
            with self.subTest(persona=persona):
                self.assertEqual(self.decide(persona, self.a1, decision="pass").status_code, 403)
        for persona in ("unit_B1", "office_B"):
            with self.subTest(persona=persona):
                self.assertEqual(self.decide(persona, self.a1, decision="pass").status_code, 404)

    def test_a_request_no_longer_waiting_for_a_decision_is_400(self):
        response = self.decide("office_A", self.a2, decision="pass")  # in public notice
        self.assertEqual(response.status_code, 400)
        self.assertIn("non_field_errors", response.json())

    def test_a_lost_race_is_409(self):
        lost = ConflictError("someone was first")
        with mock.patch.object(actions, "decide_step", side_effect=lost):
            response = self.decide("reviewer_A", self.a1, decision="pass")
        self.assertEqual(response.status_code, 409)


class ChainTestCase(AcceptanceApiTestCase):
    def test_the_default_chains_and_those_of_visible_plans(self):
        plan_chain = AcceptanceChain.objects.create(name="甲市专用流程", plan=self.world.plans["A"])
        ChainStep.objects.create(chain=plan_chain, position=0, name="市级验收", kind="review", actor_level="city")
        defaults = set(AcceptanceChain.objects.filter(plan=None).values_list("pk", flat=True))
        self.assertEqual(len(defaults), 6)  # three levels, for problems and for complaint cases
        self.assertEqual(self.list_ids("office_A", CHAINS), defaults | {plan_chain.pk})
        self.assertEqual(self.list_ids("office_B", CHAINS), defaults)
        self.assertEqual(self.get("office_B", f"{CHAINS}{plan_chain.pk}/").status_code, 404)
        city = self.get("unit_A1", f"{CHAINS}{self.a1.chain_id}/").json()
        self.assertEqual([step["name"] for step in city["steps"]], ["市级验收", "公示", "省级备案销号"])
        self.assertEqual((city["plan_level"], city["subject"]), ("city", "problem"))

    def test_chains_are_read_only(self):
        self.assertEqual(self.post("system", CHAINS, {"name": "新流程"}).status_code, 405)
