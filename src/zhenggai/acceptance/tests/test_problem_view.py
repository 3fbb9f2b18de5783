"""The problem's acceptance page: who sees it, what it shows, the buttons each reader gets, signature
checks (and tampering), and a query count that does not grow with rounds and decisions."""

from __future__ import annotations

import re
from datetime import date

from django.urls import reverse

from zhenggai.acceptance import actions, signatures
from zhenggai.acceptance.models import AcceptanceAttachment, StepDecision
from zhenggai.acceptance.tests.view_world import (
    ALL_MET,
    CLOSED,
    SIGNED,
    AcceptanceViewTestCase,
    at,
    pdf_upload,
)
from zhenggai.acceptance.views.verification import current_content
from zhenggai.ledger.models import Problem
from zhenggai.progress import actions as progress
from zhenggai.progress.actions import ReportInput
from zhenggai.progress.models import Evidence


def count_testid(response, name: str) -> int:
    return len(re.findall(rf'data-testid="{name}"', response.content.decode()))


def attr_values(response, testid: str, attr: str) -> list[str]:
    pattern = rf'data-testid="{testid}"[^>]*?data-{attr}="([^"]*)"'
    return re.findall(pattern, response.content.decode())


class ProblemPageAccessTestCase(AcceptanceViewTestCase):
    def test_everyone_who_sees_the_problem_sees_the_page(self):
        self.ask()
        self.assert_personas(
            self.page_url(),
            {
                "office_A": 200,
                "office_P": 200,
                "reviewer_A": 200,
                "unit_A1": 200,
                "supervisor_Aeco": 200,
                "unit_B1": 404,
            },
        )

    def test_an_unknown_problem_is_a_404(self):
        self.login("system")
        self.assertEqual(self.client.get(reverse("acceptance:problem", args=[99999])).status_code, 404)

    def test_the_ledger_page_links_here_and_the_menu_links_the_inbox(self):
        self.login("unit_A1")
        body = self.client.get(reverse("ledger:problem_detail", args=[self.problem.pk])).content.decode()
        self.assertIn('data-testid="acceptance-link"', body)
        self.assertIn(self.page_url(), body)
        self.assertIn('data-testid="nav-acceptance"', body)
        self.assertIn(reverse("acceptance:inbox"), body)


class ProblemPageButtonsTestCase(AcceptanceViewTestCase):
    def buttons(self, persona: str) -> set[str]:
        self.client.force_login(self.user(persona))
        response = self.client.get(self.page_url())
        self.assertEqual(response.status_code, 200)
        names = ("request-new", "decide", "close-notice", "resubmit", "reopen", "objection-handle")
        return {name for name in names if count_testid(response, name)}

    def test_before_any_request_only_the_unit_may_ask(self):
        self.assertEqual(self.buttons("unit_A1"), {"request-new"})
        for persona in ("office_A", "office_P", "reviewer_A", "supervisor_Aeco"):
            with self.subTest(persona=persona):
                self.assertEqual(self.buttons(persona), set())

    def test_the_city_step_is_decided_by_the_city(self):
        self.ask()
        for persona, expected in {
            "office_A": {"decide"},
            "reviewer_A": {"decide"},
            "office_P": set(),
            "unit_A1": set(),  # a request is under way: no second one
            "supervisor_Aeco": set(),
        }.items():
            with self.subTest(persona=persona):
                self.assertEqual(self.buttons(persona), expected)

    def test_a_returned_request_offers_resubmission_to_the_unit(self):
        self.city(self.ask(), "return", "缺少照片")
        self.assertEqual(self.buttons("unit_A1"), {"resubmit"})
        self.assertEqual(self.buttons("office_A"), set())

    def test_during_the_notice_the_office_rules_on_objections_and_closes_after_the_window(self):
        request = self.ask()
        self.city(request)
        objection = self.object_to(request)
        self.assertEqual(self.buttons("office_A"), {"objection-handle"})  # window running, objection open
        self.assertEqual(self.buttons("reviewer_A"), set())
        self.dismiss(objection)
        with at(CLOSED):
            self.assertEqual(self.buttons("office_A"), {"close-notice"})
            self.assertEqual(self.buttons("unit_A1"), set())

    def test_after_sign_off_the_plans_offices_may_reopen(self):
        self.signed_off_request()
        with at(SIGNED):
            self.assertEqual(self.buttons("office_A"), {"reopen"})
            self.assertEqual(self.buttons("office_P"), {"reopen"})
            self.assertEqual(self.buttons("reviewer_A"), set())
            self.assertEqual(self.buttons("unit_A1"), set())


