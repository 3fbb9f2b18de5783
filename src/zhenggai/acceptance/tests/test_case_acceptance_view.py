"""The pages of a complaint case's acceptance: the case's acceptance page, asking for acceptance, deciding,
the inbox and the API, per persona (the cases world: ``land`` in 甲市, batch handed to 甲省)."""

from __future__ import annotations

import re
from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhenggai.acceptance import actions
from zhenggai.acceptance.models import AcceptanceRequest
from zhenggai.acceptance.tests.test_case_acceptance import ALL_MET, CaseAcceptanceTestCase
from zhenggai.cases import actions as cases
from zhenggai.cases.tests.world import EXPECTED
from zhenggai.testing import frozen_at as at


class CaseAcceptancePageTests(CaseAcceptanceTestCase):
    def url(self, key: str = "land") -> str:
        return reverse("acceptance:case", args=[self.cases[key].pk])

    def get(self, persona: str, url: str):
        self.client.force_login(self.user(persona))
        return self.client.get(url)

    def test_everyone_who_sees_the_case_sees_its_acceptance_others_404(self):
        for persona, seen in EXPECTED.items():
            with self.subTest(persona=persona):
                self.assertEqual(self.get(persona, self.url()).status_code, 200 if "land" in seen else 404)
        self.client.logout()
        self.assertEqual(self.client.get(self.url()).status_code, 302)

    def test_the_page_shows_the_case_chain_and_offers_the_request_to_the_unit_only(self):
        page = self.get("unit_Anat", self.url())
        self.assertEqual([s.name for s in page.context["steps"]], ["市级验收", "办结公示", "销号"])
        self.assertTrue(page.context["can_request"])
        self.assertContains(page, reverse("acceptance:case_request_new", args=[self.cases["land"].pk]))
        for persona in ("office_A", "office_P", "reviewer_A"):
            with self.subTest(persona=persona):
                self.assertFalse(self.get(persona, self.url()).context["can_request"])

    def test_the_unit_asks_through_the_form(self):
        url = reverse("acceptance:case_request_new", args=[self.cases["land"].pk])
        self.assertEqual(self.get("unit_Anat", url).status_code, 200)
        self.assertEqual(self.get("reviewer_A", url).status_code, 403)
        self.assertEqual(self.get("unit_B1", url).status_code, 404)
        data = {"report": "自查：已办结。", "signed_by_head": "王五", "checklist": list(ALL_MET)}
        self.client.force_login(self.user("unit_Anat"))
        with at(date(2026, 3, 2)):
            response = self.client.post(url, data)
        self.assertRedirects(response, f"{self.url()}#requests", fetch_redirect_response=False)
        request = AcceptanceRequest.objects.get(case=self.cases["land"])
        self.assertEqual(request.chain.plan_level, "city")
        # asked once: the form now sends the unit back to the page
        self.assertRedirects(self.get("unit_Anat", url), self.url(), fetch_redirect_response=False)

    def test_a_case_still_being_handled_cannot_be_asked_for(self):
        url = reverse("acceptance:case_request_new", args=[self.cases["co"].pk])
        self.client.force_login(self.user("unit_A1"))
        data = {"report": "自查", "signed_by_head": "王五", "checklist": list(ALL_MET)}
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 200)  # the form again, with the action's refusal
        self.assertFalse(AcceptanceRequest.objects.exists())

    def test_the_city_decides_on_the_decide_page_and_the_case_page_shows_the_signed_decision(self):
        request = self.request()
        decide = reverse("acceptance:decide", args=[request.pk])
        for persona, expected in {"unit_Anat": 403, "office_P": 403, "unit_B1": 404, "reviewer_A": 200}.items():
            with self.subTest(persona=persona):
                self.assertEqual(self.get(persona, decide).status_code, expected)
        with at(date(2026, 3, 3)):
            response = self.client.post(decide, {"decision": "pass", "opinion": "属实，已整改"})
        self.assertRedirects(response, f"{self.url()}#request-{request.pk}", fetch_redirect_response=False)
        page = self.get("office_P", self.url())
        self.assertEqual(page.context["tampered_count"], 0)
        self.assertContains(page, 'data-verified="intact"')
        self.assertContains(page, "属实，已整改")

    def test_the_case_detail_page_links_to_its_acceptance(self):
        self.request()
        page = self.get("unit_Anat", reverse("cases:case_detail", args=[self.cases["land"].pk]))
        self.assertContains(page, self.url())
        self.assertContains(page, 'data-testid="case-acceptance-request" data-status="in_review"')
        self.assertIsNone(page.context["handling_form"])  # the handling waits while under acceptance

    def test_queries_do_not_grow_with_rounds(self):
        request = self.request()
        with at(date(2026, 3, 3)):
            actions.decide_step(request, acting_user=self.user("reviewer_A"), decision="return", opinion="补照片")
            actions.resubmit(request, acting_user=self.user("unit_Anat"), report="已补")
            actions.decide_step(request, acting_user=self.user("reviewer_A"), decision="pass")
        self.client.force_login(self.user("office_P"))
        # 1 session, 2 user, 3 the user's unit, 4 the case with batch, jurisdiction and region, 5 the chain of
        # its level, 6 its requests with chain, requester and unit, 7 the chains' steps, 8 decisions with step,
        # actor and unit, 9 attachments, 10 notices, 11 their objections, 12 the case's assignments, 13 is the
        # user the office (manages the batch), 14 the chain's steps for the page
        with self.assertNumQueries(14):
            self.assertEqual(self.client.get(self.url()).status_code, 200)