class ProblemPageContentTestCase(AcceptanceViewTestCase):
    today = SIGNED

    def test_chain_rounds_decisions_notice_objections_and_reopening(self):
        request = self.signed_off_request(files=[pdf_upload("整改前后对比.pdf")])
        actions.reopen(self.problem, acting_user=self.user("office_A"), reason="群众再次反映")
        self.login("office_A")
        response = self.client.get(self.page_url())
        self.assertEqual(attr_values(response, "chain-step", "position"), ["0", "1", "2"])
        self.assertEqual(attr_values(response, "request", "status"), ["signed_off"])
        self.assertEqual(attr_values(response, "round", "round"), ["1", "2"])
        decisions = list(StepDecision.objects.filter(request=request).order_by("round", "position"))
        self.assertEqual(attr_values(response, "decision", "decision"), [str(d.pk) for d in decisions])
        self.assertEqual(attr_values(response, "decision", "value"), ["return", "pass", "pass", "pass"])
        self.assertEqual(attr_values(response, "decision", "verified"), ["intact"] * 4)
        body = response.content.decode()
        for decision in decisions:
            self.assertIn(decision.content_hash[:12], body)
        self.assertIn("缺少水质监测报告", body)
        self.assertEqual(count_testid(response, "attachment"), 2)  # the first file and the resubmitted one
        for attachment in request.attachments.all():
            self.assertIn(reverse("acceptance:attachment_download", args=[attachment.pk]), body)
        self.assertEqual(attr_values(response, "objection", "status"), ["dismissed"])
        self.assertIn("钱七", body)  # the office sees who objected
        self.assertIn(reverse("notices:notice", args=[request.notices.get().code]), body)
        self.assertEqual(attr_values(response, "reopening", "kind"), ["rebound"])
        self.assertIn("群众再次反映", body)
        self.assertEqual(attr_values(response, "problem-status", "status"), ["in_progress"])

    def test_units_do_not_see_who_objected(self):
        self.signed_off_request()
        self.login("unit_A1")
        response = self.client.get(self.page_url())
        self.assertEqual(attr_values(response, "objection", "status"), ["dismissed"])
        self.assertNotContains(response, "钱七")
        self.assertNotContains(response, "13900000000")


class ProblemPageSignatureTestCase(AcceptanceViewTestCase):
    today = SIGNED

    def decisions_shown(self, persona: str = "reviewer_A") -> dict[str, str]:
        self.client.force_login(self.user(persona))
        response = self.client.get(self.page_url())
        self.assertEqual(response.status_code, 200)
        return dict(
            zip(
                attr_values(response, "decision", "decision"),
                attr_values(response, "decision", "verified"),
                strict=True,
            )
        )

    def test_the_page_agrees_with_signatures_snapshot_and_verify(self):
        with at(date(2026, 3, 2)):  # evidence on the whole problem, corrected once (the file carried forward)
            january = progress.submit_report(
                self.problem,
                ReportInput(date(2026, 1, 1), date(2026, 1, 31), "一月进展", files=[pdf_upload("一月台账.pdf")]),
                acting_user=self.user("unit_A1"),
            )
            progress.correct_report(
                january,
                ReportInput(date(2026, 1, 1), date(2026, 1, 31), "一月进展（更正）"),
                acting_user=self.user("unit_A1"),
                reason="补充说明",
            )
        request = self.signed_off_request(files=[pdf_upload()])
        self.problem.refresh_from_db()
        evidence = list(Evidence.objects.filter(report__problem=self.problem, report__is_current=True).order_by("pk"))
        self.assertTrue(evidence)
        measures = list(self.problem.measures.order_by("position", "pk"))
        attachments = list(request.attachments.order_by("pk"))
        self.assertEqual(
            current_content(self.problem, measures, evidence, request, attachments), signatures.snapshot(request)
        )
        Problem.objects.filter(pk=self.problem.pk).update(title="问题a1（改）")
        with evidence[0].file.open("wb") as handle:
            handle.write(PDF_ALTERED)
        self.login("reviewer_A")
        response = self.client.get(self.page_url())
        shown = {
            d.pk: d.verification for entry in response.context["entries"] for r in entry.rounds for d in r.decisions
        }
        for decision in request.decisions.all():
            with self.subTest(decision=decision.pk):
                expected = signatures.verify(decision)
                self.assertFalse(expected.ok)
                self.assertEqual(
                    (shown[decision.pk].record_intact, shown[decision.pk].changes),
                    (expected.record_intact, expected.changes),
                )

    def test_a_changed_item_an_altered_file_and_an_edited_record_are_shown(self):
        request = self.signed_off_request(files=[pdf_upload("验收照片.pdf")])
        first, *_others, last = request.decisions.order_by("round", "position")
        self.assertEqual(set(self.decisions_shown().values()), {"intact"})

        attachment = AcceptanceAttachment.objects.get(original_name="验收照片.pdf")
        with attachment.file.open("wb") as handle:
            handle.write(PDF_ALTERED)
        shown = self.decisions_shown()
        self.assertEqual(set(shown.values()), {"tampered"})
        response = self.client.get(self.page_url())
        self.assertContains(response, 'data-testid="tampered-summary"')
        self.assertContains(response, "file 验收照片.pdf altered")

        attachment.file.delete(save=False)
        self.assertContains(self.client.get(self.page_url()), "file 验收照片.pdf missing")

        content = dict(last.frozen_content, decision={**last.frozen_content["decision"], "opinion": "改过的意见"})
        StepDecision.objects.filter(pk=last.pk).update(frozen_content=content)
        [record] = [
            d.verification
            for entry in self.client.get(self.page_url()).context["entries"]
            for r in entry.rounds
            for d in r.decisions
            if d.pk == last.pk
        ]
        self.assertFalse(record.record_intact)
        self.assertEqual(self.decisions_shown()[str(first.pk)], "tampered")

    def test_evidence_of_progress_reports_is_checked_too(self):
        with at(date(2026, 3, 2)):
            progress.submit_report(
                self.problem,
                ReportInput(date(2026, 1, 1), date(2026, 1, 31), "一月进展", files=[pdf_upload("一月台账.pdf")]),
                acting_user=self.user("unit_A1"),
            )
        self.signed_off_request()
        self.assertEqual(set(self.decisions_shown().values()), {"intact"})
        evidence = Evidence.objects.get(original_name="一月台账.pdf")
        with evidence.file.open("wb") as handle:
            handle.write(PDF_ALTERED)
        self.assertEqual(set(self.decisions_shown().values()), {"tampered"})
        self.assertContains(self.client.get(self.page_url()), "file 一月台账.pdf altered")