class CaseInboxAndApiTests(CaseAcceptanceTestCase):
    def rows(self, persona: str, testid: str, attr: str = "request") -> list[int]:
        self.client.force_login(self.user(persona))
        html = self.client.get(reverse("acceptance:inbox")).content.decode()
        return [int(pk) for pk in re.findall(rf'data-testid="{testid}" data-{attr}="(\d+)"', html)]

    def test_the_inbox_lists_case_steps_notices_and_objections_for_whom_they_wait(self):
        request = self.request()
        self.assertEqual(self.rows("reviewer_A", "to-decide-row"), [request.pk])
        self.assertEqual(self.rows("office_B", "to-decide-row"), [])
        self.assertEqual(self.rows("unit_Anat", "own-row"), [request.pk])
        with at(date(2026, 3, 3)):
            actions.decide_step(request, acting_user=self.user("reviewer_A"), decision="pass")
            objection = actions.file_objection(request.notices.get(), name="李四", contact="138", text="仍有噪声")
        self.assertEqual(self.rows("office_P", "objection-row", "objection"), [objection.pk])
        self.assertEqual(self.rows("office_A", "objection-row", "objection"), [])  # not the batch's office
        self.client.force_login(self.user("office_P"))
        self.assertContains(self.client.get(reverse("acceptance:inbox")), self.cases["land"].number)

    def test_the_api_lists_case_requests_to_those_who_see_the_case(self):
        request = self.request()
        api = "/api/acceptance-requests/"
        self.client.force_login(self.user("office_A"))
        rows = self.client.get(api, {"case": self.cases["land"].pk}).json()["results"]
        self.assertEqual(
            [(r["id"], r["case"], r["problem"]) for r in rows], [(request.pk, self.cases["land"].pk, None)]
        )
        self.client.force_login(self.user("office_B"))
        self.assertEqual(self.client.get(api, {"case": self.cases["land"].pk}).status_code, 400)  # not visible
        self.assertEqual(self.client.get(f"{api}{request.pk}/").status_code, 404)


class CaseInboxQueryTests(CaseAcceptanceTestCase):
    def test_the_inbox_costs_the_same_for_one_or_many_case_requests_at_the_office_step(self):
        """Requests waiting at 销号 (the batch's office decides): the office check is read once."""
        closed = {"findings": "true", "status": "closed", "handling": "已整改"}
        requests = []
        for key, persona in (("co", "unit_A1"), ("coll", "unit_A1")):
            cases.record_handling(
                self.cases[key], acting_user=self.user("office_P"), expected_version=None, changes=closed
            )
            requests.append(self.request(key, persona))
        requests.append(self.request("land"))
        self.client.force_login(self.user("office_P"))
        url = reverse("acceptance:inbox")

        def to_sign_off(request):
            request.refresh_from_db()
            AcceptanceRequest.objects.filter(pk=request.pk).update(position=request.chain.steps.count() - 1)

        to_sign_off(requests[0])
        with CaptureQueriesContext(connection) as one:
            self.client.get(url)
        for request in requests[1:]:
            to_sign_off(request)
        with CaptureQueriesContext(connection) as three:
            response = self.client.get(url)
        self.assertEqual(len(re.findall('data-testid="to-decide-row"', response.content.decode())), 3)
        self.assertEqual(len(three), len(one))