PDF_ALTERED = b"%PDF-1.4\n% altered after signing\ntrailer\n<< >>\n%%EOF\n"


class ProblemPageQueryCountTestCase(AcceptanceViewTestCase):
    today = SIGNED

    def test_a_signed_off_problem_costs_the_same_whatever_its_history(self):
        self.signed_off_request(files=[pdf_upload()])
        self.login("office_A")
        # 1 session, 2 user, 3 the user's unit (scope), 4 problem with plan, jurisdiction and parent,
        # 5 the plan's own chain (none), 6 the default chain of its level, 7 requests with chain, requester
        # and unit, 8 their chains' steps, 9 decisions with step, signer and unit, 10 attachments,
        # 11 notices, 12 their objections with who handled them, 13 measures, 14 current evidence,
        # 15 the plan office check (editable plans), 16 the plan chain's steps, 17 acceptance units,
        # 18 reopenings
        with self.assertNumQueries(18):
            self.assertEqual(self.client.get(self.page_url()).status_code, 200)

        actions.reopen(self.problem, acting_user=self.user("office_A"), reason="反弹")
        with at(SIGNED):
            again = actions.request_acceptance(
                self.problem,
                acting_user=self.user("unit_A1"),
                report="再次自查",
                signed_by_head="赵局长",
                checklist=ALL_MET,
                files=[pdf_upload("a.pdf"), pdf_upload("b.pdf")],
            )
        for _round in range(2):
            with at(date(2026, 3, 12)):
                actions.decide_step(again, acting_user=self.user("reviewer_A"), decision="return", opinion="再补充")
                actions.resubmit(again, acting_user=self.user("unit_A1"), files=[pdf_upload("c.pdf")])
            again.refresh_from_db()
        with at(date(2026, 3, 12)):
            actions.decide_step(again, acting_user=self.user("office_A"), decision="pass")
            again.refresh_from_db()
            notice = actions.current_notice(again)
            for text in ("一", "二"):
                objection = actions.file_objection(notice, name="孙八", contact="x@example.org", text=text)
                actions.handle_objection(objection, acting_user=self.user("office_A"), uphold=False, note="不成立")
        with at(date(2026, 3, 20)):
            actions.close_notice(again, acting_user=self.user("office_A"))
            again.refresh_from_db()
            actions.decide_step(again, acting_user=self.user("office_P"), decision="pass")
        self.assertEqual(StepDecision.objects.count(), 4 + 5)  # return, pass, notice, sign-off; two returns more
        with at(date(2026, 3, 20)), self.assertNumQueries(18):
            response = self.client.get(self.page_url())
        self.assertEqual(len(attr_values(response, "decision", "decision")), 9)

    def test_a_reviewer_with_a_step_waiting(self):
        request = self.ask()
        self.login("reviewer_A")
        # The 18 above, less the plan office check (a reviewer edits no plan: no query) and the objections
        # (no notice yet: nothing to prefetch), plus the acceptance units rules.may_act reads for the step.
        with self.assertNumQueries(17):
            self.client.get(self.page_url())
        for _round in range(3):
            self.city(request, "return", "补充材料")
            self.resubmit(request, files=[pdf_upload()])
        with self.assertNumQueries(17):
            response = self.client.get(self.page_url())
        self.assertEqual(count_testid(response, "decide"), 1)
        self.assertEqual(attr_values(response, "round", "round"), ["1", "2", "3", "4"])
